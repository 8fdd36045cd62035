/**
 * The interceptions aggregate of the store seam (store.ts): interceptions with their events, the
 * parcels' owners, the transitions that move them on (with the job, idempotency key and webhook
 * events each commits), and the errors an insert refuses with.
 */
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type {
  Cost,
  EventActor,
  Failure,
  InterceptionRequest,
  Item,
} from "../../contracts/interception.ts";
import type {
  Action,
  Address,
  InterceptionStatus,
  ParcelState,
  Reason,
  SuccessLikelihood,
} from "../../contracts/normalized.ts";
import type { IdempotencyCompletion, IdempotencyKeyClaim } from "./idempotency-records.ts";
import type { JobRecord } from "./job-records.ts";

export interface InterceptionRecord {
  id: string;
  merchantId: string;
  carrier: CarrierId;
  trackingNumber: string;
  orderId: string;
  action: Action;
  reason: Reason;
  items: Item[];
  parcel: InterceptionRequest["parcel"];
  redirectTo: Address | null;
  note: string | null;
  status: InterceptionStatus;
  parcelState: ParcelState;
  successLikelihood: SuccessLikelihood;
  carrierReference: string | null;
  cost: Cost;
  failure: Failure | null;
  createdAt: string;
  updatedAt: string;
}

export interface InterceptionEventRecord {
  at: string;
  status: InterceptionStatus;
  detail: string;
  /** The carrier's id for the report that caused this event; a repeat of it is ignored. */
  carrierEventId: string | null;
  /** Who caused it: the merchant's API key, the carrier, or the gateway itself. */
  actor: EventActor;
}

export interface InterceptionWithEvents extends InterceptionRecord {
  /** Oldest first. */
  events: InterceptionEventRecord[];
}

export interface InterceptionFilter {
  orderId?: string;
  trackingNumber?: string;
  status?: InterceptionStatus;
  carrier?: string;
  /** Created at or after this ISO time. */
  createdFrom?: string;
  /** Created before this ISO time. */
  createdBefore?: string;
}

/** What the cost ledger reads of an interception. */
export type CostLine = Pick<InterceptionRecord, "id" | "carrier" | "cost" | "createdAt">;

/** Where a page of cost lines starts: after this line (the previous page's last). */
export type CostLineCursor = Pick<CostLine, "createdAt" | "id">;

/** A `locked` interception, with the time it became locked (its first `locked` event). */
export interface LockedInterception {
  id: string;
  orderId: string;
  lockedAt: string;
}

/** Which locks to find: all given criteria must match. */
export interface LockCriteria {
  orderIds?: readonly string[];
  /** Locked strictly before this time. */
  lockedBefore?: string;
}

export interface InterceptionTransition {
  /** The update happens only while the interception is in one of these statuses. */
  from: readonly InterceptionStatus[];
  /** The new status; absent keeps the current one (an update that is not a status change). */
  to?: InterceptionStatus;
  patch?: Partial<
    Pick<
      InterceptionRecord,
      "parcelState" | "successLikelihood" | "carrierReference" | "cost" | "failure"
    >
  >;
  event: { at: string; detail: string; carrierEventId?: string; actor: EventActor };
  /**
   * Committed in the same transaction as the status change (the outbox rule). Reaching a final
   * status (succeeded, failed, cancelled, released) deletes every job of the interception.
   */
  completeJobId?: string;
  /** Refused with `job_exists` while the interception has another job of the same kind. */
  scheduleJob?: JobRecord;
  /**
   * Binds the parcel to the interception's merchant (the carrier has now confirmed it), unless
   * it already is; refused with `parcel_of_another_merchant` if another merchant has it.
   */
  bindParcel?: boolean;
  /**
   * Completes an idempotency key with its answer in the same transaction: a request that ran its
   * interception's job itself commits the outcome and the answer it gives together.
   */
  completeIdempotency?: IdempotencyCompletion;
}

/**
 * `job_exists`: a job of `scheduleJob`'s kind is already under way; `parcel_of_another_merchant`:
 * see `bindParcel`. Nothing changed for either.
 */
export type TransitionResult =
  | "applied"
  | "parcel_of_another_merchant"
  | "status_mismatch"
  | "duplicate_event"
  | "job_exists"
  | "not_found";

/**
 * Thrown by `interceptions.insert` when the merchant already has an open (pending, submitted or
 * locked) interception of the parcel: two requests raced past the eligibility check, and only
 * one may win. (Between merchants, the parcel's owner decides.)
 */
export class ParcelBusyError extends Error {
  constructor(carrier: string, trackingNumber: string) {
    super(`${carrier} parcel ${trackingNumber} already has an open interception.`);
    this.name = "ParcelBusyError";
  }
}

/**
 * Thrown by `interceptions.insert` when the parcel belongs to another merchant: it was bound to
 * them after this request's check. Nothing is stored; the caller answers as for a parcel the
 * carrier does not know.
 */
export class ParcelOfAnotherMerchantError extends Error {
  constructor(carrier: string, trackingNumber: string) {
    super(`${carrier} parcel ${trackingNumber} belongs to another merchant.`);
    this.name = "ParcelOfAnotherMerchantError";
  }
}

/**
 * Thrown by `interceptions.insert` when the order's redirects holding a free one are not as many
 * as the request's assessment assumed: another redirect of the order was stored (or ended)
 * meanwhile. Nothing is stored; the caller assesses again.
 */
export class OrderRedirectsChangedError extends Error {
  constructor(merchantId: string, orderId: string) {
    super(`The redirects of order ${orderId} of ${merchantId} changed during the request.`);
    this.name = "OrderRedirectsChangedError";
  }
}

/** Interceptions with their events, and the parcels' owners. */
export interface InterceptionRepository {
  /**
   * Stores a new interception, its first event and (if any) its first job in one transaction,
   * with its webhook events (`interception.created`, and `interception.locked` for a lock) and one
   * delivery of each per subscribed endpoint of the merchant,
   * and links it to the idempotency key that created it. With `claim`, the key is claimed in
   * that same transaction (a key not seen before); `IdempotencyConflictError` if it exists.
   * `ParcelOfAnotherMerchantError` if another merchant has the parcel. The parcel is bound to
   * the interception's merchant in that transaction too when the carrier confirmed it (its
   * `parcelState` is not `unknown`); one accepted while the carrier could not be asked binds
   * nothing until the worker's late assessment (`bindParcel` of a transition).
   * With `assumedFreeRedirects` (a redirect), the order's redirects holding a free one are
   * counted in the transaction: `OrderRedirectsChangedError` if they are not that many.
   */
  insert(input: {
    interception: InterceptionRecord;
    event: InterceptionEventRecord;
    job: JobRecord | null;
    idempotency: { merchantId: string; key: string; claim?: IdempotencyKeyClaim } | null;
    assumedFreeRedirects?: number;
  }): Promise<void>;
  /** The id of the merchant a parcel belongs to, or null while it belongs to nobody. */
  parcelOwner(carrier: CarrierId, trackingNumber: string): Promise<string | null>;
  /** Scoped to the merchant: another merchant's id reads as missing. */
  get(merchantId: string, id: string): Promise<InterceptionWithEvents | null>;
  /** Unscoped, for workers and carrier callbacks only. */
  getById(id: string): Promise<InterceptionWithEvents | null>;
  /** Newest first; `before` is the id of the last item of the previous page. */
  list(
    merchantId: string,
    filter: InterceptionFilter,
    page: { limit: number; before?: string },
  ): Promise<InterceptionWithEvents[]>;
  /** All interceptions of one parcel, oldest first; `merchantId` null for all merchants. */
  findForParcel(
    merchantId: string | null,
    carrier: CarrierId,
    trackingNumber: string,
  ): Promise<InterceptionRecord[]>;
  /**
   * The merchant's redirects of one order, on any parcel and carrier, oldest first (for the
   * order's free redirect).
   */
  redirectsOfOrder(
    merchantId: string,
    orderId: string,
  ): Promise<Array<Pick<InterceptionRecord, "id" | "status" | "cost">>>;
  /**
   * Conditional, forward-only update plus an appended event, in one transaction; a status change
   * also records its webhook event (`interception.<status>`) with one delivery per subscribed
   * endpoint of the merchant, in that transaction. A redirect
   * reaching failed or cancelled is stored with no charge (`chargesNothingOnceIn`), whatever
   * the patch says.
   */
  transition(id: string, transition: InterceptionTransition): Promise<TransitionResult>;
  /**
   * The cost ledger's lines: the merchant's interceptions created in `[from, to)`, in
   * (createdAt, id) order, at most `limit` after `after`. Read a page at a time, so a long range
   * never sits in memory whole.
   */
  costLines(
    merchantId: string,
    range: { from: string; to: string },
    page: { limit: number; after?: CostLineCursor },
  ): Promise<CostLine[]>;
  /**
   * The merchant's interceptions that are `locked` now and match `criteria`, oldest lock first
   * (then by id), at most `limit`.
   */
  lockedOf(
    merchantId: string,
    criteria: LockCriteria,
    limit: number,
  ): Promise<LockedInterception[]>;
}
