/**
 * Shipment events as rows, the same on both stores (their schemas name the columns alike): an
 * event to its row, and a page of shipments joined to their events read in one query.
 */
import type {
  ShipmentEventRecord,
  ShipmentRecord,
  ShipmentWithEvents,
} from "./shipment-records.ts";

/** The columns an event's row holds. */
export function shipmentEventColumns(shipmentId: string, event: ShipmentEventRecord) {
  return {
    shipmentId,
    at: event.at,
    type: event.type,
    detail: event.detail,
    actorType: event.actor.type,
    actorId: event.actor.id,
  };
}

/** The rows with their histories, in the rows' order; `found` is every event of them, oldest first. */
export function withShipmentEvents(
  rows: readonly ShipmentRecord[],
  found: ReadonlyArray<ReturnType<typeof shipmentEventColumns>>,
): ShipmentWithEvents[] {
  const byShipment = new Map<string, ShipmentEventRecord[]>();
  for (const event of found) {
    const list = byShipment.get(event.shipmentId) ?? [];
    list.push({
      at: event.at,
      type: event.type,
      detail: event.detail,
      actor: { type: event.actorType, id: event.actorId },
    });
    byShipment.set(event.shipmentId, list);
  }
  return rows.map((row) => ({ ...row, events: byShipment.get(row.id) ?? [] }));
}
