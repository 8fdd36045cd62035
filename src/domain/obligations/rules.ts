/**
 * The platform's shipping-obligation rules (seeds 001, 002, 004). They are data: the defaults
 * below, overridable from the environment at start (src/config.ts), never branches in code.
 */
import { z } from "zod";

/**
 * The reasons a merchant picks when it replies `ship_later` or `cannot_ship` to an urge-shipment
 * ticket (seed 004's structured reasons; the values are fixed by API.md). Configuration may offer
 * fewer of them, never others.
 */
export const replyReasons = [
  "out_of_stock",
  "production_delay",
  "logistics_delay",
  "buyer_requested",
  "address_problem",
  "other",
] as const;
export type ReplyReason = (typeof replyReasons)[number];

const windowMs = z.number().int().min(1);

export const ObligationRulesSchema = z.object({
  /** Seed 001: the merchant has 24 h from the buyer's urge to have the parcel collected, refund or reply. */
  urgeCollectionWindowMs: windowMs,
  /** Seed 004: the merchant replies to an urge-shipment ticket within 24 h. */
  urgeShipmentReplyWindowMs: windowMs,
  /**
   * After a `ship_later` reply, how long the buyer has to answer before silence counts as
   * accepted (seed 004: "消费者认可（或不操作）"). The seeds give no length; 24 h like every other
   * answer window, and never past the end of the promised ship date.
   */
  shipLaterAnswerWindowMs: windowMs,
  /** Seed 001: a shipment that had an urge-shipment ticket must be collected within 24 h of shipping. */
  collectAfterShipWindowMs: windowMs,
  /** Seed 002: the buyer confirms a proposed ship date within 24 h (or the shipping deadline, if earlier). */
  proposalAnswerWindowMs: windowMs,
  /** Seed 002: at most 3 ship-date proposals per shipment. */
  maxProposals: z.number().int().min(1),
  /** Seed 004: a `ship_later` date at most 30 days after the reply. */
  shipLaterMaxDays: z.number().int().min(1),
  /** Seed 004: 15 days for fresh goods. */
  shipLaterMaxDaysFresh: z.number().int().min(1),
  /** Shipment categories that count as fresh goods, matched case-insensitively after trimming. */
  freshCategories: z.array(z.string().trim().min(1)),
  /** The reasons offered (a subset of `replyReasons`). */
  reasons: z.array(z.enum(replyReasons)).min(1),
});
export type ObligationRules = z.infer<typeof ObligationRulesSchema>;

const hourMs = 3_600_000;

export const defaultObligationRules: ObligationRules = {
  urgeCollectionWindowMs: 24 * hourMs,
  urgeShipmentReplyWindowMs: 24 * hourMs,
  shipLaterAnswerWindowMs: 24 * hourMs,
  collectAfterShipWindowMs: 24 * hourMs,
  proposalAnswerWindowMs: 24 * hourMs,
  maxProposals: 3,
  shipLaterMaxDays: 30,
  shipLaterMaxDaysFresh: 15,
  freshCategories: ["fresh"],
  reasons: [...replyReasons],
};

/** The latest `ship_later` date, in days after the reply, for a shipment of this category. */
export function shipLaterMaxDaysFor(category: string, rules: ObligationRules): number {
  const normalized = category.trim().toLowerCase();
  const fresh = rules.freshCategories.some((each) => each.trim().toLowerCase() === normalized);
  return fresh ? rules.shipLaterMaxDaysFresh : rules.shipLaterMaxDays;
}
