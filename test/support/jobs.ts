/**
 * Moving a test gateway's jobs by name, on whichever store it runs (sqlite.ts or
 * postgres-jobs.ts say how each engine keeps them). Async, as the PostgreSQL ones are.
 */
import type { PostgresStore } from "../../src/store/postgres/index.ts";
import type { SqliteStore } from "../../src/store/sqlite/open.ts";
import type { JobRecord } from "../../src/store/store.ts";
import * as postgres from "./postgres-jobs.ts";
import * as sqlite from "./sqlite.ts";

/** The stores test gateways run on (test/harness.ts). */
export type TestStore = SqliteStore | PostgresStore;

function isSqlite(store: TestStore): store is SqliteStore {
  return "database" in store;
}

/** Makes every job (only those of `kind`, when given) due now. */
export async function makeJobsDue(store: TestStore, kind?: JobRecord["kind"]): Promise<void> {
  if (isSqlite(store)) {
    sqlite.makeJobsDue(store, kind);
  } else {
    await postgres.makeJobsDue(store, kind);
  }
}

/** Puts off every job but those of `except` until `until`. */
export async function postponeJobs(
  store: TestStore,
  until: string,
  options: { except: JobRecord["kind"] },
): Promise<void> {
  if (isSqlite(store)) {
    sqlite.postponeJobs(store, until, options);
  } else {
    await postgres.postponeJobs(store, until, options);
  }
}

/** Sets how many attempts every job has made, as if they had run that often. */
export async function setJobAttempts(store: TestStore, attempts: number): Promise<void> {
  if (isSqlite(store)) {
    sqlite.setJobAttempts(store, attempts);
  } else {
    await postgres.setJobAttempts(store, attempts);
  }
}

/** Sets every job's lease: a past time is a holder that vanished mid-run, null nobody. */
export async function setJobLeases(store: TestStore, leaseUntil: string | null): Promise<void> {
  if (isSqlite(store)) {
    sqlite.setJobLeases(store, leaseUntil);
  } else {
    await postgres.setJobLeases(store, leaseUntil);
  }
}

/** How many jobs of `kind` the store holds, across interceptions. */
export async function countJobs(store: TestStore, kind: JobRecord["kind"]): Promise<number> {
  return isSqlite(store) ? sqlite.countJobs(store, kind) : postgres.countJobs(store, kind);
}
