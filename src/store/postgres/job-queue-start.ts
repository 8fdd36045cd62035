/**
 * Starting the PostgreSQL store's job queue (jobs.ts): pg-boss on the store's pool, its schema
 * and one queue per carrier, and what pg-boss does with a job whose holder was lost.
 */
import type pg from "pg";
import PgBoss from "pg-boss";
import { carrierIds } from "../../../contracts/carrier-adapter.ts";
import type { PgJobQueue } from "./job-queue.ts";
import { PgBossJobQueue } from "./jobs.ts";
import { bossSchema, queueOf } from "./jobs-rows.ts";
import { putQueue, setUpQueuesUnderLock } from "./queue-setup.ts";

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
