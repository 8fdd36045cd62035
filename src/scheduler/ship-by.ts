/**
 * The `ship_by` deadline: a shipment not collected (nor refunded) by its `shipBy` is overdue: an
 * `overdue` event and `shipment.overdue`, once. Its status stays: the parcel is still owed. A
 * shipped parcel's tracking is looked at first: one scanned in by `shipBy` that the gateway had
 * not seen yet (its next look was still ahead) is collected on time, not overdue.
 */
import { gatewayActor } from "../domain/actors.ts";
import type { DeadlineRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";
import { lookForScan, recordScan } from "./follow-collection.ts";
import type { DeadlineOutcome } from "./handlers.ts";

export async function shipByPassed(
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
): Promise<DeadlineOutcome> {
  const shipment = await deps.store.shipments.getById(deadline.subjectId);
  const now = deps.now().toISOString();
  if (
    !shipment ||
    shipment.overdueAt !== null ||
    // Its `shipBy` moved later (a negotiated date): that deadline has its own job.
    shipment.shipBy > now
  ) {
    return { done: true };
  }
  if (shipment.status === "shipped") {
    const look = await lookForScan(deps, shipment);
    if (look.ok && look.scannedAt !== null && look.scannedAt <= shipment.shipBy) {
      return recordScan(deps, shipment, look.scannedAt);
    }
  }
  const result = await deps.store.shipments.transition(shipment.id, {
    from: ["awaiting_shipment", "shipped"],
    patch: { overdueAt: now },
    expectVersion: shipment.version,
    event: {
      at: now,
      type: "overdue",
      detail: `Not collected by ${shipment.shipBy}.`,
      actor: gatewayActor,
    },
    webhook: "shipment.overdue",
  });
  // Changed since the read (collected or refunded meanwhile, say): judge it again at once.
  return result.outcome === "stale"
    ? { done: false, at: now, reason: "the shipment changed meanwhile" }
    : { done: true };
}
