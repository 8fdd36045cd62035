/**
 * Who pays for an interception (DOMAIN.md, seed 003):
 * - a return for a merchant on the platform's pickup service is free (the platform pays);
 * - otherwise the merchant pays the return freight on delivery, settled offline with the outlet;
 * - a parcel's first `freeRedirectsPerParcel` redirects are paid by the platform, later ones by
 *   the merchant;
 * - a lock (parcel not yet collected) costs nothing.
 */
import type { Cost } from "../../contracts/interception.ts";
import type { Action } from "../../contracts/normalized.ts";
import type { CarrierRules } from "./rules.ts";

export interface CostInput {
  action: Action;
  pickupService: boolean;
  /** Redirects of this parcel that were accepted or are still under way. */
  earlierRedirects: number;
  locked: boolean;
  rules: CarrierRules;
}

/** Decides payer, mode and settlement before any carrier call; fees are filled in later. */
export function attributeCost(input: CostInput): Cost {
  if (input.locked) {
    return { payer: "none", mode: "none", quoted: null, final: null, settlement: "none" };
  }
  if (input.action === "redirect") {
    if (input.earlierRedirects < input.rules.freeRedirectsPerParcel) {
      return {
        payer: "platform",
        mode: "free_redirect",
        quoted: null,
        final: null,
        settlement: "none",
      };
    }
    return {
      payer: "merchant",
      mode: "paid_redirect",
      quoted: null,
      final: null,
      settlement: "offline",
    };
  }
  if (input.pickupService) {
    return {
      payer: "platform",
      mode: "free_return",
      quoted: null,
      final: null,
      settlement: "none",
    };
  }
  return {
    payer: "merchant",
    mode: "collect_on_delivery",
    quoted: null,
    final: null,
    settlement: "offline",
  };
}
