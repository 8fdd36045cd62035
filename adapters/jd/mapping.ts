/**
 * Pure JD mapping: normalized commands → `360buy_param_json` fields, JOS replies → normalized
 * results. No I/O here, so every function is tested with fixtures.
 */
import type {
  CarrierError,
  CarrierResult,
  InterceptCommand,
  PickupCancelCommand,
  PolledOutcome,
  TrackingEvent,
  TrackResult,
} from "../../contracts/carrier-adapter.ts";
import type { Reason } from "../../contracts/normalized.ts";
import { chinaTimeToIso, formatChinaTime } from "../china-time.ts";
import {
  badResponse,
  type CarrierHttpResponse,
  parseJson,
  refusedByStatus,
  replyExcerpt,
} from "../http.ts";
import { JD_CARRIER, type JdMethod } from "./client.ts";
import { jdGatewayError, jdResultCodes, jdResultError } from "./errors.ts";
import {
  JdErrorEnvelopeSchema,
  JdInterceptResultSchema,
  JdResponceSchema,
  type JdTrace,
  JdTraceResultSchema,
} from "./schema.ts";
import { meaningOfOpeTitle } from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: JD_CARRIER, ...error } };
}

/** Legend: normalized reason → `interceptReason` text (JD reads it; free text, ≤ 200 chars). */
export const interceptReasonTexts: Record<Reason, string> = {
  buyer_cancelled: "买家取消订单",
  merchant_error: "商家发错货",
  address_error: "收货地址错误",
  logistics_exception: "物流异常",
  other: "其他原因",
};

/**
 * Prefix on `interceptReason` that marks a pickup cancel. JD's one API decides cancel vs
 * intercept from the parcel alone; ASSUMED marker so JD staff (and the sandbox) can tell a
 * "cancel only" request, which the sandbox refuses once the parcel is collected.
 */
export const JD_PICKUP_CANCEL_MARK = "[取消揽收]";

/**
 * `cancelOperatorCodeType` 2 = ERP account (1 = 京东pin; id 9749096612): the gateway acts as the
 * merchant's ERP, and `cancelOperator` carries its stable reference so a repeat is recognisable.
 */
export const JD_OPERATOR_CODE_TYPE_ERP = 2;

function reasonText(reason: Reason, note: string | undefined, prefix = ""): string {
  const base = `${prefix}${interceptReasonTexts[reason]}`;
  const text = note === undefined || note.trim() === "" ? base : `${base}: ${note.trim()}`;
  // JD caps the field at 200 characters (JDL cancel API); a long note is cut, never refused.
  return [...text].slice(0, 200).join("");
}

/** JD caps `cancelOperator` at 50 characters; the gateway's references are ~30. */
function operatorOf(reference: string): string {
  return reference.slice(0, 50);
}

/**
 * `360buy_param_json` for `jingdong.ldop.receive.order.intercept`, keys in the Java SDK's
 * TreeMap order. `cancelOperator` = the gateway's reference (ASSUMED usable as a request id).
 */
export function buildIntercept(
  command: InterceptCommand,
  vendorCode: string,
  now: Date,
): Record<string, unknown> {
  return {
    cancelOperator: operatorOf(command.reference),
    cancelOperatorCodeType: JD_OPERATOR_CODE_TYPE_ERP,
    cancelTime: formatChinaTime(now),
    deliveryId: command.trackingNumber,
    interceptReason: reasonText(command.reason, command.note),
    vendorCode,
  };
}

/** The same API used as a pickup cancel (before collection JD cancels the waybill). */
export function buildPickupCancel(
  command: PickupCancelCommand,
  vendorCode: string,
  now: Date,
): Record<string, unknown> {
  return {
    cancelOperator: operatorOf(command.reference),
    cancelOperatorCodeType: JD_OPERATOR_CODE_TYPE_ERP,
    cancelTime: formatChinaTime(now),
    deliveryId: command.trackingNumber,
    interceptReason: reasonText(command.reason, undefined, `${JD_PICKUP_CANCEL_MARK} `),
    vendorCode,
  };
}

/** `360buy_param_json` for `jingdong.ldop.receive.trace.get` (customerCode = 商家编码). */
export function buildTraceQuery(
  trackingNumber: string,
  vendorCode: string,
): Record<string, unknown> {
  return { customerCode: vendorCode, waybillCode: trackingNumber };
}

/** The root key of a successful reply: the method with dots as underscores + `_responce`. */
export function responceKeyOf(method: string): string {
  return `${method.replaceAll(".", "_")}_responce`;
}

/**
 * Unwraps a JOS reply: HTTP status, `error_response`, the `<method>_responce` object and its
 * `code`. Returns the `_responce` object on success, a CarrierError otherwise. `idempotent`
 * decides whether a backend timeout may be retried.
 */
export function unwrapJdReply(
  response: CarrierHttpResponse,
  method: JdMethod,
  idempotent: boolean,
): CarrierResult<Record<string, unknown>> {
  const refused = refusedByStatus(JD_CARRIER, "JD", response);
  if (refused) {
    return refused;
  }
  const json = parseJson(response.body);
  if (!json.ok || typeof json.value !== "object" || json.value === null) {
    return badResponse(JD_CARRIER, "JD reply is not a JSON object", replyExcerpt(response.body));
  }
  const error = JdErrorEnvelopeSchema.safeParse(json.value);
  if (error.success) {
    const { code, zh_desc, en_desc } = error.data.error_response;
    return fail(jdGatewayError(code, zh_desc ?? en_desc ?? "", idempotent));
  }
  const key = responceKeyOf(method);
  const responce = JdResponceSchema.safeParse((json.value as Record<string, unknown>)[key]);
  if (!responce.success) {
    return badResponse(JD_CARRIER, `JD reply has no ${key} object`, replyExcerpt(response.body));
  }
  const code = responce.data.code;
  if (code !== null && code !== undefined && code !== "0") {
    const message = responce.data.zh_desc ?? responce.data.en_desc ?? "";
    return fail(jdGatewayError(code, message, idempotent));
  }
  return { ok: true, value: responce.data };
}

/**
 * Reads an intercept result. 100 = JD accepted the request (发送拦截成功: sent, not succeeded);
 * 108 = already cancelled before: JD holds an earlier identical request, which for the gateway
 * is its own repeat (the reference is stable per interception), so it counts as accepted.
 * Anything else is a refusal with JD's message kept.
 */
export function parseInterceptReply(
  responce: Record<string, unknown>,
): CarrierResult<{ repeat: boolean; message: string }> {
  const reply = JdInterceptResultSchema.safeParse(responce);
  if (!reply.success) {
    return badResponse(
      JD_CARRIER,
      "JD intercept reply has an unexpected shape",
      reply.error.message,
    );
  }
  const { stateCode, stateMessage } = reply.data.resultInfo;
  const message = stateMessage ?? "";
  if (stateCode === jdResultCodes.accepted) {
    return { ok: true, value: { repeat: false, message } };
  }
  if (stateCode === jdResultCodes.alreadyCancelled) {
    return { ok: true, value: { repeat: true, message } };
  }
  return fail(jdResultError(stateCode, message));
}

function eventOf(trace: JdTrace): TrackingEvent {
  return {
    at: chinaTimeToIso(trace.opeTime),
    carrierCode: trace.opeTitle,
    description: [trace.opeRemark, trace.opeName].filter((part) => part).join(" · "),
    state: meaningOfOpeTitle(trace.opeTitle)?.state ?? "unknown",
  };
}

/**
 * Parses a trace reply. Code 100 with no traces → `not_collected` (JD knows the waybill but
 * nothing happened yet, ASSUMED); otherwise the latest trace whose title is in the legend
 * decides, and `unknown` when none is. Any other code goes through `jdResultError`.
 */
export function parseTrackReply(
  trackingNumber: string,
  responce: Record<string, unknown>,
): CarrierResult<TrackResult> {
  const reply = JdTraceResultSchema.safeParse(responce);
  if (!reply.success) {
    return badResponse(JD_CARRIER, "JD trace reply has an unexpected shape", reply.error.message);
  }
  const result = reply.data.querytraceResult;
  if (result.code !== jdResultCodes.traceOk) {
    return fail(jdResultError(result.code, result.messsage ?? result.message ?? ""));
  }
  const events = (result.data ?? [])
    .filter((trace) => !trace.waybillCode || trace.waybillCode === trackingNumber)
    .map(eventOf)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (events.length === 0) {
    return { ok: true, value: { trackingNumber, state: "not_collected", events } };
  }
  const decisive = [...events].reverse().find((event) => event.state !== "unknown");
  return { ok: true, value: { trackingNumber, state: decisive?.state ?? "unknown", events } };
}

/**
 * How far before `submittedAt` a trace may be and still decide the outcome: JD times have
 * whole seconds and JD's clock may differ from ours (JOS itself tolerates 6 minutes; ASSUMED
 * one minute is enough). A decisive trace that old would have made JD refuse the request.
 */
export const OUTCOME_CLOCK_SKEW_MS = 60_000;

/**
 * Reads an interception's outcome from the parcel's traces: the latest trace at or after the
 * submission (less the skew) whose legend entry decides (e.g. 拦截成功 → succeeded, 妥投 →
 * failed); `null` while none does.
 */
export function outcomeOfTraces(track: TrackResult, submittedAt: string): PolledOutcome {
  const since = Date.parse(submittedAt) - OUTCOME_CLOCK_SKEW_MS;
  const decisive = [...track.events].reverse().find((event) => {
    const at = Date.parse(event.at);
    const outcome = meaningOfOpeTitle(event.carrierCode)?.outcome ?? null;
    return outcome !== null && (Number.isNaN(since) || Number.isNaN(at) || at >= since);
  });
  if (decisive === undefined) {
    return {
      outcome: null,
      parcelState: track.state,
      detail: "JD has not reported an outcome yet",
      fee: null,
    };
  }
  const outcome = meaningOfOpeTitle(decisive.carrierCode)?.outcome ?? null;
  return {
    outcome,
    parcelState: track.state,
    detail: [decisive.carrierCode, decisive.description].filter((part) => part).join(" · "),
    fee: null,
  };
}
