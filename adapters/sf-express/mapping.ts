/**
 * Pure SF mapping: normalized commands → msgData, SF replies and pushes → normalized results.
 * No I/O here, so every function is tested with fixtures.
 */
import type {
  CancelCommand,
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
import type { Action, Address, Money } from "../../contracts/normalized.ts";
import { chinaTimeToIso } from "../china-time.ts";
import {
  badResponse,
  type CarrierHttpResponse,
  parseJson,
  refusedByStatus,
  replyExcerpt,
} from "../http.ts";
import { SF_CARRIER } from "./client.ts";
import { SF_PLATFORM_OK, sfBusinessError, sfPlatformError } from "./errors.ts";
import {
  SfBusinessEnvelopeSchema,
  SfEnvelopeSchema,
  SfInterceptReplySchema,
  type SfNewDestAddress,
  type SfPushRoute,
  type SfRoute,
  SfRoutePushSchema,
  SfRouteQueryReplySchema,
} from "./schema.ts";
import { meaningOfOpCode } from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: SF_CARRIER, ...error } };
}

/** msgData for `EXP_RECE_SEARCH_ROUTES` by SF waybill number (official sample 05). */
export function buildRouteQuery(trackingNumber: string): Record<string, unknown> {
  return {
    language: "0",
    // "1" = SF waybill number.
    trackingType: "1",
    trackingNumber: [trackingNumber],
    // The official SDK sample sends "1"; its meaning was not found.
    methodType: "1",
  };
}

/**
 * Legend: PaymentTerms → SF `payMode` (1 sender cash, 2 recipient cash, 3 sender→third-party
 * monthly, 4 sender monthly).
 * - free_return (platform pays, pickup service): "3" on the platform's monthly card.
 * - collect_on_delivery (merchant pays freight on arrival, 到付): "2".
 * - free_redirect (the platform's one free redirect): "3" on the platform's monthly card.
 * - paid_redirect (merchant pays): "1", the sender (merchant) pays.
 * - none: should not reach a carrier (a lock); treated like the merchant paying, "1".
 */
export function payModeOf(
  payment: PaymentTerms,
  monthlyCardNo: string,
): { payMode: "1" | "2" | "3"; monthlyCardNo?: string } {
  switch (payment.mode) {
    case "free_return":
    case "free_redirect":
      return { payMode: "3", monthlyCardNo };
    case "collect_on_delivery":
      return { payMode: "2" };
    case "paid_redirect":
    case "none":
      return { payMode: "1" };
  }
}

/** Legend: normalized action → the intercept msgData `serviceCode` ("1" 转寄, "2" 退回). */
export function interceptServiceCodeOf(action: Action): "1" | "2" {
  return action === "redirect" ? "1" : "2";
}

/** Maps the gateway's Address to SF `newDestAddress`. */
export function toNewDestAddress(address: Address): SfNewDestAddress {
  return {
    province: address.province ?? address.city,
    city: address.city,
    // SF requires county; our Address makes district optional, so fall back to the city.
    county: address.district ?? address.city,
    address: [address.line1, address.line2]
      .filter((part) => part !== undefined && part !== "")
      .join(" "),
    contact: address.name,
    phone: address.phone,
    countryCode: address.country,
  };
}

/**
 * msgData for a return (intercept). `cusId` carries the gateway's stable reference (ASSUMED:
 * SF accepts a client-chosen cusId and echoes it), so a repeat is recognisable.
 */
export function buildIntercept(
  command: InterceptCommand,
  monthlyCardNo: string,
): Record<string, unknown> {
  return {
    waybillNo: command.trackingNumber,
    serviceCode: interceptServiceCodeOf("intercept"),
    // "1" = the sender (the merchant, through the platform) asks.
    role: "1",
    ...payModeOf(command.payment, monthlyCardNo),
    cusId: command.reference,
  };
}

/** msgData for a redirect (转寄) to the command's new address. */
export function buildRedirect(
  command: RedirectCommand,
  monthlyCardNo: string,
): Record<string, unknown> {
  return {
    waybillNo: command.trackingNumber,
    serviceCode: interceptServiceCodeOf("redirect"),
    role: "1",
    ...payModeOf(command.payment, monthlyCardNo),
    newDestAddress: toNewDestAddress(command.redirectTo),
    cusId: command.reference,
  };
}

/** msgData withdrawing an earlier instruction: `cancel: true` + its `cusId`. */
export function buildCancel(command: CancelCommand): Record<string, unknown> {
  return {
    waybillNo: command.trackingNumber,
    serviceCode: interceptServiceCodeOf(command.action),
    role: "1",
    cancel: true,
    cusId: command.carrierReference,
  };
}

/**
 * Unwraps an SF reply: HTTP status, platform envelope, inner business envelope. Returns the
 * inner `msgData` on success, a CarrierError otherwise.
 */
export function unwrapSfReply(response: CarrierHttpResponse): CarrierResult<unknown> {
  const refused = refusedByStatus(SF_CARRIER, "SF", response);
  if (refused) {
    return refused;
  }
  const json = parseJson(response.body);
  if (!json.ok) {
    return badResponse(SF_CARRIER, "SF reply is not JSON", replyExcerpt(response.body));
  }
  const outer = SfEnvelopeSchema.safeParse(json.value);
  let inner: unknown;
  if (outer.success) {
    const envelope = outer.data;
    if (envelope.apiResultCode !== SF_PLATFORM_OK) {
      return fail(sfPlatformError(envelope.apiResultCode, envelope.apiErrorMsg ?? ""));
    }
    const data = envelope.apiResultData;
    if (typeof data === "string") {
      const parsed = parseJson(data);
      if (!parsed.ok) {
        return badResponse(SF_CARRIER, "SF apiResultData is not JSON");
      }
      inner = parsed.value;
    } else if (data === null || data === undefined) {
      return badResponse(SF_CARRIER, "SF reply has A1000 but no apiResultData");
    } else {
      inner = data;
    }
  } else {
    // A few services answer the bare inner envelope without the platform wrapper.
    inner = json.value;
  }
  const business = SfBusinessEnvelopeSchema.safeParse(inner);
  if (!business.success) {
    return badResponse(SF_CARRIER, "SF reply has an unexpected shape", business.error.message);
  }
  const result = business.data;
  if (!result.success) {
    const message = result.errorMsg ?? result.errorMessage ?? result.message ?? "";
    return fail(sfBusinessError(result.errorCode ?? "UNKNOWN", message));
  }
  return { ok: true, value: result.msgData ?? null };
}

function eventOf(route: SfRoute): TrackingEvent {
  const meaning = meaningOfOpCode(route.opCode);
  return {
    at: chinaTimeToIso(route.acceptTime),
    carrierCode: route.opCode,
    description: [route.remark, route.acceptAddress].filter((part) => part).join(" · "),
    state: meaning?.state ?? "unknown",
  };
}

/**
 * Parses a route query reply for one waybill. No routes → `not_collected` (SF knows the
 * waybill but nothing happened yet); otherwise the latest route with a code in the legend
 * decides, and `unknown` when no route has a known code.
 */
export function parseTrackReply(
  trackingNumber: string,
  msgData: unknown,
): CarrierResult<TrackResult> {
  const reply = SfRouteQueryReplySchema.safeParse(msgData);
  if (!reply.success) {
    return badResponse(SF_CARRIER, "SF route reply has an unexpected shape", reply.error.message);
  }
  const entry = reply.data.routeResps.find((r) => r.mailNo === trackingNumber);
  if (entry === undefined) {
    return fail({
      code: "unknown_parcel",
      message: "SF returned no routes entry for this waybill",
      retryable: false,
    });
  }
  const events = (entry.routes ?? [])
    .map(eventOf)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (events.length === 0) {
    return { ok: true, value: { trackingNumber, state: "not_collected", events } };
  }
  const decisive = [...events].reverse().find((event) => event.state !== "unknown");
  return {
    ok: true,
    value: { trackingNumber, state: decisive?.state ?? "unknown", events },
  };
}

function toMoney(amount: number | string | null | undefined): Money | null {
  if (amount === null || amount === undefined || amount === "") {
    return null;
  }
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value) || value < 0) {
    return null;
  }
  // SF amounts are CNY yuan; round to fen through integers to avoid float artefacts.
  const fen = Math.round(value * 100);
  return {
    amount: `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`,
    currency: "CNY",
  };
}

/** Reads an accepted intercept/redirect: carrierReference = cusId echoed, else our reference. */
export function parseSubmitReply(
  msgData: unknown,
  reference: string,
): CarrierResult<SubmitAccepted> {
  const reply = SfInterceptReplySchema.safeParse(msgData);
  if (!reply.success) {
    return badResponse(
      SF_CARRIER,
      "SF intercept reply has an unexpected shape",
      reply.error.message,
    );
  }
  return {
    ok: true,
    value: {
      carrierReference: reply.data?.cusId ?? reference,
      fee: toMoney(reply.data?.amount),
    },
  };
}

function reportOf(route: SfPushRoute): CarrierReport {
  const meaning = meaningOfOpCode(route.opCode);
  return {
    eventId: route.id,
    trackingNumber: route.mailno,
    at: chinaTimeToIso(route.acceptTime),
    outcome: meaning?.outcome ?? null,
    parcelState: meaning?.state ?? "unknown",
    detail: [route.remark, route.reasonName, route.acceptAddress]
      .filter((part) => part)
      .join(" · "),
    fee: null,
  };
}

/** Parses a json-mode route push into one report per route. */
export function parseRoutePush(body: string): CarrierResult<CarrierReport[]> {
  const json = parseJson(body);
  if (!json.ok) {
    return badResponse(SF_CARRIER, "SF push body is not JSON");
  }
  const push = SfRoutePushSchema.safeParse(json.value);
  if (!push.success) {
    return badResponse(SF_CARRIER, "SF push has an unexpected shape", push.error.message);
  }
  return { ok: true, value: push.data.Body.WaybillRoute.map(reportOf) };
}

/** The acknowledgement SF expects for a json-mode push (`0000` = received). */
export const SF_PUSH_ACK = { return_code: "0000", return_msg: "成功" } as const;
