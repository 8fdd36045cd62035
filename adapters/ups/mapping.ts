/**
 * Pure UPS mapping: normalized commands → Delivery Intercept bodies, UPS replies and Track
 * Alert pushes → normalized results. No I/O here, so every function is tested with fixtures.
 */
import type {
  CarrierError,
  CarrierReport,
  CarrierResult,
  PolledOutcome,
  TrackingEvent,
  TrackResult,
} from "../../contracts/carrier-adapter.ts";
import type { Action, Address, Money, Reason } from "../../contracts/normalized.ts";
import { badResponse, type CarrierHttpResponse, parseJson, replyExcerpt } from "../http.ts";
import { UPS_CARRIER } from "./client.ts";
import { upsCodeError, upsDiReplyError, upsKnownCodes } from "./errors.ts";
import {
  UPS_PHONE,
  type UpsActivity,
  UpsChargesReplySchema,
  UpsEligibilityReplySchema,
  UpsErrorResponseSchema,
  type UpsNewDeliveryAddress,
  type UpsRequesterContact,
  type UpsRequestType,
  type UpsReturnReason,
  UpsSubmitReplySchema,
  type UpsSubmitRequest,
  UpsTrackingEventSchema,
  UpsTrackReplySchema,
} from "./schema.ts";
import { meaningOfStatus, type UpsSignal } from "./status.ts";

function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
  return { ok: false, error: { carrier: UPS_CARRIER, ...error } };
}

function rejectInput(message: string): { ok: false; error: CarrierError } {
  return fail({ code: "rejected", message, retryable: false });
}

/**
 * Legend: our Reason → UPS `reasonForReturn` (titles and descriptions from the spec).
 * - buyer_cancelled → AM "CANCELLED: receiver refused, cancelled order": the buyer cancelled.
 * - merchant_error → KS "NOT ORDERED: receiver did not order": a wrong item or quantity is
 *   goods the buyer did not order. AN "duplicate order" fits only a double shipment, which our
 *   Reason does not tell apart.
 * - address_error → FA "BAD ADDRESS: unable to resolve incorrect address".
 * - logistics_exception → KV "OTHER: other non-delivery": no UPS code names a delay or damage.
 * - other → KV.
 */
export function reasonForReturnOf(reason: Reason): UpsReturnReason {
  switch (reason) {
    case "buyer_cancelled":
      return "AM";
    case "merchant_error":
      return "KS";
    case "address_error":
      return "FA";
    case "logistics_exception":
    case "other":
      return "KV";
  }
}

/** Legend: our Action → DI `requestType` (RS return to sender, AA alternate address). */
export function requestTypeOf(action: Action): UpsRequestType {
  return action === "redirect" ? "AA" : "RS";
}

/**
 * Normalizes a phone to the spec's `^\+[0-9]{1,13}$`: digits only; a number without `+` and
 * 10 digits is a US national number (+1 added). Empty string when it cannot fit, which the spec
 * allows for `newDeliveryAddress.phoneNumber`.
 */
export function toUpsPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  const international = phone.trim().startsWith("+") || phone.trim().startsWith("00");
  let normalized: string;
  if (international) {
    normalized = `+${phone.trim().startsWith("00") ? digits.slice(2) : digits}`;
  } else if (digits.length === 10) {
    normalized = `+1${digits}`;
  } else {
    normalized = `+${digits}`;
  }
  return UPS_PHONE.test(normalized) ? normalized : "";
}

/**
 * Maps our Address to `newDeliveryAddress`. UPS redirects only within the US and Puerto Rico,
 * and the spec wants a 2-letter state and a ZIP; anything else is refused here, before UPS.
 */
export function toNewDeliveryAddress(address: Address): CarrierResult<UpsNewDeliveryAddress> {
  if (address.country !== "US" && address.country !== "PR") {
    return rejectInput(`UPS redirects only within the US and Puerto Rico, not ${address.country}`);
  }
  const state = (address.province ?? "").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(state)) {
    return rejectInput("UPS needs a 2-letter state code as the address province");
  }
  const postalCode = (address.postalCode ?? "").trim();
  if (!/^\d{5}(?:[-\s]\d{4})?$/.test(postalCode)) {
    return rejectInput("UPS needs a ZIP code (12345 or 12345-6789) as the postal code");
  }
  if (address.line1.length > 50 || (address.line2 ?? "").length > 35 || address.city.length > 30) {
    // Cutting an address short could deliver elsewhere; refuse instead.
    return rejectInput("Address too long for UPS (line1 50, line2 35, city 30 characters)");
  }
  const nickName = address.name.slice(0, 20);
  return {
    ok: true,
    value: {
      addressNickName: nickName.length >= 2 ? nickName : "Redirect",
      addressInfo: {
        addressLine1: address.line1,
        ...(address.line2 ? { addressLine2: address.line2 } : {}),
        city: address.city,
        state,
        postalCode,
        countryCode: address.country,
      },
      nameOrCompanyName: address.name,
      contactName: address.name,
      phoneNumber: toUpsPhone(address.phone),
    },
  };
}

function specialInstructionsOf(note: string | undefined): string | null {
  const text = (note ?? "").trim();
  return text === "" ? null : text.slice(0, 254);
}

/** `POST /return/{tn}` body: RS with the reason legend; specialInstructions is AA-only. */
export function buildReturnRequest(
  reason: Reason,
  requester: UpsRequesterContact,
): UpsSubmitRequest {
  return {
    requestType: "RS",
    requesterContactInfo: requester,
    specialInstructions: null,
    reasonForReturn: reasonForReturnOf(reason),
  };
}

/** `POST /redirect/address/{tn}` body: AA with the new address and the note for the driver. */
export function buildRedirectRequest(
  redirectTo: Address,
  note: string | undefined,
  requester: UpsRequesterContact,
): CarrierResult<UpsSubmitRequest> {
  const address = toNewDeliveryAddress(redirectTo);
  if (!address.ok) {
    return address;
  }
  return {
    ok: true,
    value: {
      requestType: "AA",
      requesterContactInfo: requester,
      specialInstructions: specialInstructionsOf(note),
      newDeliveryAddress: address.value,
    },
  };
}

/** `POST /cancel/{tn}` body: the requestType of the intercept being withdrawn. */
export function buildCancelRequest(
  action: Action,
  requester: UpsRequesterContact,
): UpsSubmitRequest {
  return {
    requestType: requestTypeOf(action),
    requesterContactInfo: requester,
    specialInstructions: null,
  };
}

/**
 * `POST /charges/{tn}` body. The spec marks `fromAddress`/`toAddress` required in each
 * ratingRequest; we do not know them and UPS knows the package, so we send the intercept
 * option only (ASSUMED accepted for RS, which moves no address).
 */
export function buildChargesRequest(option: UpsRequestType): Record<string, unknown> {
  return { ratingRequest: [{ trackInfo: { interceptOption: option } }] };
}

/**
 * Reads the HTTP layer of any UPS reply: 2xx → the JSON body; 401/403 → auth_failed; 404 →
 * unknown_parcel; other 4xx → the body's error code through the error table. (5xx and 429
 * are already errors from adapters/http.ts.)
 */
export function readUpsReply(response: CarrierHttpResponse): CarrierResult<unknown> {
  if (response.status >= 200 && response.status < 300) {
    const json = parseJson(response.body);
    return json.ok
      ? json
      : badResponse(UPS_CARRIER, "UPS reply is not JSON", replyExcerpt(response.body));
  }
  if (response.status >= 400 && response.status < 500) {
    const json = parseJson(response.body);
    const body = json.ok ? UpsErrorResponseSchema.safeParse(json.value) : null;
    const first = body?.success ? body.data.response.errors[0] : undefined;
    const code = first?.code ?? response.headers.apierrorcode ?? `HTTP_${response.status}`;
    const message = first?.message ?? response.headers.apierrormessage ?? "";
    return fail(upsCodeError(code, message, response.status));
  }
  return badResponse(
    UPS_CARRIER,
    `UPS answered HTTP ${response.status}`,
    replyExcerpt(response.body),
  );
}

/**
 * Reads an eligibility reply: OK when Return to Sender (`RTS`) may be created. Otherwise
 * `rejected` (UPS's warnings in `carrierMessage` and `diagnostic`, not in the message), or
 * `already_intercepted` when a warning carries the already-intercepted code.
 */
export function parseEligibility(json: unknown): CarrierResult<null> {
  const reply = UpsEligibilityReplySchema.safeParse(json);
  if (!reply.success) {
    return badResponse(
      UPS_CARRIER,
      "UPS eligibility reply has an unexpected shape",
      reply.error.message,
    );
  }
  const response = reply.data.response;
  if (response.success !== true || response.statusCode !== upsKnownCodes.ok) {
    return fail(upsDiReplyError(response));
  }
  const rts = (response.commonEligibilityMap ?? []).find((e) => e.interceptFeature === "RTS");
  const create = rts?.eligibilityValue.createEligibility ?? "UNKNOWN";
  if (create === "ELIGIBLE") {
    return { ok: true, value: null };
  }
  const warnings = Object.entries(response.warnings ?? {});
  for (const [code, text] of warnings) {
    const mapped = upsCodeError(code, text, 200);
    if (mapped.code === "already_intercepted" || mapped.code === "unknown_parcel") {
      return fail(mapped);
    }
  }
  const reason = warnings.map(([, text]) => text).join("; ");
  // UPS's warning text is its own free text: kept for support and the log, never shown to the
  // merchant, who gets the eligibility value from UPS's closed list.
  return fail({
    code: "rejected",
    message: `UPS: Return to Sender is ${create}`,
    retryable: false,
    carrierCode: warnings[0]?.[0] ?? `RTS_${create}`,
    carrierMessage: reason,
    ...(warnings.length === 0
      ? {}
      : { diagnostic: `UPS warnings: ${warnings.map(([c, t]) => `${c} ${t}`).join("; ")}` }),
  });
}

/** A UPS charge string as Money, or null when it does not fit our amount format. */
function moneyOf(amount: string, currency: string): Money | null {
  return /^\d{1,12}(\.\d{1,2})?$/.test(amount) ? { amount, currency } : null;
}

/** Reads a charges reply for one package: the total for `option` in the charge currency. */
export function parseCharges(
  json: unknown,
  trackingNumber: string,
  option: UpsRequestType,
): CarrierResult<Money | null> {
  const reply = UpsChargesReplySchema.safeParse(json);
  if (!reply.success) {
    return badResponse(
      UPS_CARRIER,
      "UPS charges reply has an unexpected shape",
      reply.error.message,
    );
  }
  const response = reply.data.response;
  if (response.success !== true || response.statusCode !== upsKnownCodes.ok) {
    return fail(upsDiReplyError(response));
  }
  const info = (response.chargeInfo ?? []).find((c) => c.trackingNumber === trackingNumber);
  if (info === undefined) {
    return badResponse(UPS_CARRIER, "UPS charges reply has no chargeInfo for this package");
  }
  // For option AL UPS itemizes per option; for a single option the totals are that option's.
  const detail = (info.interceptChargeDetail ?? []).find((d) => d.interceptOption === option);
  if (detail?.totalCharge) {
    return { ok: true, value: moneyOf(detail.totalCharge, detail.currencyCode) };
  }
  return { ok: true, value: moneyOf(info.totalCharge, info.chargeCurrency) };
}

/** Reads a return / redirect / cancel reply: success is `success: true` with statusCode 000. */
export function parseSubmitReply(json: unknown): CarrierResult<{ transactionId: string | null }> {
  const reply = UpsSubmitReplySchema.safeParse(json);
  if (!reply.success) {
    return badResponse(
      UPS_CARRIER,
      "UPS submit reply has an unexpected shape",
      reply.error.message,
    );
  }
  if (reply.data.success !== true || reply.data.statusCode !== upsKnownCodes.ok) {
    return fail(upsDiReplyError(reply.data));
  }
  return { ok: true, value: { transactionId: reply.data.transactionId ?? null } };
}

/**
 * UPS date `YYYYMMDD` + time `HHMMSS` (a leading zero may be missing) at `offset` (`-05:00`
 * or Track Alert's `-04.00`) → ISO-8601 UTC; without an offset the time is read as UTC. The raw
 * text when it has another format.
 */
export function upsTimeToIso(
  date: string | null | undefined,
  time: string | null | undefined,
  offset?: string | null,
): string {
  const d = (date ?? "").trim();
  const t = (time ?? "").trim().padStart(6, "0");
  if (!/^\d{8}$/.test(d) || !/^\d{6}$/.test(t)) {
    return `${d} ${time ?? ""}`.trim();
  }
  const zone = /^[+-]\d{2}[:.]\d{2}$/.test(offset ?? "") ? (offset ?? "").replace(".", ":") : "Z";
  const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}${zone}`;
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? iso : new Date(parsed).toISOString();
}

/** The time of one activity: GMT fields first, else local date/time with the offset. */
function activityTime(activity: UpsActivity): string {
  if (activity.gmtDate && activity.gmtTime) {
    return upsTimeToIso(activity.gmtDate, activity.gmtTime);
  }
  return upsTimeToIso(activity.date, activity.time, activity.gmtOffset);
}

interface ReadEvent extends TrackingEvent {
  signal: UpsSignal | null;
  decisive: boolean;
}

function eventOf(activity: UpsActivity): ReadEvent {
  const status = activity.status ?? {};
  const meaning = meaningOfStatus(status);
  const place = activity.location?.address;
  return {
    at: activityTime(activity),
    carrierCode: [status.type, status.code, status.statusCode].filter((p) => p).join("/"),
    description: [status.description, place?.city, place?.stateProvince]
      .filter((part) => part)
      .join(" · "),
    state: meaning?.state ?? "unknown",
    signal: meaning?.signal ?? null,
    decisive: meaning !== undefined && meaning.state !== null,
  };
}

function byTime(a: { at: string }, b: { at: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : 0;
}

export interface UpsTrackRead {
  result: TrackResult;
  /** Oldest first, with what each status means for a pending intercept. */
  signals: { at: string; signal: UpsSignal; description: string }[];
}

/**
 * Parses a Track API reply. The latest activity whose status is in the legend decides the
 * state; no activity at all is `not_collected` (UPS has the label, nothing scanned), and
 * activities none of which is in the legend are `unknown`. No package, with warning TW0001,
 * is an unknown tracking number.
 */
export function parseTrackReply(
  trackingNumber: string,
  json: unknown,
): CarrierResult<UpsTrackRead> {
  const reply = UpsTrackReplySchema.safeParse(json);
  if (!reply.success) {
    return badResponse(UPS_CARRIER, "UPS track reply has an unexpected shape", reply.error.message);
  }
  const shipments = reply.data.trackResponse.shipment;
  const pkg = shipments
    .flatMap((s) => s.package ?? [])
    .find((p) => (p.trackingNumber ?? trackingNumber) === trackingNumber);
  if (pkg === undefined) {
    const warning = shipments.flatMap((s) => s.warnings ?? [])[0];
    return fail(
      upsCodeError(
        warning?.code ?? upsKnownCodes.trackingNotFound,
        warning?.message ?? "no package in the track reply",
        200,
      ),
    );
  }
  const read = (pkg.activity ?? []).map(eventOf).sort(byTime);
  let state = read.filter((e) => e.decisive).at(-1)?.state;
  if (state === undefined) {
    const current = pkg.currentStatus ? meaningOfStatus(pkg.currentStatus) : undefined;
    state = read.length === 0 ? (current?.state ?? "not_collected") : (current?.state ?? "unknown");
  }
  const destination = (pkg.packageAddress ?? []).find((a) => a.type === "DESTINATION")?.address;
  const country = (destination?.countryCode ?? destination?.country ?? "").toUpperCase();
  return {
    ok: true,
    value: {
      result: {
        trackingNumber,
        state,
        events: read.map(({ at, carrierCode, description, state: s }) => ({
          at,
          carrierCode,
          description,
          state: s,
        })),
        ...(/^[A-Z]{2}$/.test(country) ? { destinationCountry: country } : {}),
      },
      signals: read.flatMap((e) =>
        e.signal === null ? [] : [{ at: e.at, signal: e.signal, description: e.description }],
      ),
    },
  };
}

/**
 * Decides a pending intercept or redirect from tracking (UPS has no intercept status query):
 * - intercept (RS): returned / returning to sender → succeeded; delivered → failed;
 * - redirect (AA): address changed → succeeded (also when delivered afterwards, at the new
 *   address); delivered without an address change → failed (the original address); returned →
 *   failed;
 * - a "Request Canceled" after submission → cancelled.
 * The latest signal wins; nothing decisive yet → null.
 */
export function decideOutcome(
  action: Action,
  read: UpsTrackRead,
  submittedAt: string,
): PolledOutcome {
  const submitted = Date.parse(submittedAt);
  const signals = read.signals.filter(
    (s) =>
      s.signal !== "request_cancelled" || Number.isNaN(submitted) || Date.parse(s.at) >= submitted,
  );
  const latest = signals.at(-1);
  const parcelState = read.result.state;
  const undecided: PolledOutcome = {
    outcome: null,
    parcelState,
    detail: "UPS tracking shows no outcome yet",
    fee: null,
  };
  if (latest === undefined) {
    return undecided;
  }
  const redirected = signals.some((s) => s.signal === "redirected");
  let outcome: PolledOutcome["outcome"] = null;
  switch (latest.signal) {
    case "request_cancelled":
      outcome = "cancelled";
      break;
    case "returned":
    case "returning":
      outcome = action === "intercept" ? "succeeded" : "failed";
      break;
    case "redirected":
      outcome = action === "redirect" ? "succeeded" : null;
      break;
    case "delivered":
      outcome = action === "redirect" && redirected ? "succeeded" : "failed";
      break;
  }
  return outcome === null
    ? undecided
    : { outcome, parcelState, detail: `UPS: ${latest.description}`, fee: null };
}

/** Outcome of a pushed status when the pending action is not known (Track Alert). */
function pushOutcomeOf(signal: UpsSignal | null): CarrierReport["outcome"] {
  switch (signal) {
    case "returned":
    case "returning":
    case "redirected":
      return "succeeded";
    case "delivered":
      return "failed";
    case "request_cancelled":
      return "cancelled";
    case null:
      return null;
  }
}

/** Parses one Track Alert `TrackingEvent` push into a report. */
export function parseTrackingEvent(body: string): CarrierResult<CarrierReport[]> {
  const json = parseJson(body);
  if (!json.ok) {
    return badResponse(UPS_CARRIER, "UPS Track Alert body is not JSON");
  }
  const event = UpsTrackingEventSchema.safeParse(json.value);
  if (!event.success) {
    return badResponse(
      UPS_CARRIER,
      "UPS Track Alert event has an unexpected shape",
      event.error.message,
    );
  }
  const e = event.data;
  const status = e.activityStatus;
  const meaning = meaningOfStatus({
    type: status.type,
    code: status.code ?? null,
    statusCode: status.descriptionCode ?? null,
  });
  const at =
    e.gmtActivityDate && e.gmtActivityTime
      ? upsTimeToIso(e.gmtActivityDate, e.gmtActivityTime)
      : upsTimeToIso(e.localActivityDate, e.localActivityTime, e.gmtOffset);
  const place = e.activityLocation;
  return {
    ok: true,
    value: [
      {
        // UPS gives pushes no id: the package, the moment and the status identify one event.
        eventId: [
          e.trackingNumber,
          at,
          status.type,
          status.code ?? "",
          status.descriptionCode ?? "",
        ].join("|"),
        trackingNumber: e.trackingNumber,
        at,
        outcome: pushOutcomeOf(meaning?.signal ?? null),
        parcelState: meaning?.state ?? "unknown",
        detail: [status.description, place?.city, place?.stateProvince]
          .filter((part) => part)
          .join(" · "),
        fee: null,
      },
    ],
  };
}
