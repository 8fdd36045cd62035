/**
 * Legend: SF route `opCode` → ParcelState, and which codes decide an interception outcome.
 *
 * No authoritative SF opCode table was found (carrier-wire-formats.md §1.7). Each entry says
 * where it comes from:
 * - sourced: named with a meaning in a cited integration (ExpressConstants.java, sample data);
 * - weak: one unrelated webhook lists it;
 * - ASSUMED: our reading, to be checked against real route data.
 * Unlisted codes map to nothing; tracking uses the latest *listed* code.
 */
import type { ParcelState } from "../../contracts/normalized.ts";

export interface OpCodeMeaning {
  state: ParcelState;
  /** What this route says about a pending interception; null = decides nothing. */
  outcome: "succeeded" | "failed" | null;
  source: "sourced" | "weak" | "assumed";
  label: string;
}

export const sfOpCodes: Record<string, OpCodeMeaning> = {
  /** 顺丰已收件, picked up (sourced: ExpressConstants SF_STATUS_50, route-push samples). */
  "50": { state: "in_transit", outcome: null, source: "sourced", label: "picked up" },
  /** 已收取快件, collected (sourced: honghua-kd sample data). */
  "54": { state: "in_transit", outcome: null, source: "sourced", label: "collected" },
  /** Sorted, dispatching (sourced: sample remark). */
  "30": { state: "in_transit", outcome: null, source: "sourced", label: "sorted" },
  /** Arrived at hub (sourced: sample remark). */
  "31": { state: "in_transit", outcome: null, source: "sourced", label: "arrived at hub" },
  /** Left for the next hub (sourced: sample remark). */
  "36": { state: "in_transit", outcome: null, source: "sourced", label: "left hub" },
  /** Sent to outlet (sourced: sample remark). */
  "407": { state: "in_transit", outcome: null, source: "sourced", label: "sent to outlet" },
  /** In transit (sourced: sample remark). */
  "501": { state: "in_transit", outcome: null, source: "sourced", label: "in transit" },
  /** 已到达目的地网点，即将派件 (sourced: ExpressConstants). */
  "130": {
    state: "at_delivery_station",
    outcome: null,
    source: "sourced",
    label: "at destination station",
  },
  /** 派送中, out for delivery (weak: one webhook lists it among shipping codes). */
  "44": { state: "out_for_delivery", outcome: null, source: "weak", label: "out for delivery" },
  /**
   * 已签收, delivered (sourced). Outcome ASSUMED: a delivered parcel means a pending
   * interception failed, because the parcel kept going.
   */
  "80": { state: "delivered", outcome: "failed", source: "sourced", label: "delivered" },
  /**
   * 快件已退回, returned (sourced: ExpressConstants). Outcome ASSUMED: the return instruction
   * (intercept) succeeded.
   */
  "631": { state: "returned", outcome: "succeeded", source: "sourced", label: "returned" },
  /**
   * ASSUMED: 转寄 done, the parcel is on its way to the new address (listed by ExpressConstants
   * without a meaning; research suggests 631/648/99 for return/redirect). Redirect succeeded.
   */
  "648": { state: "in_transit", outcome: "succeeded", source: "assumed", label: "redirected" },
};

/** The route's meaning, or undefined for a code the legend does not list. */
export function meaningOfOpCode(opCode: string): OpCodeMeaning | undefined {
  return Object.hasOwn(sfOpCodes, opCode) ? sfOpCodes[opCode] : undefined;
}
