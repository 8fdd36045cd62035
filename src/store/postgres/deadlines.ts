/**
 * The durable scheduler's deadlines on PostgreSQL: one pg-boss queue (`deadlines`) that every
 * instance on the database shares, used the way jobs.ts uses the carrier queues:
 *
 * - Enqueue: `send` on the caller's transaction (`db` option), so a deadline exists exactly when
 *   the change that set it commits, under a pg-boss id derived from the deadline's deterministic
 *   id: a replayed enqueue inserts nothing. `startAfter` is the due time.
 * - A worker's lease: `fetch` (`FOR UPDATE SKIP LOCKED`: two instances never get one deadline)
 *   makes it `active` until `started_on + expire_in`. A holder lost past that gives it back to
 *   pg-boss's retry (explicit limit and backoff below).
 * - Fencing: complete and reschedule lock the row and compare the holder's lease with the row's;
 *   a holder that lost the deadline changes nothing. Reschedule is `deleteJob` and `send` again
 *   under the same id, in one transaction.
 *
 * Time: the database's clock decides what is due and when a lease lapses (as for jobs), so the
 * callers' `now` and `leaseUntil` are not used; a test's fake clock does not move pg-boss's.
 */
import type pg from "pg";
import PgBoss from "pg-boss";
import type { DeadlineKind, DeadlineRecord, DeadlineRepository, HeldDeadline } from "../store.ts";
import { bossJobId, bossSchema } from "./jobs-rows.ts";
import { putQueue, setUpQueuesUnderLock } from "./queue-setup.ts";
import { inTransaction } from "./transaction.ts";

const queue = "deadlines";

/** What pg-boss keeps of a deadline besides its own columns. */
interface DeadlineData {
  deadlineId: string;
  kind: DeadlineKind;
  subjectId: string;
  merchantId: string;
  dueAt: string;
  attempts: number;
  lastError: string | null;
}

type DeadlineRow = {
  id: string;
  state: string;
  data: DeadlineData;
  lease_until: string | null;
};

/** The holder's lease as text with milliseconds, like every time in the gateway. */
const rowColumns = `
  id, state, data,
  CASE WHEN state = 'active'
    THEN to_char((started_on + expire_in) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  END AS lease_until
`;

export interface PgDeadlineQueue extends DeadlineRepository {
  /** Enqueues deadlines in the caller's transaction; one already there is left as it is. */
  enqueue(client: pg.PoolClient, deadlines: readonly DeadlineRecord[]): Promise<void>;
  stop(): Promise<void>;
}

export interface PgDeadlineQueueOptions {
  pool: pg.Pool;
  /** A worker's lease on a deadline, in ms (whole seconds to pg-boss). */
  leaseMs: number;
  onError: (error: Error) => void;
}

/**
 * Creates the queue (under the job queue's setup lock, so instances starting together do not
 * race on its partition) and starts a pg-boss client for it on the store's pool. pg-boss's schema
 * is already in place: the job queue installs it first.
 */
export async function startPgDeadlineQueue(
  options: PgDeadlineQueueOptions,
): Promise<PgDeadlineQueue> {
  const settings: Omit<PgBoss.Queue, "name"> = {
    policy: "standard",
    expireInSeconds: Math.max(1, Math.ceil(options.leaseMs / 1000)),
    // A lost holder (an instance killed mid-run) is replaced after 5 s, then less and less
    // often, but never given up: a pg-boss job marked failed is one nobody runs again, and a
    // deadline must be acted on (as jobs.ts keeps its jobs).
    retryLimit: 1_000_000,
    retryDelay: 5,
    retryBackoff: true,
    // A deadline may be weeks away (a ship-later date): pg-boss must never archive it unrun.
    retentionMinutes: 366 * 24 * 60,
  };
  await setUpQueuesUnderLock(options.pool, false, (boss) => putQueue(boss, queue, settings));
  const boss = new PgBoss({
    db: { executeSql: (text, values) => options.pool.query(text, values) },
    schema: bossSchema,
    migrate: false,
    schedule: false,
    // The job queue's pg-boss supervises (expires leases, archives) every queue of the schema.
    supervise: false,
  });
  boss.on("error", options.onError);
  await boss.start();
  return new PgBossDeadlineQueue(boss, options.pool);
}

/** pg-boss's `db` option: its statement on this connection (in its open transaction). */
function on(client: pg.PoolClient): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}

class PgBossDeadlineQueue implements PgDeadlineQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
  ) {}

  claimDue(_now: string, _leaseUntil: string, limit: number): Promise<DeadlineRecord[]> {
    if (limit <= 0) {
      return Promise.resolve([]);
    }
    return inTransaction(this.pool, async ({ client }) => {
      const fetched = await this.boss.fetch<DeadlineData>(queue, {
        batchSize: limit,
        priority: false,
        db: on(client),
      });
      if (fetched.length === 0) {
        return [];
      }
      const { rows } = await client.query<DeadlineRow>(
        `SELECT ${rowColumns} FROM ${bossSchema}.job WHERE name = $1 AND id = ANY($2::uuid[])`,
        [queue, fetched.map((job) => job.id)],
      );
      return rows.map(toRecord).sort(earliestFirst);
    });
  }

  complete(held: HeldDeadline): Promise<void> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockHeld(client, held);
      if (row?.state === "active") {
        await this.boss.complete(queue, row.id, {}, { db: on(client) });
      }
    });
  }

  reschedule(held: HeldDeadline, dueAt: string, lastError: string | null): Promise<void> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockHeld(client, held);
      if (!row) {
        return;
      }
      await this.boss.deleteJob(queue, row.id, { db: on(client) });
      await this.send(client, { ...row.data, dueAt, lastError, attempts: row.data.attempts + 1 });
    });
  }

  async openFor(subjectId: string): Promise<DeadlineRecord[]> {
    // No index on the subject: this serves tests and single-record pages, not a hot path.
    const { rows } = await this.pool.query<DeadlineRow>(
      `SELECT ${rowColumns} FROM ${bossSchema}.job
       WHERE name = $1 AND state <= 'active' AND data->>'subjectId' = $2`,
      [queue, subjectId],
    );
    return rows.map(toRecord).sort(earliestFirst);
  }

  async enqueue(client: pg.PoolClient, deadlines: readonly DeadlineRecord[]): Promise<void> {
    for (const deadline of deadlines) {
      await this.send(client, {
        deadlineId: deadline.id,
        kind: deadline.kind,
        subjectId: deadline.subjectId,
        merchantId: deadline.merchantId,
        dueAt: deadline.dueAt,
        attempts: deadline.attempts,
        lastError: deadline.lastError,
      });
    }
  }

  async stop(): Promise<void> {
    await this.boss.stop();
  }

  /** Null from pg-boss when a deadline of that id is there already: a replay, nothing changes. */
  private async send(client: pg.PoolClient, data: DeadlineData): Promise<void> {
    await this.boss.send(queue, data, {
      id: bossJobId(data.deadlineId),
      startAfter: new Date(data.dueAt),
      db: on(client),
    });
  }
}

/**
 * The open deadline, locked, if `held`'s holder still holds it (the fence); else null. Found by
 * its primary key alone: with `state <= 'active'` in the WHERE clause PostgreSQL chose pg-boss's
 * (name, state) index and read every open deadline to find this one. Only an active deadline has
 * a lease, so the fence also tells an ended one.
 */
async function lockHeld(client: pg.PoolClient, held: HeldDeadline): Promise<DeadlineRow | null> {
  const { rows } = await client.query<DeadlineRow>(
    `SELECT ${rowColumns} FROM ${bossSchema}.job
     WHERE name = $1 AND id = $2
     FOR UPDATE`,
    [queue, bossJobId(held.id)],
  );
  const row = rows[0];
  return row && row.lease_until === held.leaseUntil ? row : null;
}

function toRecord(row: DeadlineRow): DeadlineRecord {
  const { data } = row;
  return {
    id: data.deadlineId,
    kind: data.kind,
    subjectId: data.subjectId,
    merchantId: data.merchantId,
    dueAt: data.dueAt,
    attempts: data.attempts,
    lastError: data.lastError,
    leaseUntil: row.lease_until,
  };
}

function earliestFirst(a: DeadlineRecord, b: DeadlineRecord): number {
  return a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
