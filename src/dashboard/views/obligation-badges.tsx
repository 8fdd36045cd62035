/** Shipment and ticket statuses as text in coloured badges (the text carries it). */
import type { TicketStatus } from "../../domain/obligations/tickets.ts";
import type { ShipmentStatus } from "../../store/shipment-records.ts";
import type { Messages } from "../i18n/messages.ts";

export function ShipmentStatusBadge(props: { status: ShipmentStatus; t: Messages }) {
  return (
    <span class={`status status-${props.status}`}>{props.t.shipmentStatus[props.status]}</span>
  );
}

export function TicketStatusBadge(props: { status: TicketStatus; t: Messages }) {
  return <span class={`status status-${props.status}`}>{props.t.ticketStatus[props.status]}</span>;
}
