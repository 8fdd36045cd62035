/**
 * SF codes → normalized CarrierError. Two layers: the platform's `apiResultCode` (A-codes, the
 * gateway in front of every service) and the service's inner `errorCode` (S-codes and business
 * codes). Sources: carrier-wire-formats.md §1.5 (open-connector `createSfExpressPlatformError`,
 * SFConstants.java). Official Chinese messages for most A-codes were not found, so no vendor
 * text is hard-coded here.
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

/** Platform accepted and forwarded the call (sourced: SFConstants.java, open-connector). */
export const SF_PLATFORM_OK = "A1000";
/** Inner business success (sourced: SFConstants.java `ORDER_SUCCESS`, doc mirror). */
export const SF_BUSINESS_OK = "S0000";

/**
 * Business error codes for intercept / route query. ASSUMED: SF's intercept-specific codes were
 * not found (carrier-wire-formats.md §7). The sandbox answers with exactly these and the adapter
 * maps them; correct them here, in one place, once real codes are known.
 */
export const sfBusinessCodes = {
  /** ASSUMED: the waybill does not exist (运单不存在). */
  waybillNotFound: "20001",
  /** ASSUMED: an accepted intercept already exists (SF rule: one successful intercept per waybill). */
  alreadyIntercepted: "20002",
  /** ASSUMED: delivered or already returned, nothing left to stop (已签收). */
  notInterceptable: "20003",
  /** ASSUMED: not yet collected; SF intercepts only between pickup and delivery. */
  notCollected: "20004",
  /** ASSUMED: no instruction with that cusId on this waybill (cancel). */
  instructionNotFound: "20005",
  /** ASSUMED: the instruction already has an outcome and cannot be withdrawn (cancel). */
  instructionClosed: "20006",
  /**
   * Business parameters invalid. `S0002` is one of the inner codes open-connector treats as a
   * caller error (sourced); its exact SF meaning is unverified.
   */
  invalidParameters: "S0002",
} as const;

type ErrorBody = Omit<CarrierError, "carrier">;

/** Maps a platform `apiResultCode` other than A1000. */
export function sfPlatformError(code: string, message: string): ErrorBody {
  const base = { carrierCode: code, carrierMessage: message };
  switch (code) {
    // A1006 "数字签名无效" (sourced, fixture message); A1011 auth failure (open-connector 401).
    case "A1006":
    case "A1011":
    // A1003 / A1004: open-connector treats as forbidden (403); commonly "IP not allowed" / "no
    // permission for this service" (unverified). Same credentials fail the same way.
    case "A1003":
    case "A1004":
      return {
        ...base,
        code: "auth_failed",
        message: `SF refused the credentials (${code})`,
        retryable: false,
      };
    // A1005: throttled (open-connector 429). SF gives no wait time.
    case "A1005":
      return {
        ...base,
        code: "rate_limited",
        message: "SF throttled the call (A1005)",
        retryable: true,
      };
    // A1099: upstream failure behind the platform (open-connector 502): SF did not act.
    case "A1099":
      return {
        ...base,
        code: "unavailable",
        message: "SF platform upstream error (A1099)",
        retryable: true,
      };
    // A1001 / A1002 / A1007 / A1010: our request was malformed or expired (open-connector 400);
    // A1009: service not enabled for this partner (seen on SF's sandbox). Resending cannot help.
    default:
      return {
        ...base,
        code: "rejected",
        message: `SF platform refused the call (${code})`,
        retryable: false,
      };
  }
}

/**
 * Maps an inner business error. Codes in `sfBusinessCodes` first; for codes we do not know,
 * a narrow message match keeps "unknown waybill" and "already intercepted" recognisable (SF's
 * real codes are unverified, its messages are Chinese and fairly stable).
 */
export function sfBusinessError(code: string, message: string): ErrorBody {
  const base = { carrierCode: code, carrierMessage: message };
  // S0001 / S0003: system-side errors (open-connector); the service did not act.
  if (code === "S0001" || code === "S0003") {
    return { ...base, code: "unavailable", message: `SF service error (${code})`, retryable: true };
  }
  if (code === sfBusinessCodes.waybillNotFound || /不存在|not exist/i.test(message)) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "SF does not know this waybill",
      retryable: false,
    };
  }
  if (code === sfBusinessCodes.alreadyIntercepted || /已(被)?拦截|重复拦截/.test(message)) {
    return {
      ...base,
      code: "already_intercepted",
      message: "SF already holds an interception for this waybill",
      retryable: false,
    };
  }
  return {
    ...base,
    code: "rejected",
    message: `SF refused the request (${code})`,
    retryable: false,
  };
}
