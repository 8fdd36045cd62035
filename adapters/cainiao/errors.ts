/**
 * TOP / Cainiao codes → normalized CarrierError. Two layers:
 * - `error_response.code`, TOP's system error codes (sourced: the TOP 系统级错误 table as copied
 *   on wanfa688.com "淘宝助理,常见错误代码"; carrier-wire-formats.md §4.1 did not find it), with
 *   `sub_code` for the detail (`isv.*` = the caller's fault, `isp.*` = the platform's; a widely
 *   used TOP convention, not verified here);
 * - the delivery cut's own `suc:false` + `biz_error_code` + `retry` (sourced fields; the code
 *   values are ASSUMED, see `cainiaoBizCodes`).
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

type ErrorBody = Omit<CarrierError, "carrier">;

/** TOP system error codes the adapter and the sandbox name (sourced table, English labels). */
export const topErrorCodes = {
  /** 缺少方法名参数. */
  missingMethod: 21,
  /** 应用调用次数超限. */
  appCallLimited: 7,
  /** 服务不可用. */
  serviceUnavailable: 10,
  /** 远程服务出错: a business (sub_code) error behind the gateway. */
  remoteServiceError: 15,
  /** 不存在的方法名. */
  invalidMethod: 22,
  /** 非法数据格式. */
  invalidFormat: 23,
  /** 缺少签名参数. */
  missingSignature: 24,
  /** 非法签名. */
  invalidSignature: 25,
  /** 缺少SessionKey参数. */
  missingSession: 26,
  /** 无效的SessionKey参数. */
  invalidSession: 27,
  /** 缺少AppKey参数. */
  missingAppKey: 28,
  /** 非法的AppKey参数. */
  invalidAppKey: 29,
  /** 缺少时间戳参数. */
  missingTimestamp: 30,
  /** 非法的时间戳参数 (TOP allows ±10 min). */
  invalidTimestamp: 31,
  /** 缺少必选参数. */
  missingArguments: 40,
  /** 非法的参数. */
  invalidArguments: 41,
} as const;

/** Throttling: 4 user, 5 session, 6 partner, 7 app call limited, 8 frequency (sourced). */
const THROTTLED = new Set([4, 5, 6, 7, 8]);
/** Credential and permission refusals: the same call fails the same way (sourced labels). */
const AUTH = new Set([11, 12, 13, 24, 25, 26, 27, 28, 29]);

/**
 * `sub_code`s of `code` 15 that mean "no such waybill". ASSUMED: TOP's isv.* values for an
 * unknown waybill were not found; the sandbox answers the first one.
 */
export const unknownWaybillSubCodes = new Set(["isv.waybill-not-exist", "isv.logistics-not-exist"]);

/**
 * Reads "This ban will last for N more seconds" (ASSUMED wording of TOP's throttling
 * `sub_msg`); undefined when absent.
 */
export function retryAfterOf(subMsg: string): number | undefined {
  const match = /(\d+)\s*more seconds/i.exec(subMsg);
  return match === null ? undefined : Number(match[1]) * 1000;
}

/** Maps a TOP `error_response`. */
export function topError(code: string, msg: string, subCode: string, subMsg: string): ErrorBody {
  const numeric = Number(code);
  const base = {
    carrierCode: subCode === "" ? code : `${code}/${subCode}`,
    carrierMessage: subMsg === "" ? msg : `${msg}: ${subMsg}`,
  };
  if (THROTTLED.has(numeric) || subCode.startsWith("accesscontrol.")) {
    const retryAfterMs = retryAfterOf(subMsg);
    return {
      ...base,
      code: "rate_limited",
      message: `TOP throttled the call (${code})`,
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  if (AUTH.has(numeric)) {
    return {
      ...base,
      code: "auth_failed",
      message: `TOP refused the app key, session or signature (${code})`,
      retryable: false,
    };
  }
  // 10 Service Currently Unavailable; isp.* sub-codes are the platform's own failures.
  if (numeric === topErrorCodes.serviceUnavailable || subCode.startsWith("isp.")) {
    return {
      ...base,
      code: "unavailable",
      message: `TOP service unavailable (${base.carrierCode})`,
      retryable: true,
    };
  }
  if (unknownWaybillSubCodes.has(subCode) || /不存在|not exist/i.test(subMsg)) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "TOP does not know this waybill",
      retryable: false,
    };
  }
  // 15/50 Remote service error with an isv.* detail, and 2x-4x: our request is wrong (bad
  // method, format, timestamp or arguments). Resending the same call cannot help.
  return {
    ...base,
    code: "rejected",
    message: `TOP refused the call (${base.carrierCode})`,
    retryable: false,
  };
}

/**
 * `biz_error_code` values of the delivery cut. ASSUMED: the real values were not found
 * (carrier-wire-formats.md §4.2). The sandbox answers exactly these and the adapter maps them;
 * correct them here, in one place, once real codes are known.
 */
export const cainiaoBizCodes = {
  /** The carrier does not know the waybill. */
  mailNoNotExist: "MAIL_NO_NOT_EXIST",
  /** A delivery cut is already in progress or done for this waybill. */
  repeatIntercept: "REPEAT_INTERCEPT",
  /** Delivered or already returned: nothing left to stop. */
  alreadySigned: "ALREADY_SIGNED",
  /** Not collected yet: the carrier cannot intercept what it does not hold. */
  notCollected: "NOT_COLLECTED",
  /** A business parameter is missing or invalid. */
  invalidParameter: "PARAM_ERROR",
  /** The carrier's system could not take it now (answered with `retry: true`). */
  systemBusy: "SYSTEM_BUSY",
} as const;

/**
 * Maps `suc: false`. `retryable` is exactly the carrier's `retry` flag (sourced: "是否需要重试").
 * A refusal the carrier asks us to retry, with a code we cannot read, is `unavailable`: the
 * carrier did not act and says trying again helps.
 */
export function deliveryCutError(code: string, message: string, retry: boolean): ErrorBody {
  const base = { carrierCode: code, carrierMessage: message, retryable: retry };
  if (code === cainiaoBizCodes.mailNoNotExist || /不存在|not exist/i.test(message)) {
    return { ...base, code: "unknown_parcel", message: "The carrier does not know this waybill" };
  }
  if (code === cainiaoBizCodes.repeatIntercept || /重复拦截|已拦截/.test(message)) {
    return {
      ...base,
      code: "already_intercepted",
      message: "The carrier already holds a delivery cut for this waybill",
    };
  }
  if (retry) {
    return {
      ...base,
      code: "unavailable",
      message: `The carrier could not take the delivery cut now (${code})`,
    };
  }
  return { ...base, code: "rejected", message: `The carrier refused the delivery cut (${code})` };
}
