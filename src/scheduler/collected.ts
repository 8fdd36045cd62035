/**
 * Recording a shipped parcel as collected, however the gateway learnt it (its own look at the
 * tracking, or a carrier's push): `collected`, `collectedAt` = the carrier's scan time, and
 * `shipment.collected`, once.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { ShipmentRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";

/** `stale` when the shipment changed since `shipment` was read: the caller reads it again. */
export async function recordCollected(
  deps: Pick<SchedulerDeps, "store" | "now">,
  shipment: ShipmentRecord,
  scannedAt: string,
  actor: EventActor,
): Promise<"recorded" | "stale" | "moved_on"> {
  const result = await deps.store.shipments.transition(shipment.id, {
    from: ["shipped"],
    to: "collected",
    patch: { collectedAt: scannedAt },
    expectVersion: shipment.version,
    event: {
      at: deps.now().toISOString(),
      type: "collected",
      detail: `Collected by the carrier at ${scannedAt}.`,
      actor,
    },
    webhook: "shipment.collected",
  });
  return result.outcome === "applied"
    ? "recorded"
    : result.outcome === "stale"
      ? "stale"
      : "moved_on";
}
