/**
 * Recording a shipped parcel as collected, however the gateway learnt it (its own look at the
 * tracking, or a carrier's push): `collected`, `collectedAt` = the carrier's scan time, and
 * `shipment.collected`, once; its open tickets are due at once (collection resolves them), in
 * the same transaction.
 */
import type { EventActor } from "../../contracts/interception.ts";
import { countCollection } from "../services/obligation-metrics.ts";
import type { ShipmentRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";
import { ticketJobs } from "./ticket-due.ts";

/** `stale` when the shipment changed since `shipment` was read: the caller reads it again. */
export async function recordCollected(
  deps: Pick<SchedulerDeps, "store" | "now" | "metrics" | "obligations">,
  shipment: ShipmentRecord,
  scannedAt: string,
  actor: EventActor,
): Promise<"recorded" | "stale" | "moved_on"> {
  // Read after the shipment: a ticket opened since bumped its version, so this write is stale.
  const tickets = await deps.store.tickets.ofShipment(shipment.id);
  const at = deps.now().toISOString();
  const result = await deps.store.shipments.transition(shipment.id, {
    from: ["shipped"],
    to: "collected",
    patch: { collectedAt: scannedAt },
    expectVersion: shipment.version,
    event: {
      at,
      type: "collected",
      detail: `Collected by the carrier at ${scannedAt}.`,
      actor,
    },
    webhook: "shipment.collected",
    schedule: ticketJobs(
      tickets,
      { ...shipment, status: "collected", collectedAt: scannedAt },
      at,
      deps.obligations,
    ),
  });
  if (result.outcome === "applied") {
    countCollection(deps.metrics, { ...shipment, collectedAt: scannedAt });
    return "recorded";
  }
  return result.outcome === "stale" ? "stale" : "moved_on";
}
