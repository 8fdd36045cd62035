import { describe, expect, it } from "vitest";
import { replyToTicket } from "../../../src/domain/obligations/ticket-replies.ts";
import { advanceTicket, nextDeadline } from "../../../src/domain/obligations/ticket-timeline.ts";
import { accepted, at, day, hour, opened, plus, refused, rules, shipped, t0 } from "./fixtures.ts";

// Seed 001: 24 h to have the parcel collected, refund, or reply; else overdue (complaint).
const facts = shipped();
const ticket = opened("urge_collection", facts);
const dueAt = plus(t0, day);

describe("urge-collection: what it waits for", () => {
  it("waits for the merchant until dueAt = openedAt + 24 h", () => {
    expect(nextDeadline(ticket, facts, rules)).toEqual({ kind: "reply_due", at: dueAt });
  });

  it.each([
    [plus(dueAt, -1), "awaiting_merchant", []],
    [dueAt, "overdue", ["overdue"]],
  ])("at %s it is %s", (now, status, events) => {
    const advanced = advanceTicket(ticket, facts, at(now), rules);
    expect(advanced.ticket.status).toBe(status);
    expect(advanced.events.map((event) => event.type)).toEqual(events);
    expect(advanced.events.every((event) => event.at === dueAt)).toBe(true);
    // Idempotent: the scheduler's job and a request may both advance it.
    expect(advanceTicket(advanced.ticket, facts, at(now), rules).events).toEqual([]);
  });

  it("overdue waits for nothing more by itself", () => {
    const overdue = advanceTicket(ticket, facts, at(dueAt), rules).ticket;
    expect(nextDeadline(overdue, facts, rules)).toBeNull();
  });
});

describe("urge-collection: resolved by whichever comes first", () => {
  it.each([
    // Collected a millisecond before dueAt: resolved, never overdue.
    [{ status: "collected" as const, collectedAt: plus(dueAt, -1) }, "collected", ["resolved"]],
    // Collected at dueAt itself: the deadline came first.
    [{ status: "collected" as const, collectedAt: dueAt }, "collected", ["overdue", "resolved"]],
    [
      { status: "collected" as const, collectedAt: plus(dueAt, hour) },
      "collected",
      ["overdue", "resolved"],
    ],
    [{ status: "refunded" as const, refundedAt: plus(t0, hour) }, "refunded", ["resolved"]],
    [
      { status: "refunded" as const, refundedAt: plus(dueAt, hour) },
      "refunded",
      ["overdue", "resolved"],
    ],
  ])("%o → resolved %s", (change, resolution, events) => {
    // Reported late: the scheduler did not run in between, the order of events is still right.
    const now = at(plus(dueAt, 2 * hour));
    const advanced = advanceTicket(ticket, { ...facts, ...change }, now, rules);
    expect(advanced.ticket).toMatchObject({ status: "resolved", resolution });
    expect(advanced.events.map((event) => event.type)).toEqual(events);
  });

  it.each([
    [{ kind: "changed_waybill" as const, message: "new label", trackingNumber: "SF2" }, true],
    [{ kind: "contacted_buyer" as const, message: "called them" }, false],
    [{ kind: "other" as const, message: "courier comes at 5" }, false],
  ])("a reply %o resolves it as replied", (reply, repoints) => {
    const result = accepted(replyToTicket(ticket, facts, reply, at(plus(dueAt, -1)), rules));
    expect(result.ticket).toMatchObject({ status: "resolved", resolution: "replied" });
    expect(result.ticket.replies).toEqual([{ ...reply, at: plus(dueAt, -1) }]);
    expect(result.events.map((event) => event.type)).toEqual(["replied", "resolved"]);
    expect(result.shipment).toEqual(repoints ? { trackingNumber: "SF2" } : undefined);
  });
});

describe("urge-collection: replies refused", () => {
  const on = at(plus(t0, hour));
  it.each([
    [
      { kind: "changed_waybill" as const, message: "new label" },
      "trackingNumber",
      "tracking_number_required",
    ],
    [
      { kind: "changed_waybill" as const, message: "x", trackingNumber: " " },
      "trackingNumber",
      "tracking_number_required",
    ],
    [{ kind: "contacted_buyer" as const, message: "  " }, "message", "message_required"],
    [{ kind: "other" as const }, "message", "message_required"],
    [
      { kind: "ship_later" as const, reason: "other", shipDate: "2026-12-05" },
      "kind",
      "reply_kind_not_allowed",
    ],
    [{ kind: "shipped" as const }, "kind", "reply_kind_not_allowed"],
  ])("%o: 422 at %s (%s)", (reply, path, rule) => {
    expect(refused(replyToTicket(ticket, facts, reply, on, rules))).toMatchObject({
      code: "validation_failed",
      path,
      rule,
    });
  });

  it("at dueAt the reply window has closed", () => {
    const reply = { kind: "other" as const, message: "late" };
    expect(refused(replyToTicket(ticket, facts, reply, at(dueAt), rules))).toMatchObject({
      code: "invalid_transition",
      rule: "reply_window_closed",
    });
  });

  it("a resolved ticket takes no reply", () => {
    const first = accepted(
      replyToTicket(ticket, facts, { kind: "other", message: "done" }, on, rules),
    ).ticket;
    expect(
      refused(replyToTicket(first, facts, { kind: "other", message: "again" }, on, rules)),
    ).toMatchObject({ code: "invalid_transition", rule: "ticket_not_awaiting_reply" });
    // The parcel collected meanwhile: the ticket is resolved before the reply is read.
    const collected = { ...facts, status: "collected" as const, collectedAt: plus(t0, 1) };
    expect(
      refused(replyToTicket(ticket, collected, { kind: "other", message: "x" }, on, rules)),
    ).toMatchObject({ rule: "ticket_not_awaiting_reply" });
  });
});
