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
import type PgBoss from "pg-boss";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import type { CarrierJob, CarrierRoom, HeldJob, JobRecord } from "../store.ts";
import type { PgJobQueue } from "./job-queue.ts";
import { lockHeldJob, lockJob, on, prepared, shareOfRoom } from "./jobs-queries.ts";
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
import { inTransaction } from "./transaction.ts";

/** The job queue on a started pg-boss (job-queue-start.ts starts it). */
export class PgBossJobQueue implements PgJobQueue {
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
