/**
 * The public Shipment resource (API.md) made from a stored record: what `GET` answers and what a
 * `shipment.*` webhook event carries as `data`. Internal columns (merchant id, version) stay inside.
 */
import type { Shipment } from "../../contracts/shipments.ts";
import type { ShipmentWithEvents } from "../store/shipment-records.ts";
import type { ShipDateProposalRecord } from "../store/ticket-records.ts";
import { toProposalResource } from "./ticket-resource.ts";

/** `proposals`: the shipment's ship-date proposals, oldest first, each as it stands now. */
export function toShipmentResource(
  record: ShipmentWithEvents,
  proposals: readonly ShipDateProposalRecord[],
): Shipment {
  return {
    id: record.id,
    orderId: record.orderId,
    category: record.category,
    items: record.items,
    status: record.status,
    paidAt: record.paidAt,
    shipBy: record.shipBy,
    collectBy: record.collectBy,
    carrier: record.carrier,
    trackingNumber: record.trackingNumber,
    shippedAt: record.shippedAt,
    collectedAt: record.collectedAt,
    refundedAt: record.refundedAt,
    overdue: record.overdueAt !== null,
    proposals: proposals.map(toProposalResource),
    events: record.events.map((event) => ({
      at: event.at,
      type: event.type,
      detail: event.detail,
      actor: event.actor,
    })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
