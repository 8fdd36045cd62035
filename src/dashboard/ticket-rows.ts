/** Tickets with what the pages show beside them: their shipment's order id and what is due next. */
import type { ObligationRules } from "../domain/obligations/rules.ts";
import { nextDeadline } from "../domain/obligations/ticket-timeline.ts";
import type { AppServices } from "../http/env.ts";
import type { ShipmentRecord } from "../store/shipment-records.ts";
import type { TicketWithEvents } from "../store/ticket-records.ts";
import type { TicketRow } from "./views/ticket-table.tsx";

export function ticketRowOf(
  ticket: TicketWithEvents,
  shipment: ShipmentRecord,
  rules: ObligationRules,
): TicketRow {
  return {
    ticket,
    orderId: shipment.orderId,
    next: nextDeadline(ticket, shipment, rules),
    overdueSince: overdueSince(ticket),
  };
}

/** When an overdue ticket's deadline passed: its latest `overdue` event. */
export function overdueSince(ticket: TicketWithEvents): string | null {
  if (ticket.status !== "overdue") {
    return null;
  }
  return ticket.events.findLast((event) => event.type === "overdue")?.at ?? null;
}

/**
 * Rows for a page of one merchant's tickets: each distinct shipment read once (a page holds at
 * most one page size of them), through the merchant-scoped read.
 */
export async function ticketRowsOf(
  services: AppServices,
  merchantId: string,
  tickets: readonly TicketWithEvents[],
): Promise<TicketRow[]> {
  const shipments = new Map<string, ShipmentRecord>();
  for (const shipmentId of new Set(tickets.map((ticket) => ticket.shipmentId))) {
    shipments.set(shipmentId, await services.shipments.get(merchantId, shipmentId));
  }
  return tickets.flatMap((ticket) => {
    const shipment = shipments.get(ticket.shipmentId);
    return shipment ? [ticketRowOf(ticket, shipment, services.obligations)] : [];
  });
}
