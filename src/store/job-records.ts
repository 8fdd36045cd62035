/**
 * The jobs aggregate of the store seam (store.ts): the work the gateway owes carriers, committed
 * with its interception's change and leased to one runner at a time. SQLite: a leased table.
 * PostgreSQL: pg-boss queues, one per carrier (postgres/jobs.ts).
 */
import type { CarrierId } from "../../contracts/carrier-adapter.ts";

/** Work the gateway owes a carrier: committed with the interception, run outside transactions. */
export interface JobRecord {
  id: string;
  interceptionId: string;
  /**
   * `submit` the interception, `poll` for its outcome, `cancel` a submitted one at the carrier
   * (the merchant asked), or `cancel_pickup` of a locked parcel.
   */
  kind: "submit" | "poll" | "cancel" | "cancel_pickup";
  /** Not before this time. */
  runAt: string;
  attempts: number;
  /** A worker holds the job until then; after it, another worker may take it over. */
  leaseUntil: string | null;
  lastError: string | null;
  /**
   * An earlier attempt may have reached the carrier (its reply was lost, or its holder crashed
   * or hung mid-run); never cleared.
   */
  maybeSent: boolean;
}

/** How many jobs the worker can take now: in all, and of each carrier it may call. */
export interface CarrierRoom {
  total: number;
  perCarrier: Partial<Record<CarrierId, number>>;
}

/** A leased job with the carrier it will call. */
export interface CarrierJob {
  job: JobRecord;
  carrier: CarrierId;
}

/** A job as its holder leased it: the lease is the fence for the holder's later writes. */
export type HeldJob = Pick<JobRecord, "id" | "leaseUntil">;

/** The work owed to carriers, leased to one runner at a time. */
export interface JobRepository {
  /**
   * Leases one job if no live lease holds it. Returns the leased job or null. Taking over a
   * lapsed lease marks the job `maybeSent` (its holder may have reached the carrier), as does
   * `claimDue`.
   */
  claim(jobId: string, now: string, leaseUntil: string): Promise<JobRecord | null>;
  /**
   * Leases jobs that are due (`runAt <= now`) and not leased, oldest first, within `room`: at
   * most `room.total` in all and `room.perCarrier[carrier]` of one carrier's (a job's carrier is
   * its interception's). A carrier left out of `perCarrier` gets none. Taking over a lapsed
   * lease marks the job `maybeSent`, as in `claim`. Jobs in `excluding` are never taken: the
   * caller is still running them, even if their lease ran out.
   */
  claimDue(
    now: string,
    leaseUntil: string,
    room: CarrierRoom,
    excluding?: readonly string[],
  ): Promise<CarrierJob[]>;
  /**
   * Gives the job back for a later attempt: attempts + 1, lease cleared; `maybeSent` marks the
   * job for good as possibly already received by the carrier. Fenced by the lease the caller
   * holds: a holder whose lease ran out and was taken over changes nothing.
   */
  reschedule(job: HeldJob, runAt: string, lastError: string, maybeSent?: boolean): Promise<void>;
  /** Deletes a job that has nothing left to do (its interception moved on); fenced likewise. */
  complete(job: HeldJob): Promise<void>;
  /** Gives a job back untouched (lease cleared, nothing else); fenced likewise. */
  release(job: HeldJob): Promise<void>;
  /**
   * After a (re)start: brings the `poll` jobs of `submitted` interceptions of `carriers` (those
   * whose outcome is pushed, and whose push may have come while no gateway listened) forward to
   * within `windowMs` of `now`, spread evenly over it, soonest-due first, so that thousands of
   * them do not reach the carrier at once. A job already due within the window, or leased by a
   * live holder, is left alone: running this twice (two instances starting) moves nothing more.
   * Returns how many jobs were brought forward.
   */
  bringForwardPolls(input: {
    carriers: readonly CarrierId[];
    now: string;
    windowMs: number;
  }): Promise<number>;
  /** The next job of an interception (of one kind, when given), if any. */
  forInterception(interceptionId: string, kind?: JobRecord["kind"]): Promise<JobRecord | null>;
}
