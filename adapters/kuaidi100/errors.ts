/**
 * Kuaidi100 codes → normalized CarrierError. Two tables, one per API:
 * - the real-time query's `returnCode` (sourced: several integrations list the same table,
 *   e.g. ruoyi `kuaidi100/exception/ErrorCode.java`, `zty/kdd StatusCodeEnum`, and one
 *   integrator's tested notes);
 * - the label API's `code`: only 200 = success is sourced (`labelV2.Result`); its error table
 *   was not found (carrier-wire-formats.md §7), so `labelCodes` is ASSUMED, in one place.
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

/** Label API success (sourced: `labelV2.Result.isSuccess() = code == 200`). */
export const LABEL_OK = "200";

/** Real-time query `returnCode`s (sourced, see the file comment). */
export const queryCodes = {
  /** 400 找不到对应公司 / 提交数据不完整 / 未授权: our request or the company code is wrong. */
  badRequest: "400",
  /** 408 快递公司参数异常：验证码错误: the carrier (ZTO, SF) wants the phone's last 4 digits. */
  phoneRequired: "408",
  /** 500 查询无结果，请隔段时间再查: no record for this number at this company. */
  noResult: "500",
  /** 501 服务器错误: Kuaidi100 intermittent failure. */
  serverError: "501",
  /** 502 服务器繁忙: server busy. */
  serverBusy: "502",
  /** 503 验证签名失败: wrong key/customer or signature. */
  badSignature: "503",
  /** 601 key已过期 / 没有可用单量: the account cannot be used until recharged. */
  keyExpired: "601",
} as const;

/**
 * Label API `code`s for interceptOrder. ASSUMED: Kuaidi100's table was not found. The
 * platform-level codes reuse the query API's numbers (same company, same meanings); the
 * business codes are our own. The sandbox answers with exactly these and the adapter maps
 * them; correct them here once real codes are known.
 */
export const labelCodes = {
  /** ASSUMED: parameters missing or invalid. */
  badRequest: "400",
  /** ASSUMED (query API's 501): server error. */
  serverError: "501",
  /** ASSUMED (query API's 502): server busy — the sandbox's throttling answer. */
  serverBusy: "502",
  /** ASSUMED (query API's 503): signature or key refused. */
  badSignature: "503",
  /** ASSUMED (query API's 601): key expired / no balance. */
  keyExpired: "601",
  /** ASSUMED: the carrier does not know the waybill (运单不存在). */
  waybillNotFound: "30001",
  /** ASSUMED: an interception of this waybill is already held (不可重复拦截). */
  alreadyIntercepted: "30002",
  /** ASSUMED: signed for or returned; only "运输中且未签收" parcels can be intercepted. */
  notInterceptable: "30003",
  /** ASSUMED: not yet collected, nothing in transit to intercept. */
  notCollected: "30004",
} as const;

type ErrorBody = Omit<CarrierError, "carrier">;

/** Codes both APIs share (same numbers in the label table, by assumption). */
function platformError(code: string, message: string, api: string): ErrorBody | null {
  const base = { carrierCode: code, carrierMessage: message };
  switch (code) {
    case queryCodes.badSignature:
    case queryCodes.keyExpired:
      // The same key/signature fails the same way; an expired key needs a human (recharge).
      return {
        ...base,
        code: "auth_failed",
        message: `Kuaidi100 ${api} refused the credentials (${code})`,
        retryable: false,
      };
    case queryCodes.serverError:
      return {
        ...base,
        code: "unavailable",
        message: `Kuaidi100 ${api} server error (${code})`,
        retryable: true,
      };
    case queryCodes.serverBusy:
      // "服务器繁忙" is the only "slow down" answer Kuaidi100 is known to give (ASSUMED to be its
      // throttling answer); both readings are transient and safe to retry later.
      return {
        ...base,
        code: "rate_limited",
        message: `Kuaidi100 ${api} is busy (${code})`,
        retryable: true,
      };
    default:
      return null;
  }
}

/** Maps a refused real-time query (`returnCode` other than 200). */
export function queryError(code: string, message: string): ErrorBody {
  const shared = platformError(code, message, "query");
  if (shared !== null) {
    return shared;
  }
  const base = { carrierCode: code, carrierMessage: message };
  if (code === queryCodes.noResult) {
    // Also what a real number without any scan yet answers; the gateway reads it as "the
    // carrier does not know this parcel", which is what the merchant can act on.
    return {
      ...base,
      code: "unknown_parcel",
      message: "Kuaidi100 has no record of this tracking number",
      retryable: false,
    };
  }
  // 400 (company code / request), 408 (phone digits needed) and anything unknown: resending the
  // same request cannot help.
  return {
    ...base,
    code: "rejected",
    message: `Kuaidi100 refused the query (${code})`,
    retryable: false,
  };
}

/**
 * Maps a label API `code` other than 200. Codes in `labelCodes` first; for codes we do not know,
 * a narrow message match keeps "unknown waybill" and "already intercepted" recognisable.
 */
export function labelError(code: string, message: string): ErrorBody {
  const shared = platformError(code, message, "label API");
  if (shared !== null) {
    return shared;
  }
  const base = { carrierCode: code, carrierMessage: message };
  if (code === labelCodes.waybillNotFound || /不存在|查询无结果|not exist/i.test(message)) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "Kuaidi100 does not know this waybill",
      retryable: false,
    };
  }
  if (code === labelCodes.alreadyIntercepted || /已(被)?拦截|重复拦截/.test(message)) {
    return {
      ...base,
      code: "already_intercepted",
      message: "Kuaidi100 already holds an interception for this waybill",
      retryable: false,
    };
  }
  return {
    ...base,
    code: "rejected",
    message: `Kuaidi100 refused the request (${code})`,
    retryable: false,
  };
}
