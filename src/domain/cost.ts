/**
 * Who pays for an interception (DOMAIN.md, seed 003):
 * - a return for a merchant on the platform's pickup service is free (the platform pays);
 * - otherwise the merchant pays the return freight on delivery, settled offline with the outlet;
 * - an order's first `freeRedirectsPerOrder` redirects, across its parcels and carriers, are paid
 *   by the platform, later ones by the merchant (settled offline);
 * - a redirect that fails or is withdrawn gives its free redirect back (the order's next redirect
 *   is free again, even while a paid one is under way) and charges nothing;
 * - a lock (parcel not yet collected) costs nothing.
 */
import type { Cost } from "../../contracts/interception.ts";
import type { Action, InterceptionStatus } from "../../contracts/normalized.ts";
import type { CarrierRules } from "./rules.ts";

export interface CostInput {
  action: Action;
  pickupService: boolean;
  /** The order's other redirects that hold a free one (see `holdsFreeRedirect`). */
  orderRedirects: number;
  locked: boolean;
  rules: CarrierRules;
}

/** Nobody pays anything: a lock, or a redirect that failed or was withdrawn. */
export function noCharge(): Cost {
  return { payer: "none", mode: "none", quoted: null, final: null, settlement: "none" };
}

/**
 * Whether an interception reaching `status` charges nothing any more: a redirect that failed or
 * was withdrawn. A failed return keeps its cost: the buyer is asked to refuse delivery, so the
 * parcel may still come back with its freight collected on delivery.
 */
export function chargesNothingOnceIn(action: Action, status: InterceptionStatus): boolean {
  return action === "redirect" && (status === "failed" || status === "cancelled");
}

/**
 * Whether a redirect holds one of its order's free redirects: it was given one and has not
 * failed or been withdrawn (under way, or done). A paid redirect holds none, whatever its
 * status, so a free one that fails leaves the free redirect to the order's next one.
 */
export function holdsFreeRedirect(redirect: {
  status: InterceptionStatus;
  cost: Pick<Cost, "mode">;
}): boolean {
  return (
    redirect.cost.mode === "free_redirect" && !chargesNothingOnceIn("redirect", redirect.status)
  );
}

/** Decides payer, mode and settlement before any carrier call; fees are filled in later. */
export function attributeCost(input: CostInput): Cost {
  if (input.locked) {
    return noCharge();
  }
  if (input.action === "redirect") {
    if (input.orderRedirects < input.rules.freeRedirectsPerOrder) {
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
