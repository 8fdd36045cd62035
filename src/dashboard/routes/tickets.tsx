/**
 * The tickets pages: the filtered list, each ticket with what is due next, and one ticket with its
 * replies, answers, timeline and forms (their posts: ticket-forms.tsx).
 */
import type { Context, Hono } from "hono";
import { shipLaterMaxDaysFor } from "../../domain/obligations/rules.ts";
import { nextDeadline } from "../../domain/obligations/ticket-timeline.ts";
import { ticketStatuses, ticketTypes } from "../../domain/obligations/tickets.ts";
import type { TicketFilter } from "../../store/ticket-records.ts";
import type { DashboardEnv } from "../env.ts";
import { frameOf, renderPage } from "../middleware.tsx";
import { overdueSince, ticketRowsOf } from "../ticket-rows.ts";
import { TicketPage } from "../views/ticket.tsx";
import type { TicketFormId } from "../views/ticket-forms.tsx";
import { type TicketFilterFields, TicketsPage } from "../views/tickets.tsx";
import { pageOf, pageSize } from "./paging.ts";

const notices = ["replied", "secondChanceTaken"] as const;

export function registerTicketPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/tickets", async (c) => {
    const services = c.get("services");
    const merchantId = c.get("session").merchant.id;
    const query = (name: string) => c.req.query(name)?.trim() ?? "";
    const fields: TicketFilterFields = { status: query("status"), type: query("type") };
    const cursor = query("cursor");
    const filter: TicketFilter = {};
    const status = ticketStatuses.find((known) => known === fields.status);
    if (status) {
      filter.status = status;
    }
    const type = ticketTypes.find((known) => known === fields.type);
    if (type) {
      filter.type = type;
    }
    const rows = await services.tickets.list(merchantId, filter, {
      limit: pageSize + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const { page, firstHref, nextHref } = pageOf(c, "/dashboard/tickets", rows, cursor);
    return renderPage(
      c,
      <TicketsPage
        frame={frameOf(c)}
        fields={fields}
        rows={await ticketRowsOf(services, merchantId, page)}
        now={services.now()}
        firstHref={firstHref}
        nextHref={nextHref}
      />,
    );
  });

  dashboard.get("/tickets/:id", (c) => {
    const asked = c.req.query("notice");
    const notice = notices.find((known) => known === asked);
    return showTicket(c, notice ? { kind: "ok", text: c.var.t.tickets[notice] } : undefined);
  });
}

/** One ticket's page, with a notice and, after a refused form, that form as it was sent. */
export async function showTicket(
  c: Context<DashboardEnv>,
  notice: { kind: "ok" | "error"; text: string } | undefined,
  status = 200,
  typed?: { form: TicketFormId; fields: Record<string, string> },
): Promise<Response> {
  const services = c.get("services");
  const id = c.req.param("id") ?? "";
  // Another merchant's ticket (or none) is not found: the not-found page.
  const ticket = await services.tickets.get(c.get("session").merchant.id, id);
  const shipment = await services.shipments.get(c.get("session").merchant.id, ticket.shipmentId);
  const rules = services.obligations;
  return renderPage(
    c,
    <TicketPage
      frame={frameOf(c, `/dashboard/tickets/${encodeURIComponent(id)}`)}
      ticket={ticket}
      shipment={shipment}
      next={nextDeadline(ticket, shipment, rules)}
      overdueSince={overdueSince(ticket)}
      now={services.now()}
      reasons={rules.reasons}
      shipLaterMaxDays={shipLaterMaxDaysFor(shipment.category, rules)}
      {...(notice ? { notice } : {})}
      {...(typed ? { typed } : {})}
    />,
    status,
  );
}
