/** Shared builders for the shipping-obligation rule tests. */
import { expect } from "vitest";
import type { Refusal } from "../../../src/domain/obligations/decision.ts";
import { defaultObligationRules } from "../../../src/domain/obligations/rules.ts";
import type { ShipmentFacts } from "../../../src/domain/obligations/shipment-facts.ts";
import {
  openTicket,
  type Ticket,
  type TicketType,
} from "../../../src/domain/obligations/tickets.ts";

export const rules = defaultObligationRules;
export const hour = 3_600_000;
export const day = 24 * hour;

/** 2026-12-01 10:00 China time. */
export const t0 = "2026-12-01T02:00:00.000Z";

export function plus(at: string, ms: number): string {
  return new Date(Date.parse(at) + ms).toISOString();
}

export function at(iso: string): Date {
  return new Date(iso);
}

export function shipment(overrides: Partial<ShipmentFacts> = {}): ShipmentFacts {
  return {
    status: "awaiting_shipment",
    category: "apparel",
    shipBy: "2026-12-03T15:59:59.000Z",
    shippedAt: null,
    collectedAt: null,
    refundedAt: null,
    ...overrides,
  };
}

export function shipped(shippedAt = plus(t0, -hour), overrides: Partial<ShipmentFacts> = {}) {
  return shipment({ status: "shipped", shippedAt, ...overrides });
}

/** The change of an accepted act; fails the test on a refusal. */
export function accepted<T extends { ok: true }>(result: T | Refusal): T {
  if (!result.ok) {
    throw new Error(`refused: ${result.rule}: ${result.message}`);
  }
  return result;
}

/** The refusal; fails the test when the act was accepted. */
export function refused(result: { ok: boolean } | Refusal): Refusal {
  expect(result.ok).toBe(false);
  return result as Refusal;
}

/** A ticket opened at `t0` for this shipment (which must allow it). */
export function opened(type: TicketType, facts: ShipmentFacts): Ticket {
  return accepted(openTicket({ type, openedAt: t0 }, facts, [], at(t0), rules)).ticket;
}
