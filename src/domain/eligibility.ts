/**
 * The eligibility rules engine: pure, fed by per-carrier rules (data) and the parcel's state as
 * the carrier reports it. It names every reason that applies, not just the first.
 */
import type { InterceptionRequest } from "../../contracts/interception.ts";
import type {
  Action,
  InterceptionStatus,
  ParcelState,
  SuccessLikelihood,
} from "../../contracts/normalized.ts";
import type { EligibilityReason } from "../../contracts/problem.ts";
import { formatMoney, toMinorUnits } from "./money.ts";
import type { CarrierRules } from "./rules.ts";

/** What the gateway knows of earlier interceptions of the same parcel. */
export interface EarlierInterception {
  action: Action;
  status: InterceptionStatus;
}

export interface EligibilityInput {
  request: Pick<InterceptionRequest, "action" | "parcel">;
  rules: CarrierRules;
  /** Whether the carrier offers the action once it has collected the parcel. */
  actionOffered: boolean;
  /** `null` when the carrier could not be asked in time: decided later, by the worker. */
  parcelState: ParcelState | null;
  /** Where the parcel is going, when the carrier's tracking says. */
  destinationCountry: string | null;
  /** The carrier does not know the tracking number. */
  unknownParcel: boolean;
  earlier: EarlierInterception[];
  /** The order's other redirects, on any parcel or carrier, that hold a free one. */
  orderRedirects: number;
}

export interface EligibilityDecision {
  eligible: boolean;
  reasons: EligibilityReason[];
  successLikelihood: SuccessLikelihood;
  /** `lock`: not collected yet, hold it without calling the carrier; `carrier`: ask the carrier. */
  disposition: "lock" | "carrier";
}

/** Statuses in which an interception still holds, or has held, the parcel. */
const holdingStatuses: readonly InterceptionStatus[] = ["pending", "submitted", "locked"];

/** Evaluates every rule and returns all reasons that refuse the request. */
export function decideEligibility(input: EligibilityInput): EligibilityDecision {
  const { request, rules, parcelState } = input;
  const reasons: EligibilityReason[] = [];
  const value = request.parcel.declaredValue;

  if (!rules.currencies.includes(value.currency)) {
    reasons.push({
      code: "currency_not_supported",
      message: `Declared values in ${value.currency} are not supported; use ${rules.currencies.join(", ")}.`,
    });
  } else if (
    value.currency === rules.valueCeiling.currency &&
    toMinorUnits(value.amount) > toMinorUnits(rules.valueCeiling.amount)
  ) {
    reasons.push({
      code: "value_above_limit",
      message: `Declared value ${formatMoney(value)} is above the limit of ${formatMoney(rules.valueCeiling)}.`,
    });
  }

  const category = categoryKey(request.parcel.category);
  if (rules.blockedCategories.some((blocked) => categoryKey(blocked) === category)) {
    reasons.push({
      code: "category_not_interceptable",
      message: `Parcels of category "${request.parcel.category}" cannot be intercepted.`,
    });
  }

  // A parcel not collected yet is locked in the warehouse, which needs no carrier action.
  if (!input.actionOffered && parcelState !== "not_collected") {
    reasons.push({
      code: "action_not_supported",
      message: `This carrier does not offer "${request.action}" once it has collected the parcel.`,
    });
  }

  const country = input.destinationCountry;
  if (country && rules.countries.length > 0 && !rules.countries.includes(country)) {
    reasons.push({
      code: "country_not_supported",
      message: `The carrier intercepts only parcels bound for ${rules.countries.join(", ")}, not ${country}.`,
    });
  }

  if (input.unknownParcel) {
    reasons.push({
      code: "unknown_parcel",
      message: "The carrier does not know this tracking number.",
    });
  } else if (parcelState === "delivered") {
    reasons.push({
      code: "already_delivered",
      message: "The parcel has been delivered; the buyer must return it instead.",
    });
  } else if (parcelState === "returned") {
    reasons.push({
      code: "already_delivered",
      message: "The parcel has already been returned to the sender.",
    });
  }

  const holding = input.earlier.some((earlier) => holdingStatuses.includes(earlier.status));
  const succeeded = input.earlier.some((earlier) => earlier.status === "succeeded");
  const succeededReturn = input.earlier.some(
    (earlier) => earlier.status === "succeeded" && earlier.action === "intercept",
  );
  if (holding || succeededReturn || (rules.oneInterceptionPerParcel && succeeded)) {
    reasons.push({
      code: "already_intercepted",
      message: holding
        ? "Another interception of this parcel is still under way."
        : "This parcel has already been intercepted successfully.",
    });
  }

  if (
    request.action === "redirect" &&
    rules.refusePaidRedirects &&
    input.orderRedirects >= rules.freeRedirectsPerOrder
  ) {
    reasons.push({
      code: "free_redirect_used",
      message: "This order's free redirect has been used and paid redirects are not offered.",
    });
  }

  const lowChance = parcelState === "at_delivery_station" || parcelState === "out_for_delivery";
  return {
    eligible: reasons.length === 0,
    reasons,
    successLikelihood: lowChance ? "low" : "normal",
    disposition: parcelState === "not_collected" ? "lock" : "carrier",
  };
}

/** Category names compare case-insensitively after trimming (" Fresh " is `fresh`). */
function categoryKey(name: string): string {
  return name.trim().toLowerCase();
}
