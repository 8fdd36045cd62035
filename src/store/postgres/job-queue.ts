/**
 * The seam between the PostgreSQL store and its job queue on pg-boss (jobs.ts): what the queue
 * offers besides `JobRepository`, so the interception repository enqueues and removes jobs inside
 * its own transaction. Every `client` below is in a transaction the store opened and will commit
 * or roll back; the queue runs its statements on it and never ends the transaction itself.
 */
import type pg from "pg";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import type { JobRecord, JobRepository } from "../store.ts";

export interface PgJobQueue extends JobRepository {
  /** Enqueues `job` (of an interception of `carrier`) in the caller's transaction. */
  enqueue(client: pg.PoolClient, job: JobRecord, carrier: CarrierId): Promise<void>;
  /** The interception reached a final status: none of its jobs has anything left to do. */
  removeAllFor(client: pg.PoolClient, interceptionId: string): Promise<void>;
  /** One job of the interception is done (a transition's `completeJobId`). */
  remove(client: pg.PoolClient, interceptionId: string, jobId: string): Promise<void>;
  /** Whether the interception has a job of `kind` other than `exceptJobId` (for `job_exists`). */
  hasOpenJob(
    client: pg.PoolClient,
    interceptionId: string,
    kind: JobRecord["kind"],
    exceptJobId: string | null,
  ): Promise<boolean>;
  /** Stops taking and running work; the store calls it before closing its pool. */
  stop(): Promise<void>;
}
