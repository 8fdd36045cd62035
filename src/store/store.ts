/**
 * The gateway's storage seam. Everything the gateway persists goes through these repositories,
 * so SQLite (one process) and PostgreSQL (many instances) serve the same gateway. Every method is async even though
 * SQLite answers synchronously; no method keeps a transaction open across a carrier call.
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
import type { DeadlineRepository } from "./deadline-records.ts";
import type { ShipmentRepository } from "./shipment-records.ts";
import type { ShipDateProposalRepository, TicketRepository } from "./ticket-records.ts";
import type { WebhookRepository } from "./webhook-records.ts";

export type * from "./deadline-records.ts";
export type * from "./shipment-records.ts";
export type * from "./ticket-records.ts";
export type * from "./webhook-records.ts";

/**
 * `demo`: every carrier a sandbox, the demo merchant set up. `live`: real carriers. A database
 * serves the mode it was first started in.
 */
export type GatewayMode = "demo" | "live";

export interface MerchantRecord {
  id: string;
  name: string;
  pickupService: boolean;
  createdAt: string;
}

export interface ApiKeyRecord {
  /** The visible part of the key (`igk_…`), used to look the key up. */
  id: string;
  merchantId: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  createdAt: string;
  revokedAt: string | null;
}

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

export type IdempotencyClaim =
  /** This request owns the key now. `interceptionId` is set when an earlier owner crashed after
   * storing the interception: the caller must answer from it instead of creating another. */
  | { outcome: "claimed"; interceptionId: string | null }
  | { outcome: "mismatch" }
  | { outcome: "in_progress" }
  | { outcome: "completed"; status: number; body: string };

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
 * A request's claim on an idempotency key, held until `lockedUntil`. A type, not an interface,
 * so it binds as a statement's named parameters.
 */
export type IdempotencyKeyClaim = {
  merchantId: string;
  key: string;
  fingerprint: string;
  now: string;
  lockedUntil: string;
};

/** The answer a key's request gave, stored for replays. A type, for the same reason. */
export type IdempotencyCompletion = {
  merchantId: string;
  key: string;
  status: number;
  body: string;
};

/**
 * Thrown by `interceptions.insert` when the idempotency key is not this request's to use: its
 * lock expired and a newer request took the key over and stored its own interception, or a
 * concurrent request claimed a key this one was about to claim. The insert is rolled back, so
 * the parcel is not intercepted twice.
 */
export class IdempotencyConflictError extends Error {
  constructor(merchantId: string, key: string) {
    super(`Idempotency key ${JSON.stringify(key)} of ${merchantId} is not held by this request.`);
    this.name = "IdempotencyConflictError";
  }
}

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

/** The database's own facts. */
export interface MetaRepository {
  /**
   * Records `mode` on a database that has none yet, and returns the database's mode: the one
   * just recorded, or the one it was first started in.
   */
  claimMode(mode: GatewayMode): Promise<GatewayMode>;
}

/** Merchants and their API keys. */
export interface MerchantRepository {
  create(merchant: MerchantRecord): Promise<void>;
  get(id: string): Promise<MerchantRecord | null>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** A key and its merchant in one look-up: every authenticated request needs both. */
  getApiKeyWithMerchant(
    id: string,
  ): Promise<{ key: ApiKeyRecord; merchant: MerchantRecord } | null>;
  /** Returns false when the merchant has no such key. */
  revokeApiKey(merchantId: string, keyId: string, at: string): Promise<boolean>;
}

/** Idempotency keys: who holds each, and the answer to replay. */
export interface IdempotencyRepository {
  /** Whether `(merchantId, key)` was ever claimed (and not yet pruned or released). */
  has(merchantId: string, key: string): Promise<boolean>;
  /** Atomically claims `(merchantId, key)`; see IdempotencyClaim. */
  claim(claim: IdempotencyKeyClaim): Promise<IdempotencyClaim>;
  /**
   * Claims a key nobody holds and stores its answer at once (a refusal under a new key).
   * Returns false, changing nothing, when the key exists.
   */
  storeResponse(claim: IdempotencyKeyClaim & { status: number; body: string }): Promise<boolean>;
  /** Stores the response to replay for this key. */
  complete(done: IdempotencyCompletion): Promise<void>;
  /**
   * Lets go of a claim whose request failed: forgotten when it stored nothing (the client simply
   * retries); unlocked when it stored its interception, so a retry answers from that.
   */
  release(merchantId: string, key: string, now: string): Promise<void>;
  /**
   * Deletes up to `limit` keys created before `before`, oldest first; returns how many. Bounded
   * so one prune never holds the write lock long: call again while it returns `limit`.
   */
  deleteCreatedBefore(before: string, limit: number): Promise<number>;
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

/** A signed-in dashboard session (src/dashboard/sessions.ts). */
export interface DashboardSessionRecord {
  /** Hex SHA-256 of the session token; the token itself is only in the browser's cookie. */
  tokenHash: string;
  merchantId: string;
  /** The API key the merchant signed in with: revoking it ends the session. */
  apiKeyId: string;
  createdAt: string;
  /** The last request seen (kept to the minute): the idle timeout counts from it. */
  lastSeenAt: string;
  /** The absolute end, however active the session is. */
  expiresAt: string;
}

/** A session with what every dashboard request checks: its merchant and its key's revocation. */
export interface DashboardSessionWithKey {
  session: DashboardSessionRecord;
  merchant: MerchantRecord;
  keyRevokedAt: string | null;
}

/** Dashboard sessions. */
export interface DashboardSessionRepository {
  create(session: DashboardSessionRecord): Promise<void>;
  /** The session, its merchant and its key, in one look-up; null when there is none. */
  get(tokenHash: string): Promise<DashboardSessionWithKey | null>;
  /** Moves `lastSeenAt` forward (never back). */
  touch(tokenHash: string, at: string): Promise<void>;
  delete(tokenHash: string): Promise<void>;
  /**
   * Deletes up to `limit` sessions that have ended: past `expiresAt` at `now`, or last seen
   * before `idleSince`. Returns how many.
   */
  deleteEnded(input: { now: string; idleSince: string; limit: number }): Promise<number>;
}

/**
 * One repository per aggregate; each method is a whole unit of work (its own transaction,
 * including any job it enqueues). Every implementation passes test/store/contract.
 */
export interface Store {
  meta: MetaRepository;
  merchants: MerchantRepository;
  idempotency: IdempotencyRepository;
  interceptions: InterceptionRepository;
  jobs: JobRepository;
  webhooks: WebhookRepository;
  dashboardSessions: DashboardSessionRepository;
  shipments: ShipmentRepository;
  /** Urge-collection and urge-shipment tickets of shipments (ticket-records.ts). */
  tickets: TicketRepository;
  /** Negotiated ship dates of shipments (ticket-records.ts). */
  proposals: ShipDateProposalRepository;
  /** The durable scheduler's deadlines (deadline-records.ts). */
  deadlines: DeadlineRepository;
  close(): Promise<void>;
}
