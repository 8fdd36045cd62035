/**
 * The public Ticket and ShipDateProposal resources (API.md) made from stored records: what `GET`
 * answers and what a `ticket.*` or `proposal.*` webhook event carries as `data`. Internal columns
 * (merchant id, version) stay inside.
 */
import type { Shipment } from "../../contracts/shipments.ts";
import type { Ticket } from "../../contracts/tickets.ts";
import type { ShipDateProposalRecord, TicketWithEvents } from "../store/ticket-records.ts";

export function toTicketResource(record: TicketWithEvents): Ticket {
  return {
    id: record.id,
    shipmentId: record.shipmentId,
    type: record.type,
    status: record.status,
    openedAt: record.openedAt,
    dueAt: record.dueAt,
    resolution: record.resolution,
    replies: record.replies,
    buyerAnswer: record.buyerAnswer,
    secondChance: record.secondChance,
    events: record.events.map((event) => ({
      at: event.at,
      type: event.type,
      status: event.status,
      detail: event.detail,
      actor: event.actor,
    })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function toProposalResource(record: ShipDateProposalRecord): Shipment["proposals"][number] {
  return {
    id: record.id,
    status: record.status,
    shipDate: record.shipDate,
    proposedAt: record.proposedAt,
    expiresAt: record.expiresAt,
  };
}
