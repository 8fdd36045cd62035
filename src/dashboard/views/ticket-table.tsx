/**
 * Tickets as rows, each with what is due next on it and the time left: the tickets page's table,
 * and the one on a shipment's page.
 */
import type { TicketDeadline } from "../../domain/obligations/ticket-timeline.ts";
import type { TicketRecord } from "../../store/ticket-records.ts";
import type { Messages } from "../i18n/messages.ts";
import { DataTable } from "./data-table.tsx";
import { Deadline } from "./deadline.tsx";
import { chinaTime } from "./format.ts";
import { TicketStatusBadge } from "./obligation-badges.tsx";

export interface TicketRow {
  ticket: TicketRecord;
  orderId: string;
  /** What the ticket waits for next (ticket-timeline.ts `nextDeadline`); null when nothing is. */
  next: TicketDeadline | null;
  /** An overdue ticket: when its deadline passed. */
  overdueSince: string | null;
}

export function TicketTable(props: { rows: TicketRow[]; now: Date; t: Messages; empty: string }) {
  const { t, now } = props;
  return (
    <DataTable
      headers={[
        t.tickets.opened,
        t.tickets.order,
        t.tickets.type,
        t.tickets.status,
        t.tickets.nextDeadline,
        t.tickets.resolution,
      ]}
      empty={props.empty}
      rows={props.rows.map(({ ticket, orderId, next, overdueSince }) => (
        <tr class={ticket.status === "overdue" ? "overdue-row" : undefined}>
          <td>{chinaTime(ticket.openedAt)}</td>
          <td>
            <a class="mono" href={`/dashboard/tickets/${encodeURIComponent(ticket.id)}`}>
              {orderId}
            </a>
          </td>
          <td>{t.ticketType[ticket.type]}</td>
          <td>
            <TicketStatusBadge status={ticket.status} t={t} />
          </td>
          <td>
            {next ? (
              <>
                <span class="deadline-kind">{t.deadlineKind[next.kind]}</span>{" "}
                <Deadline at={next.at} now={now} t={t} />
              </>
            ) : overdueSince ? (
              <Deadline at={overdueSince} now={now} t={t} />
            ) : (
              "—"
            )}
          </td>
          <td>{ticket.resolution ? t.resolution[ticket.resolution] : "—"}</td>
        </tr>
      ))}
    />
  );
}
