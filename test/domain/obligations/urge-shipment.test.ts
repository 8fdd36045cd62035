import { describe, expect, it } from "vitest";
import type { ShipmentFacts } from "../../../src/domain/obligations/shipment-facts.ts";
import { answerAsBuyer } from "../../../src/domain/obligations/ticket-follow-ups.ts";
import {
  type ReplyRequest,
  replyToTicket,
} from "../../../src/domain/obligations/ticket-replies.ts";
import { advanceTicket, nextDeadline } from "../../../src/domain/obligations/ticket-timeline.ts";
import type { Ticket } from "../../../src/domain/obligations/tickets.ts";
import { accepted, at, day, hour, opened, plus, refused, rules, shipment, t0 } from "./fixtures.ts";

const waiting = shipment();
const ticket = opened("urge_shipment", waiting);
const dueAt = plus(t0, day);

function shipLater(shipDate: string, facts: ShipmentFacts = waiting, now = plus(t0, hour)) {
  return replyToTicket(
    opened("urge_shipment", facts),
    facts,
    { kind: "ship_later", reason: "out_of_stock", shipDate },
    at(now),
    rules,
  );
}

describe("ship_later: a date at most 30 days after the reply (15 for fresh), not past", () => {
  // The reply is made on 2026-12-01 in China (t0 + 1 h is 11:00 China time).
  it.each([
    ["apparel", "2026-12-31", null], // 30 days
    ["apparel", "2027-01-01", "ship_date_too_late"], // 31
    ["fresh", "2026-12-16", null], // 15
    ["fresh", "2026-12-17", "ship_date_too_late"], // 16
    [" Fresh ", "2026-12-17", "ship_date_too_late"],
    ["apparel", "2026-12-01", null], // today in China: its 23:59:59 is ahead
    ["apparel", "2026-11-30", "ship_date_in_past"],
    ["apparel", "2026-02-30", "invalid_date"],
    ["apparel", "2026-12-5", "invalid_date"],
    ["apparel", "5 Dec 2026", "invalid_date"],
  ])("category %j, shipDate %s: %s", (category, shipDate, rule) => {
    const result = shipLater(shipDate, shipment({ category }));
    if (rule === null) {
      expect(accepted(result).ticket.status).toBe("awaiting_buyer");
    } else {
      expect(refused(result)).toMatchObject({ code: "validation_failed", path: "shipDate", rule });
    }
  });

  it.each([
    // 00:30 on 12-02 in China is still 12-01 in UTC: days count from China's date.
    ["2026-12-01T16:30:00.000Z", "2026-12-01", "ship_date_in_past"],
    ["2026-12-01T16:30:00.000Z", "2026-12-02", null],
    ["2026-12-01T16:30:00.000Z", "2027-01-01", null], // 30 days after 12-02
    ["2026-12-01T16:30:00.000Z", "2027-01-02", "ship_date_too_late"],
    // 23:59:59 China time on 12-01 is still 12-01.
    ["2026-12-01T15:59:59.000Z", "2026-12-01", null],
    ["2026-12-01T15:59:59.000Z", "2026-12-31", null],
    ["2026-12-01T15:59:59.000Z", "2027-01-01", "ship_date_too_late"],
    // Leap year: 30 days after 2028-02-01 is 2028-03-02.
    ["2028-02-01T02:00:00.000Z", "2028-03-02", null],
    ["2028-02-01T02:00:00.000Z", "2028-03-03", "ship_date_too_late"],
    ["2028-02-01T02:00:00.000Z", "2028-02-29", null],
    // Month ends: 30 days after 01-31 is 03-02 (2026 has no 02-29).
    ["2026-01-31T02:00:00.000Z", "2026-03-02", null],
    ["2026-01-31T02:00:00.000Z", "2026-03-03", "ship_date_too_late"],
    ["2026-01-31T02:00:00.000Z", "2026-02-29", "invalid_date"],
  ])("replied at %s, shipDate %s: %s", (now, shipDate, rule) => {
    const result = openAndReply(shipment(), now, { kind: "ship_later", reason: "other", shipDate });
    if (rule === null) {
      expect(accepted(result).ticket.replies[0]).toMatchObject({ kind: "ship_later", shipDate });
    } else {
      expect(refused(result)).toMatchObject({ code: "validation_failed", path: "shipDate", rule });
    }
  });

  it("the fresh limit applies to the categories the rules name", () => {
    const facts = shipment({ category: "seafood" });
    const seafood = { ...rules, freshCategories: ["seafood"] };
    const ticketNow = opened("urge_shipment", facts);
    const reply = { kind: "ship_later" as const, reason: "other", shipDate: "2026-12-17" };
    expect(refused(replyToTicket(ticketNow, facts, reply, at(t0), seafood))).toMatchObject({
      rule: "ship_date_too_late",
    });
    expect(accepted(replyToTicket(ticketNow, facts, reply, at(t0), rules)).ok).toBe(true);
  });
});

/** Replies at `now` to a ticket opened a minute before, so the reply is in time. */
function openAndReply(facts: ShipmentFacts, now: string, reply: ReplyRequest) {
  return replyToTicket(
    { ...ticket, openedAt: plus(now, -60_000), dueAt: plus(now, day - 60_000) },
    facts,
    reply,
    at(now),
    rules,
  );
}

describe("urge-shipment replies: reasons, kinds and the shipment's state", () => {
  const now = at(plus(t0, hour));
  it.each<[ReplyRequest, string, string]>([
    [{ kind: "ship_later", shipDate: "2026-12-05" }, "reason", "invalid_reason"],
    [{ kind: "ship_later", reason: "weather", shipDate: "2026-12-05" }, "reason", "invalid_reason"],
    [{ kind: "cannot_ship" }, "reason", "invalid_reason"],
    [{ kind: "ship_later", reason: "other" }, "shipDate", "invalid_date"],
    [
      { kind: "changed_waybill", message: "x", trackingNumber: "SF2" },
      "kind",
      "reply_kind_not_allowed",
    ],
    [{ kind: "contacted_buyer", message: "x" }, "kind", "reply_kind_not_allowed"],
  ])("%o: 422 at %s (%s)", (reply, path, rule) => {
    expect(refused(replyToTicket(ticket, waiting, reply, now, rules))).toMatchObject({
      code: "validation_failed",
      path,
      rule,
    });
  });

  it("offers only the reasons the rules list", () => {
    const fewer = { ...rules, reasons: ["out_of_stock" as const] };
    const reply = { kind: "cannot_ship" as const, reason: "other" };
    expect(refused(replyToTicket(ticket, waiting, reply, now, fewer))).toMatchObject({
      rule: "invalid_reason",
      message: "reason must be one of out_of_stock.",
    });
  });

  it.each([
    "out_of_stock",
    "production_delay",
    "logistics_delay",
    "buyer_requested",
    "address_problem",
    "other",
  ])("reason %s is on the list", (reason) => {
    const reply = { kind: "cannot_ship" as const, reason };
    expect(accepted(replyToTicket(ticket, waiting, reply, now, rules)).ticket.replies[0]).toEqual({
      kind: "cannot_ship",
      reason,
      at: now.toISOString(),
    });
  });

  it("ship_later and cannot_ship are for a shipment not yet shipped; shipped for a shipped one", () => {
    const sent = shipment({ status: "shipped", shippedAt: plus(t0, 30 * 60_000) });
    for (const reply of [
      { kind: "ship_later" as const, reason: "other", shipDate: "2026-12-05" },
      { kind: "cannot_ship" as const, reason: "other" },
    ]) {
      expect(refused(replyToTicket(ticket, sent, reply, now, rules))).toMatchObject({
        code: "invalid_transition",
        rule: "shipment_not_awaiting_shipment",
      });
    }
    expect(refused(replyToTicket(ticket, waiting, { kind: "shipped" }, now, rules))).toMatchObject({
      code: "invalid_transition",
      rule: "shipment_not_shipped",
    });
  });

  it("the reply is due before dueAt", () => {
    const reply = { kind: "cannot_ship" as const, reason: "other" };
    expect(accepted(replyToTicket(ticket, waiting, reply, at(plus(dueAt, -1)), rules)).ok).toBe(
      true,
    );
    expect(refused(replyToTicket(ticket, waiting, reply, at(dueAt), rules))).toMatchObject({
      rule: "reply_window_closed",
    });
  });
});

describe("urge-shipment: overdue as the platform's complaint", () => {
  it("no reply by dueAt: overdue at dueAt", () => {
    expect(nextDeadline(ticket, waiting, rules)).toEqual({ kind: "reply_due", at: dueAt });
    expect(advanceTicket(ticket, waiting, at(plus(dueAt, -1)), rules).ticket.status).toBe(
      "awaiting_merchant",
    );
    const late = advanceTicket(ticket, waiting, at(dueAt), rules);
    expect(late.ticket.status).toBe("overdue");
    expect(late.events).toEqual([
      { type: "overdue", at: dueAt, status: "overdue", detail: expect.any(String) },
    ]);
  });

  it("cannot_ship: overdue at once, and still open until shipped and collected or refunded", () => {
    const now = at(plus(t0, hour));
    const reply = { kind: "cannot_ship" as const, reason: "out_of_stock" };
    const result = accepted(replyToTicket(ticket, waiting, reply, now, rules));
    expect(result.ticket).toMatchObject({ status: "overdue", resolution: null });
    expect(result.events.map((event) => event.type)).toEqual(["replied", "overdue"]);
    const refunded = { ...waiting, status: "refunded" as const, refundedAt: plus(t0, 2 * hour) };
    expect(
      advanceTicket(result.ticket, refunded, at(plus(t0, 3 * hour)), rules).ticket,
    ).toMatchObject({ status: "resolved", resolution: "refunded" });
  });

  it("shipped without a reply is still overdue at dueAt, unless collected before it", () => {
    const sent = shipment({ status: "shipped", shippedAt: plus(t0, hour) });
    expect(advanceTicket(ticket, sent, at(dueAt), rules).ticket.status).toBe("overdue");
    const collected = { ...sent, status: "collected" as const, collectedAt: plus(dueAt, -1) };
    expect(advanceTicket(ticket, collected, at(dueAt), rules).ticket).toMatchObject({
      status: "resolved",
      resolution: "collected",
    });
  });
});

describe("shipped: collection due within 24 h of shipping (collectBy)", () => {
  const shippedAt = plus(t0, 2 * hour);
  const sent = shipment({ status: "shipped", shippedAt });
  const collectBy = plus(shippedAt, day);
  const replied = accepted(
    replyToTicket(ticket, sent, { kind: "shipped" }, at(plus(t0, 3 * hour)), rules),
  ).ticket;

  it("waits for the collection until collectBy", () => {
    expect(replied.status).toBe("awaiting_shipment");
    expect(nextDeadline(replied, sent, rules)).toEqual({ kind: "collect_by", at: collectBy });
  });

  it.each<[Partial<ShipmentFacts>, string, string[]]>([
    [{}, "awaiting_shipment", []],
    [{ status: "collected", collectedAt: plus(collectBy, -1) }, "resolved", ["resolved"]],
    [{ status: "collected", collectedAt: collectBy }, "resolved", ["overdue", "resolved"]],
  ])("%o, just before collectBy and after: %s", (change, status, events) => {
    const facts = { ...sent, ...change };
    const advanced = advanceTicket(replied, facts, at(plus(collectBy, -1)), rules);
    if (change.status === undefined) {
      expect(advanced.ticket.status).toBe(status);
      expect(advanceTicket(replied, facts, at(collectBy), rules).ticket.status).toBe("overdue");
    } else {
      const later = advanceTicket(replied, facts, at(plus(collectBy, hour)), rules);
      expect(later.ticket.status).toBe(status);
      expect(later.events.map((event) => event.type)).toEqual(events);
    }
  });

  it("a shipment reported shipped long ago is already overdue: the reply comes too late", () => {
    // The storefront backdated shippedAt: collection was due before the reply.
    const early = shipment({ status: "shipped", shippedAt: plus(t0, -2 * day) });
    const now = at(plus(t0, hour));
    expect(advanceTicket(ticket, early, now, rules).ticket.status).toBe("overdue");
    expect(refused(replyToTicket(ticket, early, { kind: "shipped" }, now, rules))).toMatchObject({
      rule: "ticket_not_awaiting_reply",
    });
  });
});

describe("ship_later: the buyer's answer, silence counting as accepted", () => {
  const repliedAt = plus(t0, hour);
  const waitingBuyer = accepted(shipLater("2026-12-05")).ticket;
  const answerDue = plus(repliedAt, day);
  const shipDateEnd = "2026-12-05T15:59:59.000Z";

  it("waits for the buyer 24 h after the reply", () => {
    expect(waitingBuyer.status).toBe("awaiting_buyer");
    expect(nextDeadline(waitingBuyer, waiting, rules)).toEqual({
      kind: "answer_due",
      at: answerDue,
    });
  });

  it("never past the end of the promised date", () => {
    const today = accepted(shipLater("2026-12-01")).ticket;
    expect(nextDeadline(today, waiting, rules)).toEqual({
      kind: "answer_due",
      at: "2026-12-01T15:59:59.000Z",
    });
  });

  it("accepted: waits for shipping by 23:59:59 China time of the date", () => {
    const result = accepted(
      answerAsBuyer(waitingBuyer, waiting, true, at(plus(answerDue, -1)), rules),
    );
    expect(result.ticket).toMatchObject({
      status: "awaiting_shipment",
      buyerAnswer: { accepted: true, bySilence: false, at: plus(answerDue, -1) },
    });
    expect(result.events.map((event) => event.type)).toEqual(["buyer_accepted"]);
    expect(nextDeadline(result.ticket, waiting, rules)).toEqual({
      kind: "ship_date_due",
      at: shipDateEnd,
    });
  });

  it("rejected: overdue", () => {
    const result = accepted(answerAsBuyer(waitingBuyer, waiting, false, at(repliedAt), rules));
    expect(result.ticket.status).toBe("overdue");
    expect(result.events.map((event) => event.type)).toEqual(["buyer_rejected", "overdue"]);
  });

  it("silent: accepted at the deadline, and the buyer's late answer is refused", () => {
    const silent = advanceTicket(waitingBuyer, waiting, at(answerDue), rules);
    expect(silent.ticket).toMatchObject({
      status: "awaiting_shipment",
      buyerAnswer: { accepted: true, bySilence: true, at: answerDue },
    });
    expect(silent.events.map((event) => event.type)).toEqual(["accepted_by_silence"]);
    expect(
      refused(answerAsBuyer(waitingBuyer, waiting, false, at(answerDue), rules)),
    ).toMatchObject({ code: "invalid_transition", rule: "answer_window_closed" });
  });

  it("a ticket not waiting for the buyer takes no answer", () => {
    expect(refused(answerAsBuyer(ticket, waiting, true, at(t0), rules))).toMatchObject({
      rule: "ticket_not_awaiting_buyer",
    });
  });

  describe("after the answer", () => {
    const agreed = advanceTicket(waitingBuyer, waiting, at(answerDue), rules).ticket;

    it.each<[string, Partial<ShipmentFacts>, string, string]>([
      [
        "not shipped, just before the end of the date",
        {},
        plus(shipDateEnd, -1),
        "awaiting_shipment",
      ],
      ["not shipped at 23:59:59 China time", {}, shipDateEnd, "overdue"],
      [
        "shipped in time, collection then due 24 h later",
        { status: "shipped", shippedAt: plus(shipDateEnd, -hour) },
        plus(shipDateEnd, 22 * hour),
        "awaiting_shipment",
      ],
      [
        "shipped in time, not collected 24 h later",
        { status: "shipped", shippedAt: plus(shipDateEnd, -hour) },
        plus(shipDateEnd, 23 * hour),
        "overdue",
      ],
      [
        "shipped at 23:59:59 China time: late",
        { status: "shipped", shippedAt: shipDateEnd },
        plus(shipDateEnd, hour),
        "overdue",
      ],
      [
        "shipped and collected in time",
        {
          status: "collected",
          shippedAt: plus(shipDateEnd, -hour),
          collectedAt: plus(shipDateEnd, hour),
        },
        plus(shipDateEnd, 2 * hour),
        "resolved",
      ],
      [
        "refunded",
        { status: "refunded", refundedAt: plus(answerDue, hour) },
        plus(shipDateEnd, hour),
        "resolved",
      ],
    ])("%s: %s", (_, change, now, status) => {
      expect(advanceTicket(agreed, { ...waiting, ...change }, at(now), rules).ticket.status).toBe(
        status,
      );
    });
  });
});

describe("advancing is idempotent and deadline-driven", () => {
  it("a ticket advanced to now changes no more at the same now", () => {
    const states: [Ticket, ShipmentFacts, string][] = [
      [ticket, waiting, plus(dueAt, hour)],
      [accepted(shipLater("2026-12-05")).ticket, waiting, "2026-12-06T00:00:00.000Z"],
    ];
    for (const [state, facts, now] of states) {
      const once = advanceTicket(state, facts, at(now), rules);
      expect(once.events.length).toBeGreaterThan(0);
      expect(advanceTicket(once.ticket, facts, at(now), rules)).toEqual({
        ticket: once.ticket,
        events: [],
      });
      expect(nextDeadline(once.ticket, facts, rules)).toBeNull();
    }
  });
});
