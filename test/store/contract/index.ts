/**
 * The store contract: the documented behaviour of every repository method of `Store`
 * (src/store/store.ts), through that interface only. Every store implementation runs it from a
 * `*.contract.test.ts` file of its own (SQLite: test/store/sqlite.contract.test.ts); what only
 * one engine has (pragmas, locks, migrations) is tested beside it, not here.
 *
 * The suite assumes neither synchronous answers nor a single connection: every call is awaited,
 * and the cases about two instances on one database get their second store from the
 * implementation (`ContractDatabase.connectAnother`).
 */
import { afterEach, beforeEach, describe } from "vitest";
import type { Store } from "../../../src/store/store.ts";
import { appliedTransitionContract } from "./applied-transition.ts";
import { bringForwardPollsContract } from "./bring-forward-polls.ts";
import { dashboardSessionsContract } from "./dashboard-sessions.ts";
import { deadlinesContract } from "./deadlines.ts";
import { merchant } from "./fixtures.ts";
import { idempotencyContract } from "./idempotency.ts";
import { instancesContract } from "./instances.ts";
import { interceptionsContract } from "./interceptions.ts";
import { jobsContract } from "./jobs.ts";
import { ledgerAndLocksContract } from "./ledger-and-locks.ts";
import { merchantsContract } from "./merchants.ts";
import { ownersAndOrdersContract } from "./owners-and-orders.ts";
import { shipmentsContract } from "./shipments.ts";
import { ticketsContract } from "./tickets.ts";
import { transitionsContract } from "./transitions.ts";
import { webhooksContract } from "./webhooks.ts";

/** A new, empty (migrated) database with a store open on it, made before each test. */
export interface ContractDatabase {
  store: Store;
  /**
   * Opens another store on this same database, as a second gateway instance would; null when the
   * engine cannot (an in-memory SQLite database lives in one connection). The suite closes it.
   */
  connectAnother: (() => Promise<Store>) | null;
  /** After each test: closes `store` and drops the database. */
  dispose(): Promise<void>;
  /**
   * True where the database's own clock, not the caller's `now`, decides which jobs are due and
   * whose worker lease lapsed (PostgreSQL: pg-boss), so the cases that move `now` over fixed past
   * times cannot drive `claimDue`; that engine tests the same rules on its clock beside the suite.
   */
  dueByDatabaseClock?: boolean;
}

/** What the tests of each part read: the current test's database, with `mer_a` and `mer_b`. */
export interface ContractSubject {
  readonly store: Store;
  /** Another store on the current database (closed after the test), or null; see above. */
  anotherStore(): Promise<Store | null>;
  /** See `ContractDatabase.dueByDatabaseClock`. */
  readonly dueByDatabaseClock: boolean;
}

export function describeStoreContract(name: string, open: () => Promise<ContractDatabase>): void {
  describe(`Store contract: ${name}`, () => {
    let database: ContractDatabase | null = null;
    const others: Store[] = [];

    const subject: ContractSubject = {
      get store() {
        if (database === null) {
          throw new Error("The store is only open inside a test.");
        }
        return database.store;
      },
      get dueByDatabaseClock() {
        return database?.dueByDatabaseClock ?? false;
      },
      async anotherStore() {
        const other = (await database?.connectAnother?.()) ?? null;
        if (other) {
          others.push(other);
        }
        return other;
      },
    };

    beforeEach(async () => {
      database = await open();
      await database.store.merchants.create(merchant("mer_a"));
      await database.store.merchants.create(merchant("mer_b"));
    });

    afterEach(async () => {
      for (const other of others.splice(0)) {
        await other.close();
      }
      await database?.dispose();
      database = null;
    });

    merchantsContract(subject);
    idempotencyContract(subject);
    interceptionsContract(subject);
    ownersAndOrdersContract(subject);
    transitionsContract(subject);
    appliedTransitionContract(subject);
    ledgerAndLocksContract(subject);
    jobsContract(subject);
    bringForwardPollsContract(subject);
    instancesContract(subject);
    webhooksContract(subject);
    dashboardSessionsContract(subject);
    shipmentsContract(subject);
    deadlinesContract(subject);
    ticketsContract(subject);
  });
}
