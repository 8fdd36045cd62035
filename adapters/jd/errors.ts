/**
 * JD codes → normalized CarrierError. Two layers: the JOS gateway's `error_response.code` (the
 * router in front of every API) and each API's own result code (`resultInfo.stateCode` for the
 * intercept, `querytraceResult.code` for the trace).
 *
 * Gateway codes: the JOS system error table as copied by two third-party PHP integrations
 * (code ids 40097875980 and 2960009243, identical numbering; JD's own page was not found), with
 * live samples agreeing for 12 (id 70610190297) and 19 (id 70402264012).
 */
import type { CarrierError } from "../../contracts/carrier-adapter.ts";

type ErrorBody = Omit<CarrierError, "carrier">;

/** Gateway codes the sandbox emits and the adapter names (see the legend in `jdGatewayError`). */
export const jdGatewayCodes = {
  /** 服务不可用 (sourced, table). */
  serviceUnavailable: "1",
  /** 限制时间内调用失败次数 / App Call Limited: the call quota (sourced, table). */
  callLimited: "2",
  /** 缺少版本参数 (sourced, table). */
  missingVersion: "4",
  /** 不支持的版本号 (sourced, table). */
  unsupportedVersion: "5",
  /** 缺少时间戳参数 (sourced, table). */
  missingTimestamp: "7",
  /** 非法的时间戳参数: bad format or more than 6 minutes off (sourced, table). */
  invalidTimestamp: "8",
  /** 缺少签名参数 (sourced, table). */
  missingSignature: "11",
  /** 无效签名 (sourced, table and a live sample). */
  invalidSignature: "12",
  /** 缺少方法名参数 (sourced, table). */
  missingMethod: "14",
  /** 不存在的方法名 (sourced, table). */
  invalidMethod: "15",
  /** 缺少access_token参数 (sourced, table). */
  missingAccessToken: "18",
  /** 无效access_token (sourced, table and a live sample). */
  invalidAccessToken: "19",
  /** 缺少app_key参数 (sourced, table). */
  missingAppKey: "20",
  /** 无效app_key (sourced, table). */
  invalidAppKey: "21",
  /** 参数不合法 (sourced, table). */
  invalidParameter: "60",
  /** json格式不合法 (sourced, table). */
  invalidJson: "63",
} as const;

/** JD's throttling answer as the sandbox renders it (code 2, table texts). */
export const JD_CALL_LIMITED = {
  code: jdGatewayCodes.callLimited,
  zh_desc: "限制时间内调用失败次数",
  en_desc: "App Call Limited",
} as const;

/**
 * Legend: JOS gateway `error_response.code` → CarrierError. `idempotent` says whether the call
 * was a read: a backend timeout may hide an intercept JD already took.
 * - 3 请求被禁止, 12 无效签名, 18/19 access_token missing/invalid, 20/21 app_key missing/invalid,
 *   22 授权者不是商家, 24 无权调用API, 25 应用不是上线状态, 64 此类型商家无权调用本接口:
 *   credentials or grants → `auth_failed`. 11 缺少签名参数 is ours too, but it is a missing
 *   field, not a refused key, so it goes with the other malformed requests below.
 * - 2 App Call Limited → `rate_limited`, retryable (JD gives no wait time).
 * - 1 服务不可用, 43 系统处理错误, 23 该API已经停用 (a temporary closure for upgrades, per the
 *   table's advice), 66 平台连接后端服务不可用 → `unavailable`, retryable: the backend did not act.
 * - 65 平台连接后端服务超时, 67 后端服务处理过程中出现未知异常: the backend may have acted →
 *   `outcome_unknown`, retryable only for reads.
 * - Everything else (4–8 version/timestamp, 11, 13–17, 60–63, 68…): our request is malformed;
 *   resending it cannot help → `rejected`.
 * Codes outside the table fall back on a narrow message match (signature/token → auth).
 */
export function jdGatewayError(code: string, message: string, idempotent: boolean): ErrorBody {
  const base = { carrierCode: code, carrierMessage: message };
  switch (code) {
    case "3":
    case "12":
    case "18":
    case "19":
    case "20":
    case "21":
    case "22":
    case "24":
    case "25":
    case "64":
      return {
        ...base,
        code: "auth_failed",
        message: `JD refused the app credentials or grant (${code})`,
        retryable: false,
      };
    case "2":
      return {
        ...base,
        code: "rate_limited",
        message: "JD throttled the call (2, App Call Limited)",
        retryable: true,
      };
    case "1":
    case "23":
    case "43":
    case "66":
      return {
        ...base,
        code: "unavailable",
        message: `JD gateway or backend unavailable (${code})`,
        retryable: true,
      };
    case "65":
    case "67":
      return {
        ...base,
        code: "outcome_unknown",
        message: `JD backend timed out or failed mid-call (${code}); it may have acted`,
        retryable: idempotent,
      };
    default:
      if (/签名|signature|access_token|app_?key|invalid app/i.test(message)) {
        return {
          ...base,
          code: "auth_failed",
          message: `JD refused the app credentials (${code})`,
          retryable: false,
        };
      }
      return {
        ...base,
        code: "rejected",
        message: `JD gateway refused the call (${code})`,
        retryable: false,
      };
  }
}

/**
 * Result codes of the two business APIs. Only `accepted`/`traceOk` (100) and
 * `alreadyCancelled` (108) are sourced; no full table was found (carrier-wire-formats.md §2.3,
 * §7). The rest are ASSUMED: the sandbox answers with exactly these and the adapter maps them;
 * correct them here, in one place, once real codes are known.
 */
export const jdResultCodes = {
  /** Intercept `stateCode` 100 "发送拦截成功": request sent, NOT success (sourced). */
  accepted: 100,
  /** Trace `querytraceResult.code` 100 = ok (sourced: integrator checks `getCode() != 100`). */
  traceOk: 100,
  /** Intercept `stateCode` 108: already cancelled before (sourced, integrator comment). */
  alreadyCancelled: 108,
  /** ASSUMED: no such waybill for this merchant (运单不存在), both APIs. */
  waybillNotFound: 101,
  /** ASSUMED: delivered or already returned, nothing left to stop (已妥投). */
  notInterceptable: 102,
  /** ASSUMED: another interception already holds the waybill (已拦截). */
  alreadyIntercepted: 103,
  /** ASSUMED: a pickup cancel for a parcel JD has already collected (已揽收). */
  alreadyCollected: 104,
  /** ASSUMED: business parameters missing or invalid (参数错误), both APIs. */
  invalidParameters: 105,
} as const;

/**
 * Maps an intercept `stateCode` other than 100/108, or a trace code other than 100. Codes in
 * `jdResultCodes` first; for codes we do not know, a narrow message match keeps "unknown
 * waybill" and "already intercepted" recognisable; anything else is a refusal with JD's message
 * kept. All are business answers: never retried.
 */
export function jdResultError(code: number, message: string): ErrorBody {
  const base = { carrierCode: String(code), carrierMessage: message };
  if (code === jdResultCodes.waybillNotFound || /不存在|查无|无此运单/.test(message)) {
    return {
      ...base,
      code: "unknown_parcel",
      message: "JD does not know this waybill for this merchant",
      retryable: false,
    };
  }
  if (code === jdResultCodes.alreadyIntercepted || /已(被)?拦截|重复拦截/.test(message)) {
    return {
      ...base,
      code: "already_intercepted",
      message: "JD already holds an interception for this waybill",
      retryable: false,
    };
  }
  return {
    ...base,
    code: "rejected",
    message: `JD refused the request (${code})`,
    retryable: false,
  };
}
