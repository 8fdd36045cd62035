/**
 * Tickets and ship-date proposals as rows, the same on both stores (their schemas name the columns alike): which fields
 * a change writes, and a ticket event to and from its row.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { ShipDateProposal } from "../domain/obligations/ship-date-proposals.ts";
import type { Ticket, TicketEventType, TicketStatus } from "../domain/obligations/tickets.ts";
import type { ShipDateProposalRecord, TicketEventRecord, TicketRecord } from "./ticket-records.ts";

/** The fields the rules own, and only those (a caller may pass a whole record). */
export function ruleFields(ticket: Ticket): Ticket {
  return {
    type: ticket.type,
    status: ticket.status,
    openedAt: ticket.openedAt,
    dueAt: ticket.dueAt,
    resolution: ticket.resolution,
    replies: ticket.replies,
    buyerAnswer: ticket.buyerAnswer,
    secondChance: ticket.secondChance,
  };
}

/** A ticket's row: its record without anything else the caller's object may carry (events). */
export function ticketColumns(ticket: TicketRecord): TicketRecord {
  return {
    id: ticket.id,
    merchantId: ticket.merchantId,
    shipmentId: ticket.shipmentId,
    ...ruleFields(ticket),
    version: ticket.version,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
  };
}

export interface TicketEventRow {
  ticketId: string;
  at: string;
  type: TicketEventType;
  status: TicketStatus;
  detail: string;
  actorType: EventActor["type"];
  actorId: string | null;
}

export function ticketEventColumns(ticketId: string, event: TicketEventRecord): TicketEventRow {
  return {
    ticketId,
    at: event.at,
    type: event.type,
    status: event.status,
    detail: event.detail,
    actorType: event.actor.type,
    actorId: event.actor.id,
  };
}

export function ticketEventOfRow(row: TicketEventRow): TicketEventRecord {
  return {
    type: row.type,
    at: row.at,
    status: row.status,
    detail: row.detail,
    actor: { type: row.actorType, id: row.actorId },
  };
}

/** The rows' events grouped by ticket, each list in the rows' (oldest first) order. */
export function eventsByTicket(rows: readonly TicketEventRow[]): Map<string, TicketEventRecord[]> {
  const byTicket = new Map<string, TicketEventRecord[]>();
  for (const row of rows) {
    const list = byTicket.get(row.ticketId) ?? [];
    list.push(ticketEventOfRow(row));
    byTicket.set(row.ticketId, list);
  }
  return byTicket;
}

/** The fields of a proposal the rules own, and only those. */
export function proposalRuleFields(proposal: ShipDateProposal): ShipDateProposal {
  return {
    status: proposal.status,
    shipDate: proposal.shipDate,
    proposedAt: proposal.proposedAt,
    expiresAt: proposal.expiresAt,
    answeredAt: proposal.answeredAt,
  };
}

/** A proposal's row: its record without anything else the caller's object may carry. */
export function proposalColumns(proposal: ShipDateProposalRecord): ShipDateProposalRecord {
  return {
    id: proposal.id,
    merchantId: proposal.merchantId,
    shipmentId: proposal.shipmentId,
    ...proposalRuleFields(proposal),
    version: proposal.version,
    createdAt: proposal.createdAt,
    updatedAt: proposal.updatedAt,
  };
}

/** Proposals grouped by shipment, each list in the given (oldest first) order. */
export function proposalsByShipment(
  rows: readonly ShipDateProposalRecord[],
): Map<string, ShipDateProposalRecord[]> {
  const byShipment = new Map<string, ShipDateProposalRecord[]>();
  for (const row of rows) {
    const list = byShipment.get(row.shipmentId) ?? [];
    list.push(row);
    byShipment.set(row.shipmentId, list);
  }
  return byShipment;
}
