/** Failure records with advice: what the merchant should do when an interception fails. */
import type { Failure } from "../../contracts/interception.ts";
import type { EligibilityReason } from "../../contracts/problem.ts";

const refuseDelivery =
  "The parcel keeps moving: ask the buyer to refuse delivery, then process the return when it comes back.";

/** The carrier tried and could not stop the parcel (it reported a failure). */
export function carrierReportedFailure(detail: string): Failure {
  return { code: "carrier_failed", message: detail, advice: refuseDelivery };
}

/** The carrier refused the instruction outright. */
export function carrierRefused(code: string, message: string): Failure {
  return { code, message, advice: refuseDelivery };
}

/** The rules refused the request once the carrier could be asked (decided by the worker). */
export function notEligible(reasons: EligibilityReason[]): Failure {
  const delivered = reasons.some((reason) => reason.code === "already_delivered");
  return {
    code: reasons[0]?.code ?? "not_eligible",
    message: reasons.map((reason) => reason.message).join(" "),
    advice: delivered
      ? "The parcel was delivered: the buyer must start a return instead."
      : "The parcel cannot be intercepted: ask the buyer to refuse delivery.",
  };
}

/** The carrier could not be reached for too long: the gateway gave up. */
export function carrierUnreachable(lastError: string): Failure {
  return {
    code: "carrier_unreachable",
    message: `The carrier could not be reached in time (last error: ${lastError}).`,
    advice: `${refuseDelivery} You may also try again with a new request.`,
  };
}

/** Polling never got a decisive answer from the carrier within the horizon. */
export function outcomeNeverConfirmed(horizonMs: number): Failure {
  const hours = Math.round(horizonMs / 3_600_000);
  return {
    code: "outcome_unknown",
    message: `The carrier accepted the interception but did not confirm an outcome within ${hours} h.`,
    advice: `Check the parcel with the carrier. ${refuseDelivery}`,
  };
}

/** The carrier collected the parcel before its pickup could be cancelled. */
export function pickupCancelRefused(message: string): Failure {
  return {
    code: "pickup_cancel_refused",
    message: `The carrier would not cancel the pickup: ${message}`,
    advice: "The parcel may already be collected: send a new interception request for it.",
  };
}

/** The gateway itself failed on this interception, repeatedly: a bug to report. */
export function internalFailure(): Failure {
  return {
    code: "internal",
    message: "The gateway could not process this interception.",
    advice: `Contact the platform with the interception id. ${refuseDelivery}`,
  };
}

/** The carrier may hold the interception (a reply was lost) but never confirmed it in time. */
export function submitOutcomeUnknown(lastError: string): Failure {
  return {
    code: "outcome_unknown",
    message: `The carrier may have received the interception but could not be reached to confirm it (last error: ${lastError}).`,
    advice: `Check the parcel with the carrier before trying again. ${refuseDelivery}`,
  };
}
