/**
 * Pure Kuaidi100 mapping: normalized commands → `param` objects, Kuaidi100 replies and result
 * callbacks → normalized results. No I/O here, so every function is tested with fixtures.
 */
import type {
  CarrierError,
  CarrierReport,
  CarrierResult,
  InterceptCommand,
  PaymentTerms,
  RedirectCommand,
  SubmitAccepted,
  TrackingEvent,
  TrackResult,
} from "../../contracts/carrier-adapter.ts";
import type { Address, ParcelState, Reason } from "../../contracts/normalized.ts";
import { chinaTimeToIso } from "../china-time.ts";
import {
  badResponse,
  type CarrierHttpResponse,
  parseJson,
  refusedByStatus,
  replyExcerpt,
} from "../http.ts";
import { KUAIDI100_CARRIER } from "./client.ts";
import { LABEL_OK, labelError, queryError } from "./errors.ts";
import {
  type InterceptCallbackParam,
  InterceptCallbackParamSchema,
  type InterceptOrderParam,
  type InterceptPayType,
  type InterceptType,
  LabelReplySchema,
  type ManInfo,
  QueryErrorReplySchema,
  type QueryParam,
  QueryReplySchema,
  type QueryTrackData,
} from "./schema.ts";
import {
  callbackLabels,
  callbackOutcomes,
  meaningOfState,
  meaningOfStatusLabel,
} from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: KUAIDI100_CARRIER, ...error } };
}

/** What the mapping needs from the settings: the company code, callback secret and URL. */
export interface InterceptDefaults {
  /** Kuaidi100 company code (`kuaidicom`), lowercase, e.g. `yuantong`, `zhongtong`. */
  company: string;
  salt: string;
  callbackUrl: string;
}

/**
 * Real-time query param. `resultv2: "4"` asks for the detailed state codes (status.ts), which
 * are the only ones that tell "not collected" and "arrived at the delivery city" apart.
 */
export function buildTrackQuery(company: string, trackingNumber: string): QueryParam {
  return { com: company, num: trackingNumber, resultv2: "4", show: "0", order: "desc" };
}

/**
 * Legend: PaymentTerms → `interceptPayType` (SHIPPER 寄付, CONSIGNEE 到付, THIRDPARTY 第三方月结,
 * MONTHLY 寄付月结).
 * - free_return (the platform's pickup service brings it back, the platform pays): THIRDPARTY,
 *   the platform is a third party to the shipment and settles on its own account.
 * - collect_on_delivery (the merchant pays freight when the return arrives, seed 003 到付):
 *   CONSIGNEE, freight collected from whoever receives the returned parcel, the merchant.
 * - free_redirect (the platform's one free redirect): THIRDPARTY, as free_return.
 * - paid_redirect (any later redirect, the merchant pays): SHIPPER, the merchant shipped it.
 * - none: should never reach a carrier (a lock); the merchant as shipper, SHIPPER.
 * MONTHLY (the shipper's own monthly account) is not used: the gateway holds no merchant account.
 */
export function interceptPayTypeOf(payment: PaymentTerms): InterceptPayType {
  switch (payment.mode) {
    case "free_return":
    case "free_redirect":
      return "THIRDPARTY";
    case "collect_on_delivery":
      return "CONSIGNEE";
    case "paid_redirect":
    case "none":
      return "SHIPPER";
  }
}

/** The free-text `reason` Kuaidi100 forwards to the carrier's outlet, in Chinese. */
const REASON_TEXT: Record<Reason, string> = {
  buyer_cancelled: "买家取消订单",
  merchant_error: "商家发错货",
  address_error: "收件地址错误",
  logistics_exception: "物流异常",
  other: "其他原因",
};

export function reasonText(reason: Reason, note?: string): string {
  const text = REASON_TEXT[reason];
  return note === undefined || note.trim() === "" ? text : `${text}: ${note.trim()}`;
}

/**
 * Address → `recManInfo` (`ManInfo`): both the full `printAddr` and its parts, so Kuaidi100 can
 * use either. The phone goes in `mobile` without spaces.
 */
export function toRecManInfo(address: Address): ManInfo {
  const street = [address.line1, address.line2]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
  return {
    name: address.name,
    mobile: address.phone.replace(/\s+/g, ""),
    printAddr: [address.province, address.city, address.district, street]
      .filter((part) => part !== undefined && part !== "")
      .join(""),
    ...(address.province === undefined ? {} : { province: address.province }),
    city: address.city,
    ...(address.district === undefined ? {} : { district: address.district }),
    addr: street,
  };
}

function baseParam(
  command: InterceptCommand,
  interceptType: InterceptType,
  defaults: InterceptDefaults,
): InterceptOrderParam {
  return {
    kuaidicom: defaults.company,
    kuaidinum: command.trackingNumber,
    interceptType,
    reason: reasonText(command.reason, command.note),
    // Our stable reference: the callback echoes it and a retry is recognisable.
    orderId: command.reference,
    // "1" = the sender (the merchant, through the platform) asks.
    orderRole: "1",
    interceptPayType: interceptPayTypeOf(command.payment),
    salt: defaults.salt,
    callbackUrl: defaults.callbackUrl,
  };
}

/** `interceptOrder` param for a return to the sender's address (RETURN_SEND_ADDR). */
export function buildInterceptParam(
  command: InterceptCommand,
  defaults: InterceptDefaults,
): InterceptOrderParam {
  return baseParam(command, "RETURN_SEND_ADDR", defaults);
}

/** `interceptOrder` param for a change of address (MODIFY_ADDR) with `recManInfo`. */
export function buildRedirectParam(
  command: RedirectCommand,
  defaults: InterceptDefaults,
): InterceptOrderParam {
  return {
    ...baseParam(command, "MODIFY_ADDR", defaults),
    recManInfo: toRecManInfo(command.redirectTo),
  };
}

/** Unwraps a label API reply `{code, message, data, time}`: `data` on 200, an error otherwise. */
export function unwrapLabelReply(response: CarrierHttpResponse): CarrierResult<unknown> {
  const status = refusedByStatus(KUAIDI100_CARRIER, "Kuaidi100", response);
  if (status !== null) {
    return status;
  }
  const json = parseJson(response.body);
  if (!json.ok) {
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 reply is not JSON",
      replyExcerpt(response.body),
    );
  }
  const reply = LabelReplySchema.safeParse(json.value);
  if (!reply.success) {
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 label reply has an unexpected shape",
      reply.error.message,
    );
  }
  if (reply.data.code !== LABEL_OK) {
    return fail(labelError(reply.data.code, reply.data.message ?? ""));
  }
  return { ok: true, value: reply.data.data ?? null };
}

/**
 * Reads an accepted intercept/redirect. Kuaidi100 offers no cancel and the callback echoes our
 * `orderId`, so the carrier reference is our own reference; the `data` is opaque (its type is
 * unknown, carrier-wire-formats.md §3.2) and no fee is quoted.
 */
export function parseSubmitReply(reference: string): SubmitAccepted {
  return { carrierReference: reference, fee: null };
}

function eventOf(entry: QueryTrackData): TrackingEvent {
  const meaning =
    (entry.statusCode ? meaningOfState(entry.statusCode) : undefined) ??
    (entry.status ? meaningOfStatusLabel(entry.status) : undefined);
  return {
    at: chinaTimeToIso(entry.ftime ?? entry.time),
    carrierCode: entry.statusCode ?? entry.status ?? "",
    description: [entry.context, entry.areaName].filter((part) => part).join(" · "),
    state: meaning?.state ?? "unknown",
  };
}

/**
 * Parses a real-time query reply. The top-level `state` decides when the legend lists it;
 * otherwise the latest event with a listed code; `unknown` when nothing is readable.
 */
export function parseTrackReply(
  trackingNumber: string,
  response: CarrierHttpResponse,
): CarrierResult<TrackResult> {
  const status = refusedByStatus(KUAIDI100_CARRIER, "Kuaidi100", response);
  if (status !== null) {
    return status;
  }
  const json = parseJson(response.body);
  if (!json.ok) {
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 reply is not JSON",
      replyExcerpt(response.body),
    );
  }
  const refused = QueryErrorReplySchema.safeParse(json.value);
  if (refused.success) {
    return fail(queryError(refused.data.returnCode, refused.data.message ?? ""));
  }
  const reply = QueryReplySchema.safeParse(json.value);
  if (!reply.success) {
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 query reply has an unexpected shape",
      reply.error.message,
    );
  }
  const { state: stateCode, status: commStatus, nu } = reply.data;
  // `status` is the "通讯状态": 200 on a good answer. Anything else is a refusal in disguise.
  if (commStatus !== null && commStatus !== undefined && commStatus !== "200") {
    return fail(queryError(commStatus, reply.data.message ?? ""));
  }
  if (nu !== null && nu !== undefined && nu !== "" && nu !== trackingNumber) {
    // The number Kuaidi100 sent goes to the diagnostic: it may be another shipper's parcel.
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 answered for another tracking number",
      `nu ${nu}, asked for ${trackingNumber}`,
    );
  }
  const events = reply.data.data
    .map(eventOf)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const decisive = stateCode ? meaningOfState(stateCode) : undefined;
  const fromEvents = [...events].reverse().find((event) => event.state !== "unknown");
  const state: ParcelState = decisive?.state ?? fromEvents?.state ?? "unknown";
  return { ok: true, value: { trackingNumber, state, events } };
}

/**
 * The parcel's state after a reported outcome: the callback's own `state` code when it has one
 * the legend lists; otherwise what the outcome implies (ASSUMED: a successful return is
 * `returned`, a successful redirect keeps moving; a failure says nothing about where it is).
 */
function stateAfter(param: InterceptCallbackParam): ParcelState {
  const meaning = param.state ? meaningOfState(param.state) : undefined;
  if (meaning !== undefined) {
    return meaning.state;
  }
  if (param.status === "success") {
    return param.interceptType === "MODIFY_ADDR" ? "in_transit" : "returned";
  }
  return "unknown";
}

/**
 * Reads the `param` of an intercept result callback (ASSUMED format) into one report. The
 * event id is derived from what the report says, so a retried push (Kuaidi100 retries up to 3
 * times) has the same id and is ignored.
 */
export function parseInterceptCallback(
  paramText: string,
  receivedAt: Date,
): CarrierResult<CarrierReport[]> {
  const json = parseJson(paramText);
  if (!json.ok) {
    return badResponse(KUAIDI100_CARRIER, "Kuaidi100 callback param is not JSON");
  }
  const parsed = InterceptCallbackParamSchema.safeParse(json.value);
  if (!parsed.success) {
    return badResponse(
      KUAIDI100_CARRIER,
      "Kuaidi100 callback has an unexpected shape",
      parsed.error.message,
    );
  }
  const param = parsed.data;
  return {
    ok: true,
    value: [
      {
        eventId: `${param.orderId}:${param.kuaidinum}:${param.status}`,
        // Our reference, sent as `orderId` and echoed: the report belongs to that interception.
        reference: param.orderId,
        trackingNumber: param.kuaidinum,
        at: param.time ? chinaTimeToIso(param.time) : receivedAt.toISOString(),
        outcome: callbackOutcomes[param.status],
        parcelState: stateAfter(param),
        // Kuaidi100's own message is free text: for the log, not the merchant.
        detail: callbackLabels[param.status],
        ...(param.message ? { diagnostic: param.message } : {}),
        fee: null,
      },
    ],
  };
}

/** The acknowledgement Kuaidi100 expects; anything else is retried (java-demo `Subscribe`). */
export const KUAIDI100_CALLBACK_ACK = {
  result: true,
  returnCode: "200",
  message: "成功",
} as const;
