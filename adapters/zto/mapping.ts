/**
 * Pure ZTO mapping: normalized commands → ZOP request bodies, ZOP replies → normalized results.
 * No I/O here, so every function is tested with fixtures.
 */
import type {
  CancelAccepted,
  CarrierError,
  CarrierResult,
  PickupCancelCommand,
  TrackingEvent,
  TrackResult,
} from "../../contracts/carrier-adapter.ts";
import type { Reason } from "../../contracts/normalized.ts";
import {
  badResponse,
  type CarrierHttpResponse,
  parseJson,
  refusedByStatus,
  replyExcerpt,
} from "../http.ts";
import { ZTO_CARRIER } from "./client.ts";
import { ztoError } from "./errors.ts";
import {
  ZtoCancelResultSchema,
  type ZtoCancelType,
  ZtoEnvelopeSchema,
  type ZtoTrace,
  ZtoTrackResultSchema,
} from "./schema.ts";
import { isCentreFlag, stateOfScan } from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: ZTO_CARRIER, ...error } };
}

/** Body of `zto.merchant.waybill.track.query` for one waybill. */
export function buildTrackQuery(trackingNumber: string): Record<string, unknown> {
  // `mobilePhone` (last 4 digits of a phone) is optional and the gateway has none to give; ZTO
  // asks for it with E413 when this app may not see the parcel otherwise (mapped to rejected).
  return { billCode: trackingNumber };
}

/**
 * Legend: our Reason → cancelPreOrder `cancelType` (1 不想寄了, 2 下错单, 3 重复下单, 4 运费太贵,
 * 5 无人联系, 6 取件太慢, 7 态度差).
 * - merchant_error → "2" 下错单: the merchant placed the wrong order, exactly what 2 says.
 * - buyer_cancelled, address_error, logistics_exception, other → "1" 不想寄了: the shipper no
 *   longer wants this pickup. 2 would claim the order itself was wrong, which only
 *   merchant_error says; 3–7 complain about price or ZTO's service, which no reason of ours
 *   expresses.
 */
export function cancelTypeOf(reason: Reason): ZtoCancelType {
  return reason === "merchant_error" ? "2" : "1";
}

/**
 * Body of `zto.open.cancelPreOrder` by waybill number. cancelPreOrder has no request-id field,
 * so `command.reference` cannot travel; cancelling by billCode is a repeatable act anyway.
 */
export function buildCancelPreOrder(command: PickupCancelCommand): Record<string, unknown> {
  // Key order matters only for reproducible digests in tests: cancelType first, as zto.md shows.
  return { cancelType: cancelTypeOf(command.reason), billCode: command.trackingNumber };
}

/**
 * Unwraps a ZOP reply: HTTP status, then the envelope. Returns `result` when `status` is true
 * (success codes vary by API, so the code is not checked), a CarrierError otherwise.
 */
export function unwrapZtoReply(response: CarrierHttpResponse): CarrierResult<unknown> {
  if (response.status === 404) {
    // Integrators report HTTP 404 from ZTO's test gateway for APIs it does not offer.
    return fail({
      code: "rejected",
      message: "ZTO answered HTTP 404: the API is not offered in this environment",
      retryable: false,
      carrierCode: "HTTP_404",
    });
  }
  const refused = refusedByStatus(ZTO_CARRIER, "ZTO", response);
  if (refused) {
    return refused;
  }
  const json = parseJson(response.body);
  if (!json.ok) {
    return badResponse(ZTO_CARRIER, "ZTO reply is not JSON", replyExcerpt(response.body));
  }
  const envelope = ZtoEnvelopeSchema.safeParse(json.value);
  if (!envelope.success) {
    return badResponse(ZTO_CARRIER, "ZTO reply has an unexpected shape", envelope.error.message);
  }
  const reply = envelope.data;
  if (!reply.status) {
    return fail(ztoError(reply.statusCode ?? "UNKNOWN", reply.message ?? ""));
  }
  return { ok: true, value: reply.result ?? null };
}

/**
 * A ZTO scan time → ISO-8601 UTC. Digits are epoch milliseconds (the ZOP DTO); otherwise
 * `yyyy-MM-dd HH:mm:ss`, ASSUMED China Standard Time (UTC+8) as ZTO operates there. Null when
 * unreadable.
 */
export function ztoTimeToIso(text: string): string | null {
  const trimmed = text.trim();
  if (/^\d{10,13}$/.test(trimmed)) {
    // Ten digits would be seconds; ZOP sends milliseconds, but a seconds value is unambiguous.
    const ms = trimmed.length === 10 ? Number(trimmed) * 1000 : Number(trimmed);
    return new Date(ms).toISOString();
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(trimmed);
  if (match === null) {
    return null;
  }
  const [, year, month, day, hour, minute, second] = match;
  const at = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}+08:00`);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

function eventOf(trace: ZtoTrace, at: string): TrackingEvent {
  return {
    at,
    carrierCode: trace.scanType,
    description: [trace.desc, trace.scanSite?.name].filter((part) => part).join(" · "),
    state: stateOfScan(trace.scanType, isCentreFlag(trace.scanSite?.isCenter)) ?? "unknown",
  };
}

/**
 * Parses a trace-query `result`. No scans → `not_collected` (the waybill exists, nothing has
 * happened yet; an unknown number is E416 before we get here). Otherwise the latest scan with a
 * listed type decides, and `unknown` when none has one. A scan for another waybill or with an
 * unreadable time means the reply is not what we asked for: bad_response.
 */
export function parseTrackReply(
  trackingNumber: string,
  result: unknown,
): CarrierResult<TrackResult> {
  const reply = ZtoTrackResultSchema.safeParse(result);
  if (!reply.success) {
    return badResponse(ZTO_CARRIER, "ZTO trace reply has an unexpected shape", reply.error.message);
  }
  const events: TrackingEvent[] = [];
  for (const trace of reply.data ?? []) {
    // What ZTO sent goes to the diagnostic: the other waybill may be another shipper's.
    if (trace.billCode && trace.billCode !== trackingNumber) {
      return badResponse(
        ZTO_CARRIER,
        "ZTO trace reply is for another waybill",
        `billCode ${trace.billCode}, asked for ${trackingNumber}`,
      );
    }
    const at = ztoTimeToIso(trace.scanDate);
    if (at === null) {
      return badResponse(
        ZTO_CARRIER,
        "ZTO trace has an unreadable scan time",
        `scanDate ${trace.scanDate}`,
      );
    }
    events.push(eventOf(trace, at));
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (events.length === 0) {
    return { ok: true, value: { trackingNumber, state: "not_collected", events } };
  }
  const decisive = [...events].reverse().find((event) => event.state !== "unknown");
  return { ok: true, value: { trackingNumber, state: decisive?.state ?? "unknown", events } };
}

/** Reads an accepted cancelPreOrder (`result: {}`): nothing in it matters but its shape. */
export function parseCancelReply(result: unknown): CarrierResult<CancelAccepted> {
  const reply = ZtoCancelResultSchema.safeParse(result);
  if (!reply.success) {
    return badResponse(
      ZTO_CARRIER,
      "ZTO cancel reply has an unexpected shape",
      reply.error.message,
    );
  }
  return { ok: true, value: { cancelled: true } };
}
