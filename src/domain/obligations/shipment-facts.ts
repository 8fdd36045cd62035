/**
 * What the ticket and proposal rules read of a shipment (API.md "Shipments and shipping
 * obligations"). The shipment record satisfies it; the rules never change a shipment themselves,
 * they return the change (a new tracking number, a new `shipBy`) for the service to store.
 */

export type ShipmentStatus = "awaiting_shipment" | "shipped" | "collected" | "refunded";

export interface ShipmentFacts {
  status: ShipmentStatus;
  /** The storefront's category; some get shorter limits (`fresh`: rules.ts). */
  category: string;
  /** The current deadline to ship (have it collected), ISO-8601 UTC. */
  shipBy: string;
  /** Set once shipped, kept after collection or refund. */
  shippedAt: string | null;
  /** The carrier's scan time, once collected. */
  collectedAt: string | null;
  /** When it was refunded (the storefront's `refundedAt`, or the time of the request). */
  refundedAt: string | null;
}
