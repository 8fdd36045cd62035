/**
 * The public Interception resource (API.md) made from a stored record: what `GET` answers and
 * what a webhook event carries as `data`, so both say the same thing. Internal columns (merchant
 * id, carrier event ids) stay inside.
 */
import type { Interception } from "../../contracts/interception.ts";
import type { InterceptionWithEvents } from "../store/store.ts";

export function toInterceptionResource(record: InterceptionWithEvents): Interception {
  return {
    id: record.id,
    carrier: record.carrier,
    trackingNumber: record.trackingNumber,
    orderId: record.orderId,
    action: record.action,
    reason: record.reason,
    items: record.items,
    parcel: record.parcel,
    redirectTo: record.redirectTo,
    note: record.note,
    status: record.status,
    parcelState: record.parcelState,
    successLikelihood: record.successLikelihood,
    carrierReference: record.carrierReference,
    cost: record.cost,
    failure: record.failure,
    events: record.events.map((event) => ({
      at: event.at,
      status: event.status,
      detail: event.detail,
      actor: event.actor,
    })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
