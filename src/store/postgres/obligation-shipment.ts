/**
 * Inside the transaction of a ticket or proposal change (tickets.ts, ship-date-proposals.ts):
 * the shipment step every such change shares. The rules decided on the shipment at one version;
 * the change applies only while it is still there, and bumps it (ticket-records.ts). The row lock
 * makes a concurrent change wait, then find the version moved.
 */
import { eq } from "drizzle-orm";
import type { ShipmentRecord } from "../shipment-records.ts";
import type { ObligationChange } from "../ticket-records.ts";
import { bindOrCheckOwner } from "./interceptions.ts";
import { shipmentsTable } from "./schema.ts";
import type { PgDb } from "./transaction.ts";

/** The shipment after the change, or why nothing may be written. */
export async function applyShipmentStep(
  tx: PgDb,
  shipmentId: string,
  merchantId: string,
  change: ObligationChange,
): Promise<ShipmentRecord | "not_found" | "stale" | "parcel_of_another_merchant"> {
  const [current] = await tx
    .select()
    .from(shipmentsTable)
    .where(eq(shipmentsTable.id, shipmentId))
    .for("update");
  if (!current || current.merchantId !== merchantId) {
    return "not_found";
  }
  if (current.version !== change.expectShipmentVersion) {
    return "stale";
  }
  const patch = change.shipmentPatch ?? {};
  // A changed waybill names a new parcel: bound to the merchant as shipping binds one.
  const { carrier } = current;
  if (patch.trackingNumber && carrier !== null) {
    const parcel = { carrier, trackingNumber: patch.trackingNumber, merchantId };
    if (!(await bindOrCheckOwner(tx, parcel, true, change.at))) {
      return "parcel_of_another_merchant";
    }
  }
  // The shipment's own `updatedAt` moves only when one of its fields does.
  const moved = Object.keys(patch).length > 0;
  const columns = {
    ...patch,
    version: current.version + 1,
    updatedAt: moved ? change.at : current.updatedAt,
  };
  await tx.update(shipmentsTable).set(columns).where(eq(shipmentsTable.id, shipmentId));
  return { ...current, ...columns };
}
