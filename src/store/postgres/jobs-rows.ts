/**
 * How a gateway job lives in pg-boss (jobs.ts): one pg-boss job per `JobRecord`, in its carrier's
 * queue, under an id derived from the job's own id. pg-boss keeps what it knows how to keep (when
 * the job may start, who holds it and until when, how often a holder was lost); the rest of the
 * record travels in the job's `data`. Rows are read with plain SQL on pg-boss's `job` table (its
 * columns are pg-boss's documented schema); every write goes through pg-boss's own API.
 */
import { createHash } from "node:crypto";
import { type CarrierId, carrierIds } from "../../../contracts/carrier-adapter.ts";
import type { JobRecord } from "../store.ts";

/** pg-boss's schema in the gateway's database. */
export const bossSchema = "pgboss";

/**
 * One queue per carrier, so the worker's room per carrier is a fetch's batch size: a carrier whose
 * breaker is open is simply not fetched from, and never holds another carrier's jobs back.
 */
export function queueOf(carrier: CarrierId): string {
  return `jobs.${carrier}`;
}

export const allQueues: readonly string[] = carrierIds.map(queueOf);

const carrierOfQueue = new Map<string, CarrierId>(carrierIds.map((id) => [queueOf(id), id]));

export function carrierOf(queue: string): CarrierId {
  const carrier = carrierOfQueue.get(queue);
  if (!carrier) {
    throw new Error(`pg-boss queue ${queue} is not a carrier's`);
  }
  return carrier;
}

/**
 * The pg-boss id of a job: a UUID (version 8, "custom") from a hash of the job's id. The same job
 * always gets the same id, so enqueuing it again (a replayed transaction) inserts nothing: pg-boss
 * inserts `ON CONFLICT DO NOTHING`. A job keeps its id for its whole life, through every
 * reschedule, so the gateway finds it by primary key.
 */
export function bossJobId(jobId: string): string {
  const bytes = createHash("sha256").update(jobId).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * pg-boss's singleton key of a job. The queues are `stately`, so pg-boss allows one job per key in
 * each open state, and indexes open jobs by key: that index answers "the jobs of an interception".
 */
export function singletonKey(interceptionId: string, kind: JobRecord["kind"]): string {
  return `${interceptionId}:${kind}`;
}

export const jobKinds: readonly JobRecord["kind"][] = ["submit", "poll", "cancel", "cancel_pickup"];

/** The part of a `JobRecord` pg-boss has no column for: a job's `data`. */
export interface JobData {
  jobId: string;
  interceptionId: string;
  kind: JobRecord["kind"];
  /** When the job was due before anyone held it (pg-boss's `start_after` moves while held). */
  runAt: string;
  attempts: number;
  lastError: string | null;
  /** As stored; a lost holder adds to it when read (see `maybe_sent` below). */
  maybeSent: boolean;
  /**
   * A request's hold (it runs the job itself): the lease it was given, which is also the fence its
   * later writes must present. Null when no request holds the job; a worker's lease is pg-boss's
   * own (`active` until `started_on + expire_in`).
   */
  heldUntil: string | null;
}

/** A job as read: its pg-boss row with the facts the gateway derives from it. */
export type JobRow = {
  name: string;
  id: string;
  state: "created" | "retry" | "active";
  data: JobData;
  /** The holder's lease (its fence), null while nobody holds the job. */
  lease_until: string | null;
  /** An attempt may have reached the carrier already (sticky, plus a lost holder). */
  maybe_sent: boolean;
  /** Someone held the job before (taking it over now means its holder was lost). */
  had_holder: boolean;
};

/**
 * The columns of a `JobRow`. A job is maybe-sent when stored so, or when a holder was lost:
 * pg-boss moved an expired `active` job to `retry`, fetched it again (`retry_count` > 0), or a
 * worker fetched a job whose request hold lapsed (the request never completed, rescheduled or
 * released it). `lease_until` is formatted here, with milliseconds like every time in the
 * gateway, so that the fence compares exactly the text the holder was given.
 */
export const jobRowColumns = `
  name,
  id,
  state,
  data,
  CASE
    WHEN state = 'active'
      THEN to_char((started_on + expire_in) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    ELSE data->>'heldUntil'
  END AS lease_until,
  COALESCE((data->>'maybeSent')::boolean, false)
    OR state = 'retry'
    OR (state = 'active' AND (retry_count > 0 OR data->>'heldUntil' IS NOT NULL)) AS maybe_sent,
  state IN ('active', 'retry') OR data->>'heldUntil' IS NOT NULL AS had_holder
`;

/**
 * Open jobs (not yet completed, cancelled or failed), in the form pg-boss's `stately` unique index
 * covers, so that looking them up by singleton key uses it.
 */
export const openJobs = `state <= 'active' AND policy = 'stately'`;

export function toJobRecord(row: JobRow): JobRecord {
  const { data } = row;
  return {
    id: data.jobId,
    interceptionId: data.interceptionId,
    kind: data.kind,
    runAt: data.runAt,
    attempts: data.attempts,
    leaseUntil: row.lease_until,
    lastError: data.lastError,
    maybeSent: row.maybe_sent,
  };
}

/** What a job's `data` is when it is first enqueued. */
export function dataOf(job: JobRecord): JobData {
  return {
    jobId: job.id,
    interceptionId: job.interceptionId,
    kind: job.kind,
    runAt: job.runAt,
    attempts: job.attempts,
    lastError: job.lastError,
    maybeSent: job.maybeSent,
    heldUntil: job.leaseUntil,
  };
}

/** The order jobs are handed out and listed in, as in every store: due earliest first, then id. */
export function oldestJobFirst(a: JobRecord, b: JobRecord): number {
  return compareText(a.runAt, b.runAt) || compareText(a.id, b.id);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
