/**
 * The `follow_collection` deadline: one look at a shipped parcel's tracking. Collected (a tracking
 * event past `not_collected`) → `collected` with the carrier's scan time and `shipment.collected`;
 * not yet, or the carrier could not be asked → the next look, further off each time. Stops once
 * the shipment is no longer `shipped` (collected by a push, refunded).
 */
import { carrierActor } from "../domain/actors.ts";
import { collectionScanTime, nextCollectionLook } from "../domain/collection.ts";
import type { DeadlineRecord } from "../store/store.ts";
import { recordCollected } from "./collected.ts";
import type { SchedulerDeps } from "./deps.ts";
import type { DeadlineOutcome } from "./handlers.ts";

export async function followCollection(
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
): Promise<DeadlineOutcome> {
  const shipment = await deps.store.shipments.getById(deadline.subjectId);
  if (shipment?.status !== "shipped" || !shipment.carrier || !shipment.trackingNumber) {
    return { done: true };
  }
  const carrier = deps.carriers.get(shipment.carrier);
  const now = deps.now();
  if (!carrier) {
    // The carrier's adapter is gone from this deployment: nothing can follow the parcel.
    deps.logger.warn("shipment carrier has no adapter", { shipmentId: shipment.id });
    return { done: true };
  }
  const { trackingNumber } = shipment;
  const tracked = await carrier.resilient.call(
    "track",
    (ctx) => carrier.resilient.adapter.track(trackingNumber, ctx),
    { deadline: now.getTime() + deps.carrierDeadlineMs },
  );
  const next = nextCollectionLook(deps.now(), deadline.attempts, deps.collectionLooks);
  if (!tracked.ok) {
    return { done: false, at: next, reason: `${tracked.error.code}: ${tracked.error.message}` };
  }
  const scannedAt = collectionScanTime(tracked.value, deps.now().toISOString());
  if (scannedAt === null) {
    return { done: false, at: next, reason: "not collected yet" };
  }
  const recorded = await recordCollected(deps, shipment, scannedAt, carrierActor(carrier.id));
  return recorded === "stale"
    ? { done: false, at: deps.now().toISOString(), reason: "the shipment changed meanwhile" }
    : { done: true };
}
