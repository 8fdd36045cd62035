/**
 * UPS codes → normalized CarrierError. Sourced codes: 401 `UJ0001`, `250002`, `251004` (Track
 * Alert table, carrier-wire-formats.md §6.3), `605` and 400 `710` (DeliveryIntercept.yaml),
 * `250003` (karrio OAuth fixture), "System Error" `500` inside an HTTP 200 (DI ERROR examples),
 * `TW0001` / `TV1002` (karrio Track fixtures). UPS's Delivery Intercept error catalogue was not
 * found, so the business refusals below are ASSUMED codes in one table.
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

/**
 * Delivery Intercept business refusals. ASSUMED: the catalogue at
 * developer.ups.com/api/reference/deliveryintercept/errors was not readable. The sandbox answers
 * with exactly these (4 characters, as the spec's `errorCode` allows) and the adapter maps them;
 * correct them here, in one place, once real codes are known.
 */
export const upsAssumedCodes = {
  /** ASSUMED: UPS has no package with this 1Z number. */
  unknownPackage: "9404",
  /** ASSUMED: a delivery change (intercept) is already in place for this package. */
  alreadyIntercepted: "9409",
  /** ASSUMED: not eligible for this intercept (delivered, returned, not yet in the network). */
  notEligible: "9410",
  /** ASSUMED: no intercept of that request type to cancel. */
  nothingToCancel: "9411",
  /** ASSUMED: the intercept already completed and cannot be cancelled. */
  alreadyCompleted: "9412",
  /** ASSUMED: UPS's throttling body code (HTTP 429 is sourced for OAuth; the code is not). */
  rateLimited: "9429",
} as const;

/** Sourced codes the adapter relies on. */
export const upsKnownCodes = {
  /** DI success `statusCode`. */
  ok: "000",
  /** "System Error" inside an HTTP 200 or as HTTP 500. */
  systemError: "500",
  /** 400: failure due to input validation error. */
  inputValidation: "710",
  /** Track: tracking information not found (karrio fixture, a warning in a 200). */
  trackingNotFound: "TW0001",
  /** Track: invalid inquiry number (karrio fixture). */
  invalidInquiry: "TV1002",
} as const;

/** 401 codes: token absent/invalid, invalid authentication, expired token, address token. */
const AUTH_CODES = new Set(["UJ0001", "250002", "251004", "605", "250003"]);

type ErrorBody = Omit<CarrierError, "carrier">;

/**
 * Maps one UPS error code (any of UPS's APIs). `httpStatus` is the HTTP status it came with
 * (200 for errors inside a success envelope).
 */
export function upsCodeError(code: string, message: string, httpStatus: number): ErrorBody {
  const base = { carrierCode: code, carrierMessage: message };
  if (AUTH_CODES.has(code) || httpStatus === 401 || httpStatus === 403) {
    return {
      ...base,
      code: "auth_failed",
      message: `UPS refused the credentials (${code})`,
      retryable: false,
    };
  }
  if (code === upsKnownCodes.systemError) {
    return { ...base, code: "unavailable", message: "UPS System Error (500)", retryable: true };
  }
  if (code === upsAssumedCodes.rateLimited || httpStatus === 429) {
    return { ...base, code: "rate_limited", message: "UPS throttled the call", retryable: true };
  }
  if (
    code === upsAssumedCodes.unknownPackage ||
    code === upsKnownCodes.trackingNotFound ||
    code === upsKnownCodes.invalidInquiry ||
    httpStatus === 404
  ) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "UPS does not know this tracking number",
      retryable: false,
    };
  }
  if (
    code === upsAssumedCodes.alreadyIntercepted ||
    /already (has|exists|intercept)/i.test(message)
  ) {
    return {
      ...base,
      code: "already_intercepted",
      message: "UPS already holds an intercept for this package",
      retryable: false,
    };
  }
  // 710 input validation, not eligible, nothing to cancel, completed, and anything unknown:
  // business refusals that the same request cannot overturn.
  return {
    ...base,
    code: "rejected",
    message: `UPS refused the request (${code})`,
    retryable: false,
  };
}

/**
 * Maps the `errors` of a DI reply with `success: false`. A "System Error" (`500`, in the
 * errors or as `statusCode`) means UPS did not act: unavailable, retryable.
 */
export function upsDiReplyError(reply: {
  statusCode: string;
  statusMsg?: string | null;
  errors?: { errorCode: string; errorMessage?: string | null }[] | null;
}): ErrorBody {
  const errors = reply.errors ?? [];
  const system = errors.find((e) => e.errorCode === upsKnownCodes.systemError);
  if (system !== undefined || (errors.length === 0 && reply.statusCode === "500")) {
    return upsCodeError(
      upsKnownCodes.systemError,
      system?.errorMessage ?? reply.statusMsg ?? "System Error",
      200,
    );
  }
  const first = errors[0];
  if (first === undefined) {
    return {
      code: "rejected",
      message: `UPS answered success:false with statusCode ${reply.statusCode}`,
      retryable: false,
      carrierCode: reply.statusCode,
      carrierMessage: reply.statusMsg ?? "",
    };
  }
  return upsCodeError(first.errorCode, first.errorMessage ?? "", 200);
}
