/**
 * The PostgreSQL store's jobs, on pg-boss 10 (pinned): the queue every gateway instance on the
 * database shares. How the store's job contract maps onto pg-boss:
 *
 * - Enqueue: `send` on the caller's transaction (`db` option), so a job exists exactly when the
 *   interception change that made it commits. Its pg-boss id is derived from the job's id
 *   (jobs-rows.ts): a replayed enqueue inserts nothing.
 * - Queues: one per carrier, so the worker's room per carrier is a fetch's batch size.
 * - A worker's lease: `fetch` (`FOR UPDATE SKIP LOCKED`, so two instances never get one job) makes
 *   the job `active` until `started_on + expire_in`; the expiry is the worker's lease (JOB_LEASE_MS,
 *   above the handler's deadline). A holder that crashes or hangs past it loses the job: pg-boss's
 *   maintenance moves it to `retry`, and the next fetch hands it out marked maybe-sent.
 * - A request's hold (it runs its own job right away, or holds one while it stops the
 *   interception): the job waits in `created` with `start_after` at the end of the hold, so no
 *   worker fetches it meanwhile; if the request never comes back, a worker fetches it once the
 *   hold lapses and it too is maybe-sent.
 * - Reschedule, release and holding rewrite the job: pg-boss's `deleteJob` and `send` again under
 *   the same id with the new `start_after` and data, in one transaction. Completing a job is
 *   pg-boss's `complete` (or `cancel`, for one nobody fetched).
 * - Fencing: every write of a holder first locks the job's row and compares the lease it was given
 *   with the row's (pg-boss's own `complete` is not fenced); a holder that lost the job changes
 *   nothing. Writes that come with an interception's transition (`remove`, `removeAllFor`) are not
 *   fenced, as in every store: the transition's conditional status change is the fence there.
 * - Each job is ended on its own (complete, reschedule, release): nothing ends a fetched batch as
 *   a whole, so a job that fails never re-runs the jobs fetched with it (pg-boss's `work()` would).
 *   Handlers stay idempotent all the same: pg-boss delivers at least once.
 *
 * Time: what pg-boss decides, it decides by the database's clock, the one clock all instances
 * share: whether a job is due for a fetch (`start_after < now()`), when a worker's lease lapses
 * (`started_on + expire_in`). So `claimDue`'s `now` and `leaseUntil` are not used: due means
 * `runAt` before the database's now, and the lease is the queue's. What the gateway decides itself
 * follows the store contract: `claim` compares the claimant's `now` with the holder's lease, as
 * every store does. A request's hold keeps workers off for its length (`leaseUntil - now`), counted
 * from the database's now. Callers' clocks agree with the database's within NTP skew, far below a
 * lease or a backoff; a test's fake clock does not move pg-boss's.
 */
import type pg from "pg";
import PgBoss from "pg-boss";
import { type CarrierId, carrierIds } from "../../../contracts/carrier-adapter.ts";
import type { CarrierJob, CarrierRoom, HeldJob, JobRecord } from "../store.ts";
import type { PgJobQueue } from "./job-queue.ts";
import {
  allQueues,
  bossJobId,
  bossSchema,
  carrierOf,
  dataOf,
  type JobData,
  type JobRow,
  jobKinds,
  jobRowColumns,
  oldestJobFirst,
  openJobs,
  queueOf,
  singletonKey,
  toJobRecord,
} from "./jobs-rows.ts";
import { statementName } from "./named-statements.ts";
import { putQueue, setUpQueuesUnderLock } from "./queue-setup.ts";
import { inTransaction } from "./transaction.ts";

/**
 * What pg-boss does with a job whose holder was lost (its lease expired): it is offered again
 * after `delaySeconds`, doubling each time when `backoff`, at most `limit` times; after that
 * pg-boss marks it `failed` and nobody runs it again. These retries count lost holders only: a
 * run that ends (done, carrier failure, crash caught by the runner) ends its pg-boss job itself,
 * and the runner's own attempts and give-up rule decide what happens next.
 */
export interface LostHolderRetry {
  limit: number;
  delaySeconds: number;
  backoff: boolean;
}

/**
 * A holder lost now and then (an instance killed mid-job) costs a short wait (5 to 10 s after its
 * lease); a job that takes every holder down with it is offered less and less often (pg-boss
 * caps the doubling, at most about 45 h apart), but never marked `failed`: a failed pg-boss job is
 * one nobody runs again, so its interception would wait forever with nothing to say why. Like the
 * SQLite store's queue, which takes a lapsed lease over at its next pass however often that
 * happened, the job stays the gateway's until a run of it ends.
 */
const defaultLostHolderRetry: LostHolderRetry = {
  limit: 1_000_000,
  delaySeconds: 5,
  backoff: true,
};

export interface PgJobQueueOptions {
  /** The store's pool: pg-boss runs its statements on it too (no second pool). */
  pool: pg.Pool;
  /** A worker's lease on a job (JOB_LEASE_MS): pg-boss's expiry of every job, in whole seconds. */
  leaseMs: number;
  /**
   * Hears pg-boss's errors (a failed maintenance pass, retried at the next). Required: an
   * `error` event nobody listens to would crash the process.
   */
  onError: (error: Error) => void;
  lostHolderRetry?: LostHolderRetry;
  /**
   * How often pg-boss looks for expired leases (one instance does it per interval, whichever
   * comes first): a lapsed lease is taken over within about this much after it ends.
   */
  maintenanceIntervalSeconds?: number;
}

/**
 * Starts pg-boss on the store's pool, once its schema and queues are in place (see `setUpQueues`),
 * and returns the queue.
 */
export async function startPgJobQueue(options: PgJobQueueOptions): Promise<PgJobQueue> {
  const { pool } = options;
  await setUpQueues(options);
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: bossSchema,
    // Checks that the schema is the one this pg-boss needs; `setUpQueues` made it so.
    migrate: false,
    // No cron: the gateway schedules nothing through pg-boss (and so pg-boss polls no clock).
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 10,
    // A completed job's id stays taken this long (a replayed enqueue of it inserts nothing), then
    // pg-boss archives it for a week.
    archiveCompletedAfterSeconds: 60 * 60,
    deleteAfterDays: 7,
  });
  boss.on("error", options.onError);
  await boss.start();
  return new PgBossJobQueue(boss, pool);
}

/** pg-boss's schema, and one queue per carrier (see queue-setup.ts). */
async function setUpQueues(options: PgJobQueueOptions): Promise<void> {
  const retry = options.lostHolderRetry ?? defaultLostHolderRetry;
  const settings: Omit<PgBoss.Queue, "name"> = {
    // One open job per (interception, kind) and state, and an index of open jobs by that key.
    policy: "stately",
    expireInSeconds: Math.max(1, Math.ceil(options.leaseMs / 1000)),
    retryLimit: retry.limit,
    retryDelay: retry.delaySeconds,
    retryBackoff: retry.backoff,
    // pg-boss archives a job still waiting this long after it was due: never, in practice.
    // Only the gateway ends its jobs.
    retentionMinutes: 366 * 24 * 60,
  };
  await setUpQueuesUnderLock(options.pool, true, async (boss) => {
    for (const carrier of carrierIds) {
      await putQueue(boss, queueOf(carrier), settings);
    }
  });
}

/** pg-boss's `db` option: its statement on this connection (in its open transaction). */
function on(client: pg.PoolClient): PgBoss.Db {
  return { executeSql: (text, values) => client.query(prepared(text, values)) };
}

/**
 * A statement named after its text (named-statements.ts), so that each connection parses and plans
 * it once: planning over six partitions cost as much as running the statement. Only for single
 * statements (pg-boss's install and maintenance send several at once, unprepared).
 */
function prepared(text: string, values?: unknown[]): pg.QueryConfig {
  const name = statementName(text);
  return name ? { name, text, values } : { text, values };
}

class PgBossJobQueue implements PgJobQueue {
  constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
  ) {}

  claim(jobId: string, now: string, leaseUntil: string): Promise<JobRecord | null> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockJob(client, jobId);
      // A live lease is one that ends after the claimant's now, as in every store (ISO text in
      // UTC with milliseconds compares as time).
      if (!row || (row.lease_until !== null && row.lease_until > now)) {
        return null;
      }
      const data: JobData = {
        ...row.data,
        // Taken over from a holder that was lost: it may have reached the carrier.
        maybeSent: row.maybe_sent || row.had_holder,
        heldUntil: leaseUntil,
      };
      await this.rewrite(client, row, data, secondsBetween(now, leaseUntil));
      return recordOf(data);
    });
  }

  /**
   * Each carrier's share of the room is settled first, oldest jobs first across carriers (pg-boss
   * hands a queue's jobs out by creation), then each carrier's queue is fetched for its share.
   */
  async claimDue(
    _now: string,
    _leaseUntil: string,
    room: CarrierRoom,
    excluding: readonly string[] = [],
  ): Promise<CarrierJob[]> {
    const free = (Object.entries(room.perCarrier) as Array<[CarrierId, number]>).filter(
      ([, count]) => count > 0,
    );
    if (room.total <= 0 || free.length === 0) {
      return [];
    }
    return inTransaction(this.pool, async ({ client }) => {
      const shares = await shareOfRoom(client, free, room.total);
      const fetched: Array<{ name: string; id: string; data: JobData }> = [];
      for (const [name, batchSize] of shares) {
        const jobs = await this.boss.fetch<JobData>(name, {
          batchSize,
          priority: false,
          db: on(client),
        });
        fetched.push(...jobs.map((job) => ({ ...job, name })));
      }
      // Its lease ran out while this worker still runs it: not handed to this worker twice, but
      // given back at once for another (maybe sent: the run here may reach the carrier yet).
      const running = new Set(excluding);
      for (const job of fetched.filter((each) => running.has(each.data.jobId))) {
        const data = { ...job.data, maybeSent: true, heldUntil: null };
        await this.rewrite(client, job, data, job.data.runAt);
      }
      const taken = fetched.filter((job) => !running.has(job.data.jobId));
      if (taken.length === 0) {
        return [];
      }
      const { rows } = await client.query<JobRow>(
        prepared(
          `SELECT ${jobRowColumns} FROM ${bossSchema}.job WHERE name = ANY($1) AND id = ANY($2::uuid[])`,
          [[...new Set(taken.map((job) => job.name))], taken.map((job) => job.id)],
        ),
      );
      return rows
        .map((row) => ({ job: toJobRecord(row), carrier: carrierOf(row.name) }))
        .sort((a, b) => oldestJobFirst(a.job, b.job));
    });
  }

  reschedule(job: HeldJob, runAt: string, lastError: string, maybeSent = false): Promise<void> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockHeldJob(client, job);
      if (!row) {
        return;
      }
      await this.rewrite(
        client,
        row,
        {
          ...row.data,
          runAt,
          attempts: row.data.attempts + 1,
          lastError,
          maybeSent: row.maybe_sent || maybeSent,
          heldUntil: null,
        },
        runAt,
      );
    });
  }

  complete(job: HeldJob): Promise<void> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockHeldJob(client, job);
      if (row) {
        await this.end(client, row);
      }
    });
  }

  release(job: HeldJob): Promise<void> {
    return inTransaction(this.pool, async ({ client }) => {
      const row = await lockHeldJob(client, job);
      if (!row) {
        return;
      }
      const data = { ...row.data, maybeSent: row.maybe_sent, heldUntil: null };
      await this.rewrite(client, row, data, row.data.runAt);
    });
  }

  /**
   * Poll jobs only exist while their interception is submitted (a stale one ends itself when it
   * runs), so the jobs alone say which to move. Locked `SKIP LOCKED`: a second instance starting
   * at the same time moves none of the ones the first is moving, nor (once they are within the
   * window) any of them later.
   */
  bringForwardPolls(input: {
    carriers: readonly CarrierId[];
    now: string;
    windowMs: number;
  }): Promise<number> {
    if (input.carriers.length === 0) {
      return Promise.resolve(0);
    }
    const start = Date.parse(input.now);
    const windowEnd = new Date(start + input.windowMs).toISOString();
    return inTransaction(this.pool, async ({ client }) => {
      const { rows: late } = await client.query<JobRow>(
        prepared(
          `SELECT ${jobRowColumns} FROM ${bossSchema}.job
           WHERE name = ANY($1) AND state < 'active' AND data->>'kind' = 'poll'
             AND data->>'heldUntil' IS NULL AND start_after > $2
           ORDER BY start_after, data->>'jobId'
           FOR UPDATE SKIP LOCKED`,
          [input.carriers.map(queueOf), windowEnd],
        ),
      );
      if (late.length === 0) {
        return 0;
      }
      for (const name of new Set(late.map((row) => row.name))) {
        const ids = late.filter((row) => row.name === name).map((row) => row.id);
        await this.boss.deleteJob(name, ids, { db: on(client) });
      }
      const moved = late.map((row, index) => {
        const offset = Math.floor((input.windowMs * index) / late.length);
        const runAt = new Date(start + offset).toISOString();
        return { row, data: { ...row.data, runAt, maybeSent: row.maybe_sent } };
      });
      await this.boss.insert(
        moved.map(({ row, data }) => ({
          id: row.id,
          name: row.name,
          data,
          startAfter: data.runAt,
          singletonKey: singletonKey(data.interceptionId, data.kind),
        })),
        { db: on(client) },
      );
      return moved.length;
    });
  }

  async forInterception(
    interceptionId: string,
    kind?: JobRecord["kind"],
  ): Promise<JobRecord | null> {
    const kinds = kind === undefined ? jobKinds : [kind];
    const { rows } = await this.pool.query<JobRow>(
      prepared(
        `SELECT ${jobRowColumns} FROM ${bossSchema}.job
         WHERE name = ANY($1) AND ${openJobs} AND COALESCE(singleton_key, '') = ANY($2)
         ORDER BY data->>'runAt', data->>'jobId'
         LIMIT 1`,
        [allQueues, kinds.map((each) => singletonKey(interceptionId, each))],
      ),
    );
    const [row] = rows;
    return row ? toJobRecord(row) : null;
  }

  async enqueue(client: pg.PoolClient, job: JobRecord, carrier: CarrierId): Promise<void> {
    // A job stored held (the request runs it right after its transaction) waits out the hold.
    const startAfter = job.leaseUntil ? secondsBetween(job.runAt, job.leaseUntil) : job.runAt;
    // Null when the job is there already: a replay, which changes nothing.
    await this.send(client, queueOf(carrier), dataOf(job), startAfter);
  }

  async removeAllFor(client: pg.PoolClient, interceptionId: string): Promise<void> {
    const { rows } = await client.query<JobRow>(
      prepared(
        `SELECT ${jobRowColumns} FROM ${bossSchema}.job
         WHERE name = ANY($1) AND ${openJobs} AND COALESCE(singleton_key, '') = ANY($2)
         FOR UPDATE`,
        [allQueues, jobKinds.map((kind) => singletonKey(interceptionId, kind))],
      ),
    );
    for (const row of rows) {
      await this.end(client, row);
    }
  }

  async remove(client: pg.PoolClient, interceptionId: string, jobId: string): Promise<void> {
    const row = await lockJob(client, jobId);
    if (row?.data.interceptionId === interceptionId) {
      await this.end(client, row);
    }
  }

  async hasOpenJob(
    client: pg.PoolClient,
    interceptionId: string,
    kind: JobRecord["kind"],
    exceptJobId: string | null,
  ): Promise<boolean> {
    const { rows } = await client.query(
      prepared(
        `SELECT 1 FROM ${bossSchema}.job
         WHERE name = ANY($1) AND ${openJobs} AND COALESCE(singleton_key, '') = $2
           AND ($3::uuid IS NULL OR id <> $3::uuid)
         LIMIT 1`,
        [
          allQueues,
          singletonKey(interceptionId, kind),
          exceptJobId === null ? null : bossJobId(exceptJobId),
        ],
      ),
    );
    return rows.length > 0;
  }

  async stop(): Promise<void> {
    await this.boss.stop();
  }

  /** Sends a job under its own id; null when a job of that id (or key and state) is there. */
  private send(
    client: pg.PoolClient,
    queue: string,
    data: JobData,
    startAfter: string | number,
  ): Promise<string | null> {
    return this.boss.send(queue, data, {
      id: bossJobId(data.jobId),
      singletonKey: singletonKey(data.interceptionId, data.kind),
      startAfter,
      db: on(client),
    });
  }

  /** The job again, with new data, not before `startAfter`: nobody holds it any more. */
  private async rewrite(
    client: pg.PoolClient,
    row: { name: string; id: string },
    data: JobData,
    startAfter: string | number,
  ): Promise<void> {
    await this.boss.deleteJob(row.name, row.id, { db: on(client) });
    if ((await this.send(client, row.name, data, startAfter)) === null) {
      // Another open job of the same interception and kind: the invariant every writer keeps.
      throw new Error(`job ${data.jobId} could not be rewritten: another one has its key`);
    }
  }

  /** Nothing left to do: `completed` when fetched, else `cancelled` (pg-boss completes only those). */
  private async end(client: pg.PoolClient, row: JobRow): Promise<void> {
    if (row.state === "active") {
      await this.boss.complete(row.name, row.id, {}, { db: on(client) });
    } else {
      await this.boss.cancel(row.name, row.id, { db: on(client) });
    }
  }
}

/** The open job `jobId`, locked until the transaction ends; null when it has ended. */
async function lockJob(client: pg.PoolClient, jobId: string): Promise<JobRow | null> {
  const { rows } = await client.query<JobRow>(
    prepared(
      `SELECT ${jobRowColumns} FROM ${bossSchema}.job
       WHERE name = ANY($1) AND id = $2 AND ${openJobs}
       FOR UPDATE`,
      [allQueues, bossJobId(jobId)],
    ),
  );
  return rows[0] ?? null;
}

/** The job, locked, if `held`'s holder still holds it (the fence); null if it lost it. */
async function lockHeldJob(client: pg.PoolClient, held: HeldJob): Promise<JobRow | null> {
  const row = await lockJob(client, held.id);
  return row && row.lease_until === held.leaseUntil ? row : null;
}

/**
 * How many jobs to fetch from each carrier's queue: the oldest due jobs of each (up to its room),
 * then the oldest of those up to the total.
 */
async function shareOfRoom(
  client: pg.PoolClient,
  free: Array<[CarrierId, number]>,
  total: number,
): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string }>(
    prepared(
      `SELECT due.name
       FROM unnest($1::text[], $2::int[]) AS room(name, free)
       CROSS JOIN LATERAL (
         SELECT job.name, job.created_on, job.id FROM ${bossSchema}.job
         WHERE job.name = room.name AND job.state < 'active' AND job.start_after < now()
         ORDER BY job.created_on, job.id
         LIMIT room.free
       ) due
       ORDER BY due.created_on, due.id
       LIMIT $3`,
      [free.map(([carrier]) => queueOf(carrier)), free.map(([, count]) => count), total],
    ),
  );
  const shares = new Map<string, number>();
  for (const { name } of rows) {
    shares.set(name, (shares.get(name) ?? 0) + 1);
  }
  return shares;
}

/** A job as this transaction just wrote it (not fetched: nobody holds it but `heldUntil`). */
function recordOf(data: JobData): JobRecord {
  return {
    id: data.jobId,
    interceptionId: data.interceptionId,
    kind: data.kind,
    runAt: data.runAt,
    attempts: data.attempts,
    leaseUntil: data.heldUntil,
    lastError: data.lastError,
    maybeSent: data.maybeSent,
  };
}

/** `to - from` in seconds, for pg-boss's `startAfter` relative to the database's now. */
function secondsBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}
