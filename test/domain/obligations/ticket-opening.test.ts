import { describe, expect, it } from "vitest";
import type { ShipmentStatus } from "../../../src/domain/obligations/shipment-facts.ts";
import {
  collectByOf,
  openTicket,
  type TicketStatus,
  type TicketType,
} from "../../../src/domain/obligations/tickets.ts";
import { accepted, at, day, hour, plus, refused, rules, shipment, t0 } from "./fixtures.ts";

const now = at(t0);

describe("who may open which ticket when", () => {
  it.each<[TicketType, ShipmentStatus, string | null]>([
    ["urge_collection", "shipped", null],
    ["urge_collection", "awaiting_shipment", "shipment_not_shipped"],
    ["urge_collection", "collected", "shipment_not_shipped"],
    ["urge_collection", "refunded", "shipment_not_shipped"],
    ["urge_shipment", "awaiting_shipment", null],
    ["urge_shipment", "shipped", "shipment_not_awaiting_shipment"],
    ["urge_shipment", "collected", "shipment_not_awaiting_shipment"],
    ["urge_shipment", "refunded", "shipment_not_awaiting_shipment"],
  ])("%s on a %s shipment: %s", (type, status, rule) => {
    const result = openTicket({ type }, shipment({ status }), [], now, rules);
    if (rule === null) {
      expect(accepted(result).ticket).toEqual({
        type,
        status: "awaiting_merchant",
        openedAt: t0,
        dueAt: plus(t0, day),
        resolution: null,
        replies: [],
        buyerAnswer: null,
        secondChance: null,
      });
      expect(accepted(result).events).toEqual([
        {
          type: "opened",
          at: t0,
          status: "awaiting_merchant",
          detail: expect.stringContaining(plus(t0, day)),
        },
      ]);
    } else {
      expect(refused(result)).toMatchObject({ code: "invalid_transition", rule });
    }
  });

  it.each<[TicketType, TicketType, TicketStatus, string | null]>([
    // One open at a time, of each type; overdue and under review are still open.
    ["urge_collection", "urge_collection", "awaiting_merchant", "ticket_already_open"],
    ["urge_collection", "urge_collection", "overdue", "ticket_already_open"],
    ["urge_collection", "urge_collection", "resolved", null],
    ["urge_shipment", "urge_shipment", "awaiting_buyer", "ticket_already_open"],
    ["urge_shipment", "urge_shipment", "under_review", "ticket_already_open"],
    ["urge_shipment", "urge_shipment", "resolved", null],
    // Never an urge-collection after an urge-shipment, even a resolved one.
    ["urge_collection", "urge_shipment", "resolved", "after_urge_shipment"],
    ["urge_collection", "urge_shipment", "awaiting_shipment", "after_urge_shipment"],
  ])("%s after a %s ticket that is %s: %s", (type, earlierType, earlierStatus, rule) => {
    const facts = shipment({
      status: type === "urge_collection" ? "shipped" : "awaiting_shipment",
      shippedAt: type === "urge_collection" ? plus(t0, -hour) : null,
    });
    const result = openTicket(
      { type },
      facts,
      [{ type: earlierType, status: earlierStatus }],
      now,
      rules,
    );
    if (rule === null) {
      expect(accepted(result).ticket.status).toBe("awaiting_merchant");
    } else {
      expect(refused(result)).toMatchObject({ code: "invalid_transition", rule });
    }
  });

  it("takes openedAt from the storefront, but never in the future", () => {
    const facts = shipment();
    expect(
      refused(openTicket({ type: "urge_shipment", openedAt: plus(t0, 1) }, facts, [], now, rules)),
    ).toMatchObject({ code: "validation_failed", path: "openedAt", rule: "opened_at_in_future" });
    expect(
      refused(openTicket({ type: "urge_shipment", openedAt: "soon" }, facts, [], now, rules)),
    ).toMatchObject({ code: "validation_failed", path: "openedAt", rule: "invalid_time" });
    const late = accepted(
      openTicket(
        { type: "urge_shipment", openedAt: "2026-12-01T08:00:00+08:00" },
        facts,
        [],
        now,
        rules,
      ),
    );
    expect(late.ticket).toMatchObject({
      openedAt: "2026-12-01T00:00:00.000Z",
      dueAt: "2026-12-02T00:00:00.000Z",
    });
  });

  it.each([
    // dueAt = openedAt + 24 h; at dueAt itself the ticket is overdue (the first late instant).
    [day - 1, "awaiting_merchant", ["opened"]],
    [day, "overdue", ["opened", "overdue"]],
    [day + hour, "overdue", ["opened", "overdue"]],
  ])("relayed %i ms after the urge: %s at once", (ago, status, events) => {
    const openedAt = plus(t0, -ago);
    const result = accepted(
      openTicket({ type: "urge_shipment", openedAt }, shipment(), [], now, rules),
    );
    expect(result.ticket.status).toBe(status);
    expect(result.events.map((event) => event.type)).toEqual(events);
    if (status === "overdue") {
      expect(result.events[1]?.at).toBe(plus(openedAt, day));
    }
  });

  it("windows come from the rules", () => {
    const short = { ...rules, urgeCollectionWindowMs: hour, urgeShipmentReplyWindowMs: 2 * hour };
    const collection = openTicket(
      { type: "urge_collection" },
      shipment({ status: "shipped" }),
      [],
      now,
      short,
    );
    const shipping = openTicket({ type: "urge_shipment" }, shipment(), [], now, short);
    expect(accepted(collection).ticket.dueAt).toBe(plus(t0, hour));
    expect(accepted(shipping).ticket.dueAt).toBe(plus(t0, 2 * hour));
  });
});

describe("collectBy: 24 h after shipping, for a shipment that had an urge-shipment ticket", () => {
  it.each([
    [true, t0, plus(t0, day)],
    [true, null, null],
    [false, t0, null],
  ])("had one: %s, shipped at %s → %s", (hadUrgeShipment, shippedAt, collectBy) => {
    expect(collectByOf({ shippedAt }, hadUrgeShipment, rules)).toBe(collectBy);
  });
});
