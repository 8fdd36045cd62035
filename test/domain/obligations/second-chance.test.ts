import { describe, expect, it } from "vitest";
import {
  answerAsBuyer,
  type SecondChanceRequest,
  takeSecondChance,
} from "../../../src/domain/obligations/ticket-follow-ups.ts";
import { replyToTicket } from "../../../src/domain/obligations/ticket-replies.ts";
import { advanceTicket } from "../../../src/domain/obligations/ticket-timeline.ts";
import type { Ticket } from "../../../src/domain/obligations/tickets.ts";
import {
  accepted,
  at,
  day,
  hour,
  opened,
  plus,
  refused,
  rules,
  shipment,
  shipped,
  t0,
} from "./fixtures.ts";

// Seed 004: after ship_later, a merchant that still cannot ship may compensate (resolved, no
// fault) or show the buyer caused it (platform review).
const waiting = shipment();
const fresh = opened("urge_shipment", waiting);
const later = { kind: "ship_later" as const, reason: "production_delay", shipDate: "2026-12-05" };
const awaitingBuyer = accepted(
  replyToTicket(fresh, waiting, later, at(plus(t0, hour)), rules),
).ticket;
const awaitingShipment = accepted(
  answerAsBuyer(awaitingBuyer, waiting, true, at(plus(t0, 2 * hour)), rules),
).ticket;
const rejected = accepted(
  answerAsBuyer(awaitingBuyer, waiting, false, at(plus(t0, 2 * hour)), rules),
).ticket;
const missedDate = advanceTicket(
  awaitingShipment,
  waiting,
  at("2026-12-06T00:00:00.000Z"),
  rules,
).ticket;
const cannotShip = accepted(
  replyToTicket(fresh, waiting, { kind: "cannot_ship", reason: "other" }, at(t0), rules),
).ticket;
const collectionTicket = opened("urge_collection", shipped());

const compensate: SecondChanceRequest = {
  kind: "compensate",
  amount: { amount: "20.00", currency: "CNY" },
};
const buyerCaused: SecondChanceRequest = {
  kind: "buyer_caused",
  evidence: "Chat log: https://example.com/chat/1 — the buyer asked to hold the order.",
};
const now = at("2026-12-06T01:00:00.000Z");

describe("the second chance, after ship_later while unresolved", () => {
  it.each<[string, Ticket]>([
    ["awaiting the buyer", awaitingBuyer],
    ["awaiting shipment", awaitingShipment],
    ["overdue after the buyer rejected", rejected],
    ["overdue after the promised date passed", missedDate],
  ])("%s: compensate resolves it as compensated", (_, ticket) => {
    const result = accepted(takeSecondChance(ticket, waiting, compensate, now, rules));
    expect(result.ticket).toMatchObject({
      status: "resolved",
      resolution: "compensated",
      secondChance: { ...compensate, at: now.toISOString() },
    });
    expect(result.events.slice(-2).map((event) => event.type)).toEqual([
      "second_chance",
      "resolved",
    ]);
  });

  it.each<[string, Ticket]>([
    ["awaiting shipment", awaitingShipment],
    ["overdue after the promised date passed", missedDate],
  ])("%s: buyer_caused with evidence goes under review", (_, ticket) => {
    const result = accepted(takeSecondChance(ticket, waiting, buyerCaused, now, rules));
    expect(result.ticket).toMatchObject({
      status: "under_review",
      resolution: null,
      secondChance: { ...buyerCaused, at: now.toISOString() },
    });
    // Under review waits for the platform; a refund still ends it.
    const refunded = {
      ...waiting,
      status: "refunded" as const,
      refundedAt: plus(now.toISOString(), hour),
    };
    expect(
      advanceTicket(result.ticket, refunded, at(plus(now.toISOString(), day)), rules).ticket,
    ).toMatchObject({
      status: "resolved",
      resolution: "refunded",
    });
  });

  it("the missed date's overdue is recorded before the second chance", () => {
    const result = accepted(takeSecondChance(awaitingShipment, waiting, compensate, now, rules));
    expect(result.events.map((event) => event.type)).toEqual([
      "overdue",
      "second_chance",
      "resolved",
    ]);
    expect(result.events[0]?.at).toBe("2026-12-05T15:59:59.000Z");
  });

  it.each<[string, Ticket, string]>([
    ["awaiting the merchant's reply", fresh, "second_chance_needs_ship_later"],
    ["overdue after cannot_ship", cannotShip, "second_chance_needs_ship_later"],
    ["an urge-collection ticket", collectionTicket, "second_chance_needs_ship_later"],
  ])("%s: refused (%s)", (_, ticket, rule) => {
    const facts = ticket.type === "urge_collection" ? shipped() : waiting;
    expect(
      refused(takeSecondChance(ticket, facts, compensate, at(plus(t0, hour)), rules)),
    ).toMatchObject({
      code: "invalid_transition",
      rule,
    });
  });

  it("only once: a resolved or under-review ticket takes no second chance", () => {
    const compensated = accepted(
      takeSecondChance(awaitingShipment, waiting, compensate, now, rules),
    ).ticket;
    const reviewed = accepted(
      takeSecondChance(awaitingShipment, waiting, buyerCaused, now, rules),
    ).ticket;
    for (const ticket of [compensated, reviewed]) {
      for (const request of [compensate, buyerCaused]) {
        expect(refused(takeSecondChance(ticket, waiting, request, now, rules))).toMatchObject({
          rule: "ticket_closed",
        });
      }
    }
    // Collected: resolved as collected, no second chance after it.
    const collected = shipment({
      status: "collected",
      shippedAt: plus(t0, 3 * hour),
      collectedAt: plus(t0, 4 * hour),
    });
    expect(
      refused(takeSecondChance(awaitingShipment, collected, compensate, now, rules)),
    ).toMatchObject({
      rule: "ticket_closed",
    });
  });

  it.each<[SecondChanceRequest, string, string]>([
    [
      { kind: "compensate", amount: { amount: "0.00", currency: "CNY" } },
      "amount",
      "amount_not_positive",
    ],
    [
      { kind: "compensate", amount: { amount: "-5.00", currency: "CNY" } },
      "amount",
      "amount_not_positive",
    ],
    [{ kind: "buyer_caused", evidence: "   " }, "evidence", "evidence_required"],
  ])("%o: 422 at %s", (request, path, rule) => {
    expect(refused(takeSecondChance(awaitingShipment, waiting, request, now, rules))).toMatchObject(
      {
        code: "validation_failed",
        path,
        rule,
      },
    );
  });

  it("the smallest amount is one fen", () => {
    const fen = { kind: "compensate" as const, amount: { amount: "0.01", currency: "CNY" } };
    expect(
      accepted(takeSecondChance(awaitingShipment, waiting, fen, now, rules)).ticket.resolution,
    ).toBe("compensated");
  });
});

describe("every change's events end in the status the ticket is left in", () => {
  it.each<[string, Ticket]>([
    ["awaiting the buyer", awaitingBuyer],
    ["awaiting shipment", awaitingShipment],
    ["rejected", rejected],
  ])("%s, then each second chance", (_, ticket) => {
    for (const request of [compensate, buyerCaused]) {
      const result = accepted(takeSecondChance(ticket, waiting, request, now, rules));
      expect(result.events.at(-1)?.status).toBe(result.ticket.status);
    }
    const refunded = { ...waiting, status: "refunded" as const, refundedAt: now.toISOString() };
    const late = advanceTicket(ticket, refunded, at("2026-12-09T00:00:00.000Z"), rules);
    expect(late.events.at(-1)?.status).toBe("resolved");
    expect(late.ticket.status).toBe("resolved");
  });
});
