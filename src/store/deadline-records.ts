/**
 * The durable scheduler's side of the store seam (store.ts): every deadline of the shipping
 * obligations (API.md "Shipments and shipping obligations") is a job on the store's job engine,
 * enqueued in the transaction of the change that sets it and leased to one worker at a time when
 * it falls due. SQLite: a leased table. PostgreSQL: a pg-boss queue.
 */

/**
 * What falls due. `ship_by`: the shipment's platform deadline (overdue if not collected by then);
 * `follow_collection`: the next look at the carrier's tracking of a shipped parcel; `ticket_due`:
 * a ticket's next deadline (`nextDeadline`: a reply, the buyer's answer, a promised date, a
 * collection); `proposal_expiry`: a ship-date proposal's `expiresAt`.
 */
export type DeadlineKind = "ship_by" | "follow_collection" | "ticket_due" | "proposal_expiry";

export interface DeadlineRecord {
  /**
   * Deterministic (`deadlineId`): the same deadline always has the same id, so enqueuing it again
   * (a replayed transaction, a handler run twice) adds nothing.
   */
  id: string;
  kind: DeadlineKind;
  /** The record the deadline is about: a shipment's, a ticket's or a proposal's id. */
  subjectId: string;
  merchantId: string;
  /** Acted on at or after this time. */
  dueAt: string;
  /** How many runs gave it back for later (a carrier that could not be asked, a poll too early). */
  attempts: number;
  lastError: string | null;
  /** A worker holds it until then; after that, another may take it over. */
  leaseUntil: string | null;
}

/** A deadline as its holder leased it: the lease fences the holder's later writes. */
export type HeldDeadline = Pick<DeadlineRecord, "id" | "leaseUntil">;

/** The id of a deadline: one per subject, kind and (for deadlines that move) key. */
export function deadlineId(kind: DeadlineKind, subjectId: string, key = ""): string {
  return key === "" ? `dl:${kind}:${subjectId}` : `dl:${kind}:${subjectId}:${key}`;
}

/** A deadline not yet run, as it is first enqueued. */
export function newDeadline(
  kind: DeadlineKind,
  subject: { id: string; merchantId: string },
  dueAt: string,
  key?: string,
): DeadlineRecord {
  return {
    id: deadlineId(kind, subject.id, key),
    kind,
    subjectId: subject.id,
    merchantId: subject.merchantId,
    dueAt,
    attempts: 0,
    lastError: null,
    leaseUntil: null,
  };
}

/** The deadlines of every store, leased like jobs. */
export interface DeadlineRepository {
  /**
   * Leases up to `limit` deadlines that are due and not held, returned earliest due first. On
   * SQLite due means `dueAt <= now`, the earliest due are taken first and the lease ends at
   * `leaseUntil`; on PostgreSQL the database's clock decides both (pg-boss), as for jobs, and
   * pg-boss takes due deadlines in the order they were enqueued.
   */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<DeadlineRecord[]>;
  /** Done: the deadline is gone. Fenced by the holder's lease (a holder that lost it changes nothing). */
  complete(held: HeldDeadline): Promise<void>;
  /** Due again at `dueAt` (attempts + 1, lease cleared); fenced likewise. */
  reschedule(held: HeldDeadline, dueAt: string, lastError: string | null): Promise<void>;
  /** The subject's deadlines not yet done, earliest due first (for tests and the dashboard). */
  openFor(subjectId: string): Promise<DeadlineRecord[]>;
}
