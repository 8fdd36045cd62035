/**
 * The `follow_collection` deadline: one look at a shipped parcel's tracking. Collected (a tracking
 * event past `not_collected`) → `collected` with the carrier's scan time and `shipment.collected`;
 * not yet, or the carrier could not be asked → the next look, further off each time. Stops once
 * the shipment is no longer `shipped` (collected by a push, refunded).
 */
import { carrierActor } from "../domain/actors.ts";
import { collectionScanTime, nextCollectionLook } from "../domain/collection.ts";
import type { DeadlineRecord, ShipmentRecord } from "../store/store.ts";
import { recordCollected } from "./collected.ts";
import type { SchedulerDeps } from "./deps.ts";
import type { DeadlineOutcome } from "./handlers.ts";

export async function followCollection(
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
): Promise<DeadlineOutcome> {
  const shipment = await deps.store.shipments.getById(deadline.subjectId);
  if (shipment?.status !== "shipped") {
    return { done: true };
  }
  const look = await lookForScan(deps, shipment);
  const next = nextCollectionLook(deps.now(), deadline.attempts, deps.collectionLooks);
  if (!look.ok) {
    return { done: false, at: next, reason: look.reason };
  }
  if (look.scannedAt === null) {
    return { done: false, at: next, reason: "not collected yet" };
  }
  return recordScan(deps, shipment, look.scannedAt);
}

/** What one look at a shipped parcel's tracking found: its scan-in time, or null if none yet. */
export type Look = { ok: true; scannedAt: string | null } | { ok: false; reason: string };

/** Asks the carrier (through its breaker and retries) where the shipment's parcel is. */
export async function lookForScan(deps: SchedulerDeps, shipment: ShipmentRecord): Promise<Look> {
  const carrier = shipment.carrier ? deps.carriers.get(shipment.carrier) : null;
  const { trackingNumber } = shipment;
  if (!carrier || !trackingNumber) {
    // Its carrier's adapter is gone from this deployment: nothing can follow the parcel.
    return { ok: false, reason: `no adapter for carrier ${String(shipment.carrier)}` };
  }
  const tracked = await carrier.resilient.call(
    "track",
    (ctx) => carrier.resilient.adapter.track(trackingNumber, ctx),
    { deadline: deps.now().getTime() + deps.carrierDeadlineMs },
  );
  if (!tracked.ok) {
    return { ok: false, reason: `${tracked.error.code}: ${tracked.error.message}` };
  }
  return { ok: true, scannedAt: collectionScanTime(tracked.value, deps.now().toISOString()) };
}

/** Records the scan the look found; a shipment changed meanwhile is judged again at once. */
export async function recordScan(
  deps: SchedulerDeps,
  shipment: ShipmentRecord,
  scannedAt: string,
): Promise<DeadlineOutcome> {
  const actor = carrierActor(shipment.carrier ?? "unknown");
  const recorded = await recordCollected(deps, shipment, scannedAt, actor);
  return recorded === "stale"
    ? { done: false, at: deps.now().toISOString(), reason: "the shipment changed meanwhile" }
    : { done: true };
}
