/**
 * What each carrier error means for the gateway, in one exhaustive table: a code added to the
 * contract without a meaning here fails the type check.
 * - `refusal`: the carrier answered and refused the parcel (never retried, never an outage);
 * - `outage`: the carrier is unwell or unreachable (counted by the circuit breaker);
 * - `credentials`: the carrier refused our credentials (a configuration fault, neither).
 */
import type { CarrierErrorCode } from "../../contracts/carrier-adapter.ts";

const meaningOf: Record<CarrierErrorCode, "refusal" | "outage" | "credentials"> = {
  unknown_parcel: "refusal",
  rejected: "refusal",
  already_intercepted: "refusal",
  unavailable: "outage",
  outcome_unknown: "outage",
  rate_limited: "outage",
  bad_response: "outage",
  auth_failed: "credentials",
};

/** The carrier refused the parcel: an answer, not a fault. */
export function isRefusal(code: CarrierErrorCode): boolean {
  return meaningOf[code] === "refusal";
}

/** The carrier is unwell or unreachable: what the circuit breaker counts. */
export function isOutage(code: CarrierErrorCode): boolean {
  return meaningOf[code] === "outage";
}

/**
 * After a write (intercept, redirect, cancel, pickup cancel) failed with this code, the carrier
 * may have acted on it: its reply was lost or cut, was a 500/502/504, or came 2xx but could not
 * be read (`outcome_unknown`; the adapters map those, see `unknownIfUnreadable` in
 * adapters/http.ts). Such a write is not sent again before asking. A `bad_response` on a write
 * is a reply that proves nothing was done (a 3xx/4xx, a token failure).
 */
export function mayHaveActed(code: CarrierErrorCode): boolean {
  return code === "outcome_unknown";
}
