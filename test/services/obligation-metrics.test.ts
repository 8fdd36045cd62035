import { describe, expect, it } from "vitest";
import { replyToTicket } from "../../src/domain/obligations/ticket-replies.ts";
import { openTicket } from "../../src/domain/obligations/tickets.ts";
import { Metrics } from "../../src/metrics.ts";
import { countCollection, countTicketChange } from "../../src/services/obligation-metrics.ts";
import {
  accepted,
  at,
  day,
  hour,
  plus,
  rules,
  shipment,
  t0,
} from "../domain/obligations/fixtures.ts";

function series(metrics: Metrics, prefix: string): string[] {
  return metrics
    .render()
    .split("\n")
    .filter((line) => line.startsWith(prefix));
}

describe("shipping-obligation metrics", () => {
  it("counts each status a ticket reaches, even one passed on the way", () => {
    const metrics = new Metrics();
    // Relayed 25 h late: opened and overdue in one change.
    const late = accepted(
      openTicket(
        { type: "urge_shipment", openedAt: plus(t0, -day - hour) },
        shipment(),
        [],
        at(t0),
        rules,
      ),
    );
    countTicketChange(metrics, null, late);
    expect(series(metrics, "gateway_tickets_total")).toEqual([
      'gateway_tickets_total{type="urge_shipment",status="awaiting_merchant"} 1',
      'gateway_tickets_total{type="urge_shipment",status="overdue"} 1',
    ]);
  });

  it("observes the first reply's delay once, and counts no status twice", () => {
    const metrics = new Metrics();
    const opened = accepted(openTicket({ type: "urge_shipment" }, shipment(), [], at(t0), rules));
    countTicketChange(metrics, null, opened);
    const reply = { kind: "ship_later" as const, reason: "other", shipDate: "2026-12-05" };
    const replied = accepted(
      replyToTicket(opened.ticket, shipment(), reply, at(plus(t0, 2 * hour)), rules),
    );
    countTicketChange(metrics, opened.ticket, replied);
    // The same change counted against the ticket as it now stands: nothing new.
    countTicketChange(metrics, replied.ticket, { ticket: replied.ticket, events: [] });
    expect(series(metrics, "gateway_tickets_total")).toEqual([
      'gateway_tickets_total{type="urge_shipment",status="awaiting_merchant"} 1',
      'gateway_tickets_total{type="urge_shipment",status="awaiting_buyer"} 1',
    ]);
    expect(series(metrics, "gateway_ticket_first_reply_seconds_count")).toEqual([
      'gateway_ticket_first_reply_seconds_count{type="urge_shipment"} 1',
    ]);
    expect(series(metrics, "gateway_ticket_first_reply_seconds_sum")).toEqual([
      'gateway_ticket_first_reply_seconds_sum{type="urge_shipment"} 7200',
    ]);
  });

  it("counts collections on time against collectBy, else shipBy; the deadline itself is late", () => {
    const metrics = new Metrics();
    const shipBy = "2026-12-05T15:59:59.000Z";
    countCollection(metrics, { collectedAt: plus(shipBy, -1), shipBy, collectBy: null });
    countCollection(metrics, { collectedAt: shipBy, shipBy, collectBy: null });
    countCollection(metrics, {
      collectedAt: plus(shipBy, hour),
      shipBy,
      collectBy: plus(shipBy, 2 * hour),
    });
    expect(series(metrics, "gateway_shipment_collections_total")).toEqual([
      'gateway_shipment_collections_total{on_time="true"} 2',
      'gateway_shipment_collections_total{on_time="false"} 1',
    ]);
  });
});
