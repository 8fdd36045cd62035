/**
 * Pure UPS Delivery Intercept mapping: normalized commands → DI request bodies, and UPS replies
 * (the HTTP layer of any reply; eligibility, charges and submit bodies) → normalized results.
 * No I/O here, so every function is tested with fixtures. Tracking and Track Alert pushes are
 * read in track-mapping.ts.
 */
import type { CarrierError, CarrierResult } from "../../contracts/carrier-adapter.ts";
import type { Action, Address, Money, Reason } from "../../contracts/normalized.ts";
import { badResponse, type CarrierHttpResponse, parseJson, replyExcerpt } from "../http.ts";
import { UPS_CARRIER } from "./client.ts";
import { upsCodeError, upsDiReplyError, upsKnownCodes } from "./errors.ts";
import {
  UPS_PHONE,
  UpsChargesReplySchema,
  UpsEligibilityReplySchema,
  UpsErrorResponseSchema,
  type UpsNewDeliveryAddress,
  type UpsRequesterContact,
  type UpsRequestType,
  type UpsReturnReason,
  UpsSubmitReplySchema,
  type UpsSubmitRequest,
} from "./schema.ts";

/** A failed result with the UPS carrier filled in; track-mapping.ts fails the same way. */
export function fail(error: Omit<CarrierError, "carrier">): { ok: false; error: CarrierError } {
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
