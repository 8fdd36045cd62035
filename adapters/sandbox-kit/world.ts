/**
 * In-memory state shared by every carrier sandbox and the control API: parcels, pending faults,
 * push targets and the timers that deliver interception outcomes.
 *
 * Calls are recorded only when the carrier sandbox actually served them (authenticated and
 * answered with a business reply, accepted or refused). A faulted call (500, timeout, reset,
 * throttled) or one refused by signature checks never reached the carrier's business logic, so
 * it is not in `calls`; tests can count "exactly one accepted intercept" by filtering `accepted`.
 */
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { Address, ParcelState } from "../../contracts/normalized.ts";
import { deliverPush, type RenderedPush } from "./push.ts";

export type SandboxOperation = "track" | "intercept" | "redirect" | "cancel";
/**
 * `error500`, `timeout` (held until the client gives up: a blackhole), `reset` (cut after the
 * request arrived) and `rate_limited` (the carrier's own throttling answer) are API.md's; the
 * rest reproduce what Toxiproxy-style tests inject: `latency` (answer normally after `delayMs`),
 * `http429` (HTTP 429 with Retry-After), `reset_mid_body` (part of a reply, then a cut),
 * `trickle` (a reply dribbled out slowly), `oversized` (a reply of `bytes` bytes), `garbage`
 * (a reply that is not what the carrier speaks).
 */
export type FaultMode =
  | "error500"
  | "timeout"
  | "reset"
  | "rate_limited"
  | "latency"
  | "http429"
  | "reset_mid_body"
  | "trickle"
  | "oversized"
  | "garbage";

/** Parameters of the modes that take one. */
export interface FaultOptions {
  /** `latency`: wait before answering; `trickle`: wait between chunks. */
  delayMs?: number;
  /** `http429`: the Retry-After seconds. */
  retryAfterSeconds?: number;
  /** `oversized`: the reply's size. */
  bytes?: number;
}
export type InterceptOutcome = "success" | "failure";

export interface SandboxCall {
  operation: SandboxOperation;
  at: string;
  /** The carrier's business payload as received (for SF: the parsed msgData). */
  body: unknown;
  /** Whether the carrier accepted it (false: answered with a business refusal). */
  accepted: boolean;
  /** True when the carrier recognised a retry of an instruction it already held. */
  repeat?: boolean;
}

/** One step of the parcel's timeline; each carrier sandbox renders it in its own codes. */
export interface SandboxHistoryEntry {
  id: string;
  at: string;
  state: ParcelState;
  /** What happened, so a carrier can pick the right code (e.g. "returned" vs plain transit). */
  kind:
    | "collected"
    | "transit"
    | "at_station"
    | "out_for_delivery"
    | "delivered"
    | "returned"
    | "redirected"
    | "unknown";
  detail: string;
}

/** The carrier-side record of an accepted interception or redirect instruction. */
export interface SandboxInstruction {
  /** The carrier's id for it (for SF: `cusId`). */
  id: string;
  kind: "intercept" | "redirect";
  status: "accepted" | "cancelled" | "succeeded" | "failed";
  createdAt: string;
  redirectTo?: Address | Record<string, unknown>;
}

export interface SandboxParcel {
  carrier: CarrierId;
  trackingNumber: string;
  state: ParcelState;
  interceptOutcome: InterceptOutcome;
  outcomeDelayMs: number;
  history: SandboxHistoryEntry[];
  instructions: SandboxInstruction[];
  calls: SandboxCall[];
}

export interface SandboxFault extends FaultOptions {
  mode: FaultMode;
  remaining: number;
}

/** What the receiver of a push answered. */
export interface PushReply {
  status: number;
  body: string;
}

/** One attempt at delivering a push. */
export interface PushAttempt {
  at: string;
  /** HTTP status of the receiver, or the transport error text. */
  result: number | string;
  /** Whether the answer acknowledged the push in the carrier's protocol. */
  acknowledged: boolean;
}

/** A push and its attempts (the carrier re-sends an unacknowledged push: see `push.ts`). */
export interface SandboxPushRecord {
  carrier: CarrierId;
  trackingNumber: string;
  /** Where the latest attempt went. */
  url: string;
  /** The first attempt's time. */
  at: string;
  /** The latest attempt's result: HTTP status of the receiver, or the transport error text. */
  result: number | string;
  /** Whether the latest attempt was acknowledged (none follows then). */
  acknowledged: boolean;
  /** Every attempt, oldest first. */
  attempts: PushAttempt[];
  /** When the carrier sends it again; null once acknowledged or out of retries. */
  nextAttemptAt: string | null;
}

/** Sends one push and reads the answer; the server injects an undici-based implementation. */
export type PushSender = (push: {
  url: string;
  contentType: string;
  body: string;
  /** Extra headers the carrier sends with its push (e.g. UPS's `x-api-key`). */
  headers?: Record<string, string>;
}) => Promise<PushReply>;

export interface World {
  parcels: Map<string, SandboxParcel>;
  faults: Map<CarrierId, SandboxFault[]>;
  /** A fixed delay before every answer of a carrier (benchmarks: a carrier 20 ms away). */
  latencyMs: Partial<Record<CarrierId, number>>;
  /** Where each carrier pushes outcomes; configuration, so `reset` keeps it. */
  pushUrls: Partial<Record<CarrierId, string>>;
  pushes: SandboxPushRecord[];
  timers: Set<NodeJS.Timeout>;
  /** Aborted when the sandbox closes; held ("timeout") requests wait on it. */
  lifetime: AbortController;
  sendPush: PushSender | null;
  /**
   * The route push of each carrier that pushes every tracking step (SF), for a parcel moved
   * forward by the control API; carriers that push only outcomes, or nothing, have none.
   */
  routePushes: Partial<
    Record<CarrierId, (parcel: SandboxParcel, entry: SandboxHistoryEntry) => RenderedPush>
  >;
  sequence: number;
}

export const DEFAULT_OUTCOME_DELAY_MS = 200;

/** Creates an empty world. */
export function createWorld(pushUrls: Partial<Record<CarrierId, string>> = {}): World {
  return {
    parcels: new Map(),
    faults: new Map(),
    latencyMs: {},
    pushUrls: { ...pushUrls },
    pushes: [],
    timers: new Set(),
    lifetime: new AbortController(),
    sendPush: null,
    routePushes: {},
    sequence: 0,
  };
}

function parcelKey(carrier: CarrierId, trackingNumber: string): string {
  return `${carrier}\u0000${trackingNumber}`;
}

/** A process-unique id, e.g. for route ids and instruction ids. */
export function nextId(world: World, prefix: string): string {
  world.sequence += 1;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${world.sequence.toString().padStart(6, "0")}`;
}

const PATH_TO: Record<ParcelState, SandboxHistoryEntry["kind"][]> = {
  not_collected: [],
  in_transit: ["collected", "transit"],
  at_delivery_station: ["collected", "transit", "at_station"],
  out_for_delivery: ["collected", "transit", "at_station", "out_for_delivery"],
  delivered: ["collected", "transit", "at_station", "out_for_delivery", "delivered"],
  returned: ["collected", "transit", "returned"],
  unknown: ["unknown"],
};

const STATE_OF_KIND: Record<SandboxHistoryEntry["kind"], ParcelState> = {
  collected: "in_transit",
  transit: "in_transit",
  at_station: "at_delivery_station",
  out_for_delivery: "out_for_delivery",
  delivered: "delivered",
  returned: "returned",
  redirected: "in_transit",
  unknown: "unknown",
};

/** Appends one timeline step and moves the parcel's state with it. */
export function appendHistory(
  world: World,
  parcel: SandboxParcel,
  kind: SandboxHistoryEntry["kind"],
  detail: string,
  at: Date = new Date(),
): SandboxHistoryEntry {
  const entry: SandboxHistoryEntry = {
    id: nextId(world, ""),
    at: at.toISOString(),
    state: STATE_OF_KIND[kind],
    kind,
    detail,
  };
  parcel.history.push(entry);
  parcel.state = entry.state;
  return entry;
}

/** Creates or replaces a parcel with a plausible timeline leading to `state`. */
export function putParcel(
  world: World,
  input: {
    carrier: CarrierId;
    trackingNumber: string;
    state: ParcelState;
    interceptOutcome?: InterceptOutcome;
    outcomeDelayMs?: number;
  },
): SandboxParcel {
  const parcel: SandboxParcel = {
    carrier: input.carrier,
    trackingNumber: input.trackingNumber,
    state: input.state,
    interceptOutcome: input.interceptOutcome ?? "success",
    outcomeDelayMs: input.outcomeDelayMs ?? DEFAULT_OUTCOME_DELAY_MS,
    history: [],
    instructions: [],
    calls: [],
  };
  const steps = PATH_TO[input.state];
  // Timeline steps one hour apart, ending a minute ago, so "latest wins" is unambiguous.
  const start = Date.now() - 60_000 - steps.length * 3_600_000;
  steps.forEach((kind, index) => {
    appendHistory(world, parcel, kind, `sandbox ${kind}`, new Date(start + index * 3_600_000));
  });
  parcel.state = input.state;
  world.parcels.set(parcelKey(input.carrier, input.trackingNumber), parcel);
  return parcel;
}

/**
 * Moves a parcel forward to `state` as the carrier would see it happen now: the timeline steps it
 * lacks are appended, dated now (a `not_collected` parcel moved to `in_transit` gets its
 * collection scan now). Returns the new steps; null, changing nothing, when `state` is not ahead
 * of the parcel's timeline (a parcel cannot go back to `not_collected`).
 */
export function advanceParcel(
  world: World,
  parcel: SandboxParcel,
  state: ParcelState,
): SandboxHistoryEntry[] | null {
  const path = PATH_TO[state];
  const had = parcel.history.map((entry) => entry.kind);
  const isAhead = had.every((kind, index) => path[index] === kind) && path.length > had.length;
  if (!isAhead) {
    return null;
  }
  return path
    .slice(had.length)
    .map((kind) => appendHistory(world, parcel, kind, `sandbox ${kind}`));
}

/** The parcel, or undefined when the carrier does not know the tracking number. */
export function getParcel(
  world: World,
  carrier: CarrierId,
  trackingNumber: string,
): SandboxParcel | undefined {
  return world.parcels.get(parcelKey(carrier, trackingNumber));
}

/** Records a call the carrier served. */
export function recordCall(
  parcel: SandboxParcel,
  operation: SandboxOperation,
  body: unknown,
  accepted: boolean,
): void {
  parcel.calls.push({ operation, at: new Date().toISOString(), body, accepted });
}

/** Queues `count` faults of one mode for the carrier's next wire calls. */
export function addFault(
  world: World,
  carrier: CarrierId,
  mode: FaultMode,
  count: number,
  options: FaultOptions = {},
): void {
  const queue = world.faults.get(carrier) ?? [];
  queue.push({ mode, remaining: count, ...options });
  world.faults.set(carrier, queue);
}

/** Consumes one pending fault for the carrier, oldest first; null when none is pending. */
export function takeFault(world: World, carrier: CarrierId): SandboxFault | null {
  const queue = world.faults.get(carrier);
  const head = queue?.[0];
  if (queue === undefined || head === undefined) {
    return null;
  }
  head.remaining -= 1;
  if (head.remaining <= 0) {
    queue.shift();
  }
  return head;
}

/** An instruction that still blocks a new one: SF allows one successful intercept per waybill. */
export function activeInstruction(parcel: SandboxParcel): SandboxInstruction | undefined {
  return parcel.instructions.find((i) => i.status === "accepted" || i.status === "succeeded");
}

/**
 * Schedules the outcome of an accepted instruction after the parcel's delay: updates the
 * timeline and pushes what `renderPush` builds for the new entry, re-sending it on the
 * carrier's schedule until it is acknowledged (`deliverPush`).
 */
export function scheduleOutcome(
  world: World,
  parcel: SandboxParcel,
  instruction: SandboxInstruction,
  /** The carrier's push for the new entry; `null` for a carrier that is polled, not pushing. */
  renderPush: (entry: SandboxHistoryEntry) => RenderedPush | null,
): void {
  const timer = setTimeout(() => {
    world.timers.delete(timer);
    if (instruction.status !== "accepted") {
      return;
    }
    let entry: SandboxHistoryEntry;
    if (parcel.interceptOutcome === "failure") {
      instruction.status = "failed";
      entry = appendHistory(world, parcel, "delivered", "interception failed; delivered");
    } else if (instruction.kind === "intercept") {
      instruction.status = "succeeded";
      entry = appendHistory(world, parcel, "returned", "intercepted; returned to sender");
    } else {
      instruction.status = "succeeded";
      entry = appendHistory(world, parcel, "redirected", "redirected to the new address");
    }
    deliverPush(world, parcel, () => renderPush(entry));
  }, parcel.outcomeDelayMs);
  timer.unref();
  world.timers.add(timer);
}

/** Clears scenario state (parcels, faults, pending outcomes, push log); push URLs stay. */
export function resetWorld(world: World): void {
  for (const timer of world.timers) {
    clearTimeout(timer);
  }
  world.timers.clear();
  world.parcels.clear();
  world.faults.clear();
  world.pushes.length = 0;
}
