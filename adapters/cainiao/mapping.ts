/**
 * Pure Cainiao / TOP mapping: normalized commands → TOP API params, TOP replies and result
 * notifications → normalized results. No I/O here, so every function is tested with fixtures.
 */
import type {
  CarrierError,
  CarrierReport,
  CarrierResult,
  InterceptCommand,
  SubmitAccepted,
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
import { CAINIAO_CARRIER, DELIVERY_CUT_NOTIFY_METHOD } from "./client.ts";
import { deliveryCutError, topError } from "./errors.ts";
import {
  type CutOffDeliveryProcessRequest,
  DeliveryCutReplySchema,
  NotifyCutOffStatusRequestSchema,
  TopErrorResponseSchema,
  TraceGetReplySchema,
  type TransitStepInfo,
} from "./schema.ts";
import { interceptStatuses, meaningOfAction } from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: CAINIAO_CARRIER, ...error } };
}

/**
 * Legend: normalized Reason → `intercept_reason` text. The field is free text ("配拦截发起原因");
 * no enumeration was found, so these Chinese phrases are ASSUMED to be acceptable.
 */
export const interceptReasonText: Record<Reason, string> = {
  buyer_cancelled: "买家取消订单",
  merchant_error: "商家发错货",
  address_error: "收货地址错误",
  logistics_exception: "物流异常",
  other: "其他原因",
};

/** `intercept_reason`: the legend text, with the merchant's note after it when given. */
export function reasonOf(command: InterceptCommand): string {
  const text = interceptReasonText[command.reason];
  const note = command.note?.trim();
  return note ? `${text}：${note}` : text;
}

/**
 * The delivery cut's request object. `outer_order_id` (业务单号) carries the gateway's stable
 * reference so a repeat is recognisable; the payment terms have no field in this API (fees are
 * settled with the carrier outside it).
 */
export function buildDeliveryCut(
  command: InterceptCommand,
  cpCode: string,
  now: Date,
): CutOffDeliveryProcessRequest {
  return {
    mail_no: command.trackingNumber,
    outer_order_id: command.reference,
    // Format not stated in the metadata; TOP's own timestamp format (GMT+8) is ASSUMED.
    intercept_time: formatChinaTime(now),
    intercept_reason: reasonOf(command),
    tms_cp_code: cpCode,
  };
}

/** The delivery cut as TOP API params: one object param, JSON-encoded (§4.1). */
export function deliveryCutParams(request: CutOffDeliveryProcessRequest): Record<string, string> {
  return { cut_off_delivery_process_request: JSON.stringify(request) };
}

/**
 * Params of the trace query. ASSUMED keys: taobao.logistics.trace.get documents only `tid` (the
 * Taobao trade id), which the gateway does not have; we send the waybill as `mail_no` with the
 * carrier code. Correct here once a waybill-keyed TOP trace API is confirmed.
 */
export function buildTraceQuery(trackingNumber: string, cpCode: string): Record<string, string> {
  return { mail_no: trackingNumber, tms_cp_code: cpCode };
}

/** The JSON root of a method's reply: no `taobao.` prefix, dots → underscores, `_response`. */
export function responseRootOf(method: string): string {
  return `${method.replace(/^taobao\./, "").replaceAll(".", "_")}_response`;
}

/**
 * Unwraps a TOP reply: HTTP status, `error_response`, then the method's `…_response` root.
 * Returns the root object, or a CarrierError.
 */
export function unwrapTopReply(
  response: CarrierHttpResponse,
  method: string,
): CarrierResult<unknown> {
  const refused = refusedByStatus(CAINIAO_CARRIER, "TOP", response);
  if (refused) {
    return refused;
  }
  const json = parseJson(response.body);
  if (!json.ok) {
    return badResponse(CAINIAO_CARRIER, "TOP reply is not JSON", replyExcerpt(response.body));
  }
  const error = TopErrorResponseSchema.safeParse(json.value);
  if (error.success) {
    const e = error.data.error_response;
    return fail(topError(e.code, e.msg ?? "", e.sub_code ?? "", e.sub_msg ?? ""));
  }
  const root = responseRootOf(method);
  const value = json.value;
  if (typeof value !== "object" || value === null || !Object.hasOwn(value, root)) {
    return badResponse(CAINIAO_CARRIER, `TOP reply has neither error_response nor ${root}`);
  }
  return { ok: true, value: (value as Record<string, unknown>)[root] };
}

function eventOf(step: TransitStepInfo): TrackingEvent {
  const meaning = meaningOfAction(step.action);
  return {
    at: chinaTimeToIso(step.status_time),
    carrierCode: step.action ?? "",
    description: step.status_desc ?? "",
    state: meaning?.state ?? "unknown",
  };
}

/**
 * Parses a trace reply for one waybill. No entry for it → `unknown_parcel`; an entry with no
 * steps → `not_collected` (known, nothing happened yet); otherwise the latest step with a
 * listed action decides, `unknown` when none is listed.
 */
export function parseTraceReply(trackingNumber: string, root: unknown): CarrierResult<TrackResult> {
  const reply = TraceGetReplySchema.safeParse(root);
  if (!reply.success) {
    return badResponse(
      CAINIAO_CARRIER,
      "TOP trace reply has an unexpected shape",
      reply.error.message,
    );
  }
  const entry = reply.data.result.find((r) => r.out_sid === trackingNumber);
  if (entry === undefined) {
    return fail({
      code: "unknown_parcel",
      message: "TOP returned no trace for this waybill",
      retryable: false,
    });
  }
  const events = entry.trace_list
    .map(eventOf)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (events.length === 0) {
    return { ok: true, value: { trackingNumber, state: "not_collected", events } };
  }
  const decisive = [...events].reverse().find((event) => event.state !== "unknown");
  return { ok: true, value: { trackingNumber, state: decisive?.state ?? "unknown", events } };
}

/**
 * Reads a delivery cut reply. TOP returns no id of its own for the cut, so the carrier
 * reference is the `outer_order_id` we sent (the gateway's reference). No fee is quoted.
 */
export function parseDeliveryCutReply(
  root: unknown,
  reference: string,
): CarrierResult<SubmitAccepted> {
  const reply = DeliveryCutReplySchema.safeParse(root);
  if (!reply.success) {
    return badResponse(
      CAINIAO_CARRIER,
      "TOP delivery cut reply has an unexpected shape",
      reply.error.message,
    );
  }
  const data = reply.data;
  if (!data.suc) {
    return fail(
      deliveryCutError(
        data.biz_error_code ?? "",
        data.biz_error_message ?? "",
        data.retry === true,
      ),
    );
  }
  return { ok: true, value: { carrierReference: reference, fee: null } };
}

/**
 * Parses a verified result notification (the params of a cut.notify form) into one report.
 * `eventId` is waybill + our reference + status, so a repeated notification of the same result
 * is recognised; `at` is the notification's TOP timestamp.
 */
export function parseCutNotify(params: Record<string, string>): CarrierResult<CarrierReport[]> {
  if (params.method !== DELIVERY_CUT_NOTIFY_METHOD) {
    // The pushed method name is the caller's text: logged, not echoed in the message.
    return badResponse(
      CAINIAO_CARRIER,
      "TOP push for an unexpected method",
      `method ${params.method ?? "(none)"}`,
    );
  }
  const text = params.notify_cut_off_delivery_process_status_request;
  if (text === undefined) {
    return badResponse(
      CAINIAO_CARRIER,
      "TOP push without notify_cut_off_delivery_process_status_request",
    );
  }
  const json = parseJson(text);
  if (!json.ok) {
    return badResponse(
      CAINIAO_CARRIER,
      "TOP push notify_cut_off_delivery_process_status_request is not JSON",
    );
  }
  const notify = NotifyCutOffStatusRequestSchema.safeParse(json.value);
  if (!notify.success) {
    return badResponse(CAINIAO_CARRIER, "TOP push has an unexpected shape", notify.error.message);
  }
  const n = notify.data;
  const meaning = interceptStatuses[n.intercept_status];
  return {
    ok: true,
    value: [
      {
        eventId: `${n.mail_no}:${n.outer_order_id ?? ""}:${n.intercept_status}`,
        // Our reference, sent as `outer_order_id`: the report belongs to that interception.
        ...(n.outer_order_id ? { reference: n.outer_order_id } : {}),
        trackingNumber: n.mail_no,
        at: chinaTimeToIso(params.timestamp ?? ""),
        outcome: meaning.outcome,
        parcelState: meaning.state,
        // TOP's own reason for a failure or cancel is free text: for the log, not the merchant.
        detail: meaning.label,
        ...(n.intercept_status_message ? { diagnostic: n.intercept_status_message } : {}),
        fee: null,
      },
    ],
  };
}

/** The acknowledgement for a result notification, in TOP's reply shape for cut.notify. */
export const CUT_NOTIFY_ACK = {
  logistics_express_delivery_cut_notify_response: { suc: true, retry: false },
} as const;
