/**
 * The Shipment resources the shipment routes answer with: each with its ship-date proposals as
 * they stand now, read for a whole page at once (not one read per shipment).
 */
import type { Shipment } from "../../../contracts/shipments.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import type { AppServices } from "../../http/env.ts";
import type { ShipmentWithEvents } from "../../store/store.ts";

export async function shipmentResources(
  services: AppServices,
  merchantId: string,
  records: readonly ShipmentWithEvents[],
): Promise<Shipment[]> {
  const proposals = await services.proposals.ofShipments(
    merchantId,
    records.map((record) => record.id),
  );
  return records.map((record) => toShipmentResource(record, proposals.get(record.id) ?? []));
}

export async function shipmentResource(
  services: AppServices,
  merchantId: string,
  record: ShipmentWithEvents,
): Promise<Shipment> {
  const [resource] = await shipmentResources(services, merchantId, [record]);
  if (!resource) {
    throw new Error(`no resource made for shipment ${record.id}`);
  }
  return resource;
}
