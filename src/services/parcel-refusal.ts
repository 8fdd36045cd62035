/**
 * The answer for another merchant's parcel wherever a merchant names one (shipping, a changed
 * waybill): exactly the intercept's answer for a parcel the carrier does not know (API.md
 * "Parcels belong to merchants"), so nothing tells this merchant someone else has it.
 */
import { ServiceError } from "./service-error.ts";

export function parcelOfAnotherMerchant(): ServiceError {
  return new ServiceError("not_eligible", "The parcel cannot be intercepted.", {
    reasons: [
      { code: "unknown_parcel", message: "The carrier does not know this tracking number." },
    ],
  });
}
