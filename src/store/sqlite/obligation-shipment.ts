/**
 * Inside the write of a ticket or proposal change (tickets.ts, ship-date-proposals.ts): the
 * shipment step every such change shares. The rules decided on the shipment at one version; the
 * change applies only while it is still there, and bumps it, so a second change decided on the
 * same read finds it stale (ticket-records.ts).
 */
import { eq } from "drizzle-orm";
import { shipmentsTable } from "../schema.ts";
import type { ShipmentRecord } from "../shipment-records.ts";
import type { ObligationChange } from "../ticket-records.ts";
import type { Db } from "./connection.ts";
import { bindOrCheckOwner } from "./shipments.ts";

/** The shipment after the change, or why nothing may be written. */
export function applyShipmentStep(
  db: Db,
  shipmentId: string,
  merchantId: string,
  change: ObligationChange,
): ShipmentRecord | "not_found" | "stale" | "parcel_of_another_merchant" {
  const current = db.select().from(shipmentsTable).where(eq(shipmentsTable.id, shipmentId)).get();
  if (!current || current.merchantId !== merchantId) {
    return "not_found";
  }
  if (current.version !== change.expectShipmentVersion) {
    return "stale";
  }
  const patch = change.shipmentPatch ?? {};
  // A changed waybill names a new parcel: bound to the merchant as shipping binds one.
  const { carrier } = current;
  if (
    patch.trackingNumber &&
    carrier !== null &&
    !bindOrCheckOwner(db, { carrier, trackingNumber: patch.trackingNumber, merchantId }, change.at)
  ) {
    return "parcel_of_another_merchant";
  }
  // The shipment's own `updatedAt` moves only when one of its fields does.
  const moved = Object.keys(patch).length > 0;
  const columns = {
    ...patch,
    version: current.version + 1,
    updatedAt: moved ? change.at : current.updatedAt,
  };
  db.update(shipmentsTable).set(columns).where(eq(shipmentsTable.id, shipmentId)).run();
  return { ...current, ...columns };
}
