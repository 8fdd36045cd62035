/**
 * ZTO codes → normalized CarrierError. ZOP answers every failure with HTTP 200 and
 * `{status: false, statusCode, message}` (carrier-wire-formats.md §5.3, from the integrator
 * notes `YangLiCon/docs` zto.md): public S-codes from the ZOP gateway, E-codes from its data
 * authorisation, and business codes from the API itself. The S/E tables are sourced; the
 * business codes for cancelPreOrder are not (see `ztoBusinessCodes`).
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

/** Success codes vary by API (`SYS000`, `0000`); success is keyed on `status === true`. */
export const ZTO_OK = "SYS000";

/** The public and data-auth codes we act on (sourced: zto.md tables). */
export const ztoPlatformCodes = {
  /** 请求超时: backend timeout. */
  timeout: "S200",
  /** 发生错误: backend exception. */
  backendError: "S202",
  /** 服务暂不可用: service unavailable. */
  unavailable: "S203",
  /** api qos limit: per-minute/hour quota reached. */
  quota: "S206",
  /** API不存在: no such API. */
  noSuchApi: "S207",
  /** XX不能为空: a required parameter is missing. */
  missingParameter: "S208",
  /** 无权限访问: the app is not bound to this API. */
  noPermission: "S210",
  /** 签名错误: bad digest. */
  badSignature: "S211",
  /** IP黑白名单限制: caller IP refused. */
  ipRefused: "S212",
  /** 时间戳非法: illegal timestamp. */
  badTimestamp: "S214",
  /** api qps flow limit: flow control. */
  flowLimit: "S221",
  /** 鉴权失败,未绑定电子面单账号: no e-waybill account bound. */
  noWaybillAccount: "E404",
  /** 鉴权失败,收寄人电话号码校验不一致: phone check failed. */
  phoneMismatch: "E409",
  /** 鉴权失败,请输入收寄人任一方电话号码后4位: last 4 phone digits required. */
  phoneRequired: "E413",
  /** 不符合中通运单号规则校验: not a ZTO waybill number. */
  notZtoWaybill: "E416",
  /** 鉴权失败,不存在对应的网点授权: no outlet authorisation. */
  noOutletAuthorisation: "E418",
} as const;

/**
 * Business codes of `zto.open.cancelPreOrder`. ASSUMED: ZTO's own codes were not found
 * (carrier-wire-formats.md §7). The sandbox answers with exactly these and the adapter maps
 * them; correct them here, in one place, once real codes are known.
 */
export const ztoBusinessCodes = {
  /** ASSUMED: the parcel was already collected (揽收), so the pickup cannot be cancelled. */
  alreadyCollected: "B1001",
  /** ASSUMED: not a 预约件 of this appKey (全网件 numbers cannot be cancelled, zto.md). */
  notCancellable: "B1002",
} as const;

type ErrorBody = Omit<CarrierError, "carrier">;

/** Maps a reply with `status: false`. */
export function ztoError(statusCode: string, message: string): ErrorBody {
  const base = { carrierCode: statusCode, carrierMessage: message };
  switch (statusCode) {
    // The ZOP gateway or the backend failed: ZTO did not act (or, for S200, may not have).
    // Both calls we make are safe to repeat: a trace query reads, and cancelling a pickup twice
    // leaves it cancelled.
    case ztoPlatformCodes.timeout:
    case ztoPlatformCodes.backendError:
    case ztoPlatformCodes.unavailable:
      return {
        ...base,
        code: "unavailable",
        message: `ZTO service error (${statusCode})`,
        retryable: true,
      };
    // Throttling: ZTO gives no wait time.
    case ztoPlatformCodes.quota:
    case ztoPlatformCodes.flowLimit:
      return {
        ...base,
        code: "rate_limited",
        message: `ZTO throttled the call (${statusCode})`,
        retryable: true,
      };
    // S211 is a bad digest. S210 (app not bound to the API), S212 (IP not whitelisted) and S214
    // (timestamp refused, a signing-mode setting of the app) come from the same ZOP
    // authentication layer, before any business logic: every call with these credentials fails
    // the same way until an operator fixes the app, which is what auth_failed tells them.
    case ztoPlatformCodes.badSignature:
    case ztoPlatformCodes.noPermission:
    case ztoPlatformCodes.ipRefused:
    case ztoPlatformCodes.badTimestamp:
      return {
        ...base,
        code: "auth_failed",
        message: `ZTO refused the credentials (${statusCode})`,
        retryable: false,
      };
    // The number fails ZTO's waybill rule: no such ZTO parcel.
    case ztoPlatformCodes.notZtoWaybill:
      return {
        ...base,
        code: "unknown_parcel",
        message: "ZTO does not know this waybill number",
        retryable: false,
      };
    // E404/E409/E413/E418: our credentials passed, but this app may not see this parcel's data
    // (account, phone check, outlet authorisation). Another parcel may work, so it is a refusal
    // of this request, not of our credentials.
    case ztoPlatformCodes.noWaybillAccount:
    case ztoPlatformCodes.phoneMismatch:
    case ztoPlatformCodes.phoneRequired:
    case ztoPlatformCodes.noOutletAuthorisation:
      return {
        ...base,
        code: "rejected",
        message: `ZTO refused access to this parcel's data (${statusCode})`,
        retryable: false,
      };
    // Our request is wrong (no such API in this environment, a missing field): resending the
    // same bytes cannot help. Listed before the message match: S207 says "API不存在".
    case ztoPlatformCodes.noSuchApi:
    case ztoPlatformCodes.missingParameter:
      return {
        ...base,
        code: "rejected",
        message: `ZTO refused the request as malformed (${statusCode})`,
        retryable: false,
      };
    default:
      break;
  }
  // A real "not found" business code is unknown; a narrow message match keeps it recognisable.
  if (/不存在|未找到|not exist|not found/i.test(message)) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "ZTO does not know this waybill",
      retryable: false,
    };
  }
  // The assumed business codes and anything unknown: a business refusal, never retried.
  return {
    ...base,
    code: "rejected",
    message: `ZTO refused the request (${statusCode})`,
    retryable: false,
  };
}
