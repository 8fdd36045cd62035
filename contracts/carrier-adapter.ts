/**
 * The carrier contract: what every adapter in `adapters/<carrier>/` provides, in the gateway's
 * own normalized terms. Adapters translate to and from one carrier's wire format; the gateway
 * never sees a carrier field name.
 *
 * Carrier failures are data (`CarrierResult` with a `CarrierError`), bugs are exceptions: an
 * adapter throws only for programming errors.
 */
import type { Action, Address, CostMode, Money, ParcelState, Payer, Reason } from "./normalized.ts";

/** Every carrier the gateway has an adapter for. Adding one here without an adapter fails tsc. */
export const carrierIds = ["sf-express", "ups", "jd", "kuaidi100", "cainiao", "zto"] as const;
export type CarrierId = (typeof carrierIds)[number];

export function isCarrierId(value: string): value is CarrierId {
  return (carrierIds as readonly string[]).includes(value);
}

/**
 * Normalized failure codes. `retryable` on the error says whether sending the same call again
 * is both useful and safe; the retry policy and the circuit breaker read only that flag.
 */
export type CarrierErrorCode =
  /** Credentials or signature refused. Never retried: the same call fails the same way. */
  | "auth_failed"
  /** The carrier does not know this tracking number. */
  | "unknown_parcel"
  /** The carrier refused the operation for a business reason (not interceptable, too late…). */
  | "rejected"
  /** The carrier already holds a successful interception for this parcel. */
  | "already_intercepted"
  /** The carrier throttled us; `retryAfterMs` when it said how long to wait. */
  | "rate_limited"
  /** The carrier answered with a server error or is unreachable: it did not act. */
  | "unavailable"
  /**
   * A write may have reached the carrier but no usable answer came back: a reset or timeout after
   * sending, a 500/502/504, or a 2xx reply that cannot be read. Never re-sent blindly: the
   * outcome must be checked first.
   */
  | "outcome_unknown"
  /**
   * The carrier's reply could not be read (not JSON, wrong shape, too large, an unexpected
   * status) where that proves nothing was done: a read, or a write answered other than 2xx.
   */
  | "bad_response";

export interface CarrierError {
  carrier: CarrierId;
  code: CarrierErrorCode;
  /**
   * Human-readable, in English, and shown to merchants (failure messages, event details): no
   * host, port, URL, stack or excerpt of a carrier reply. Those go in `diagnostic`; carrier text
   * goes in `carrierCode`/`carrierMessage`.
   */
  message: string;
  retryable: boolean;
  /** The carrier's own code, e.g. SF `A1006` or `8016`, kept for support. */
  carrierCode?: string;
  carrierMessage?: string;
  /**
   * For the log only: the technical detail behind `message` (the transport error with its
   * address, the start of an unreadable reply, a schema mismatch).
   */
  diagnostic?: string;
  retryAfterMs?: number;
}

export type CarrierResult<T> = { ok: true; value: T } | { ok: false; error: CarrierError };

/** Per-call context: the signal aborts the attempt when its deadline passes or the app stops. */
export interface CallContext {
  signal: AbortSignal;
}

export interface TrackingEvent {
  at: string;
  /** The carrier's own event code, e.g. an SF route `opCode`. */
  carrierCode: string;
  description: string;
  state: ParcelState;
}

export interface TrackResult {
  trackingNumber: string;
  state: ParcelState;
  events: TrackingEvent[];
  /** ISO 3166-1 alpha-2 destination country, when the carrier tells it (UPS serves US/PR only). */
  destinationCountry?: string;
}

/** Who pays for the interception or redirect, decided by the gateway before the carrier call. */
export interface PaymentTerms {
  payer: Payer;
  mode: CostMode;
}

export interface InterceptCommand {
  /**
   * The gateway's stable reference for this request (derived from the interception id). It is
   * sent to the carrier on every attempt so the carrier can recognise a repeat.
   */
  reference: string;
  trackingNumber: string;
  reason: Reason;
  payment: PaymentTerms;
  note?: string;
}

export interface RedirectCommand extends InterceptCommand {
  redirectTo: Address;
}

export interface CancelCommand {
  reference: string;
  trackingNumber: string;
  /** The reference the carrier gave when it accepted the interception. */
  carrierReference: string;
  action: Action;
}

/** Cancels the pickup of a parcel the carrier has not collected yet (e.g. ZTO cancelPreOrder). */
export interface PickupCancelCommand {
  reference: string;
  trackingNumber: string;
  reason: Reason;
}

/** Asks a carrier without push where an accepted interception stands. */
export interface OutcomeQuery {
  reference: string;
  trackingNumber: string;
  carrierReference: string;
  action: Action;
  /** When the carrier accepted it (ISO-8601). */
  submittedAt: string;
}

export interface PolledOutcome {
  /** `null` while the carrier has not decided yet. */
  outcome: "succeeded" | "failed" | "cancelled" | null;
  parcelState: ParcelState;
  detail: string;
  fee: Money | null;
}

export interface SubmitAccepted {
  /** The carrier's id for the accepted instruction; needed to cancel it later. */
  carrierReference: string;
  /** A fee the carrier quoted when accepting, if it gave one. */
  fee: Money | null;
}

export interface CancelAccepted {
  cancelled: true;
}

/** One outcome report read from a carrier's push. */
export interface CarrierReport {
  /** Stable id of this report, so a repeated push is recognised and ignored. */
  eventId: string;
  /**
   * The gateway's reference of the interception this report is about, when the carrier's push
   * echoes it (Kuaidi100 orderId, Cainiao outer_order_id). Without it, the report applies to the
   * parcel's open interception.
   */
  reference?: string;
  trackingNumber: string;
  at: string;
  /**
   * `null` when the report is only a tracking update that decides nothing; `cancelled` when the
   * carrier withdrew the interception (the parcel goes on as before).
   */
  outcome: "succeeded" | "failed" | "cancelled" | null;
  parcelState: ParcelState;
  /**
   * Shown to merchants (the event detail, and the failure message of a failed outcome), under
   * the rules of `CarrierError.message`. A tracking event's public text may appear here; the
   * carrier's own explanation of a result does not.
   */
  detail: string;
  /** For the log only: the carrier's free text about this report, e.g. its reason for failure. */
  diagnostic?: string;
  /** A final fee the carrier reported, if any. */
  fee: Money | null;
}

export interface IncomingCallback {
  /** Full request URL, including any query string. */
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * When the gateway received it, on the gateway's clock: what a carrier's signed timestamp is
   * checked against.
   */
  receivedAt: Date;
}

/** What to answer the carrier, in its own acknowledgement format. */
export interface CallbackReply {
  status: number;
  contentType: string;
  body: string;
}

export interface ParsedCallback {
  reports: CarrierReport[];
  /** The acknowledgement the carrier expects once the reports are safely stored. */
  reply: CallbackReply;
}

/**
 * What a carrier can do, as the gateway and `GET /v1/carriers` read it. Never declared by hand:
 * `capabilitiesOf` reads it from the operations the adapter has, so the two cannot disagree.
 */
export interface CarrierCapabilities {
  /** The actions it has an operation for (`intercept`, `redirect`). */
  actions: Action[];
  /** Whether an accepted interception can be withdrawn through the carrier (`cancel`). */
  cancel: boolean;
  /**
   * How the final outcome arrives: the gateway polls (`pollOutcome`), or else the carrier pushes
   * it (`parseCallback`).
   */
  outcome: "push" | "poll";
  /** Whether the carrier can quote a fee (`quotesFees`). */
  feeQuote: boolean;
  /** Whether the carrier can cancel the pickup of a parcel it has not collected (`cancelPickup`). */
  pickupCancel: boolean;
}

/**
 * One carrier, in the gateway's terms. An operation the carrier does not offer is left out (not
 * stubbed): its presence is the capability.
 */
export interface CarrierAdapter {
  id: CarrierId;
  displayName: string;
  /**
   * Whether the carrier's acceptance can carry a fee (`SubmitAccepted.fee`). A property of its
   * replies, not an operation, so it is the one capability declared.
   */
  quotesFees: boolean;
  track(trackingNumber: string, ctx: CallContext): Promise<CarrierResult<TrackResult>>;
  /** Returns a collected parcel to its sender. */
  intercept?(command: InterceptCommand, ctx: CallContext): Promise<CarrierResult<SubmitAccepted>>;
  /** Delivers a collected parcel to another address. */
  redirect?(command: RedirectCommand, ctx: CallContext): Promise<CarrierResult<SubmitAccepted>>;
  /** Withdraws an accepted interception or redirect. */
  cancel?(command: CancelCommand, ctx: CallContext): Promise<CarrierResult<CancelAccepted>>;
  /** Present when the outcome must be polled; without it the carrier pushes the outcome. */
  pollOutcome?(query: OutcomeQuery, ctx: CallContext): Promise<CarrierResult<PolledOutcome>>;
  /** Cancels the booked pickup of a parcel the carrier has not collected. */
  cancelPickup?(
    command: PickupCancelCommand,
    ctx: CallContext,
  ): Promise<CarrierResult<CancelAccepted>>;
  /**
   * Authenticates and reads one carrier push. An unauthenticated push returns an `auth_failed`
   * error and must change nothing; a carrier that never pushes refuses every push.
   */
  parseCallback(request: IncomingCallback): CarrierResult<ParsedCallback>;
  /** Releases the adapter's connection pool. */
  close(): Promise<void>;
}

/** The operations a carrier may or may not offer. */
export type OptionalOperation =
  | "intercept"
  | "redirect"
  | "cancel"
  | "pollOutcome"
  | "cancelPickup";

/**
 * An adapter known to have the operations `K`: what a factory returns, so that its own tests call
 * them without checking first.
 */
export type CarrierAdapterWith<K extends OptionalOperation> = CarrierAdapter &
  Required<Pick<CarrierAdapter, K>>;

/** What the adapter can do, read from the operations it has. */
export function capabilitiesOf(adapter: CarrierAdapter): CarrierCapabilities {
  const actions: Action[] = [];
  if (adapter.intercept) {
    actions.push("intercept");
  }
  if (adapter.redirect) {
    actions.push("redirect");
  }
  return {
    actions,
    cancel: adapter.cancel !== undefined,
    outcome: adapter.pollOutcome ? "poll" : "push",
    feeQuote: adapter.quotesFees,
    pickupCancel: adapter.cancelPickup !== undefined,
  };
}

const offeredNoun = {
  intercept: "interception",
  redirect: "redirect",
  cancel: "withdrawal of an interception",
} as const;

/**
 * The answer for an operation the adapter does not have: a refusal, as the carrier would give.
 * The gateway reads the capabilities before it queues work, so only work queued under other
 * settings (ZTO_VIA_KUAIDI100 since turned off) meets it.
 */
export async function notOffered(
  adapter: CarrierAdapter,
  operation: keyof typeof offeredNoun,
): Promise<{ ok: false; error: CarrierError }> {
  return {
    ok: false,
    error: {
      carrier: adapter.id,
      code: "rejected",
      message: `${adapter.displayName} offers no ${offeredNoun[operation]}.`,
      retryable: false,
    },
  };
}
