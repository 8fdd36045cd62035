/**
 * UPS adapter: Delivery Intercept API v2 for return to sender (after an eligibility check and a
 * charge quote), redirect and cancel; Track API v1 for tracking and, without Track Alert, for
 * the outcome; Track Alert pushes for the outcome when a webhook token is configured. See
 * README.md for what is sourced and what is assumed.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierError,
  CarrierResult,
  IncomingCallback,
  ParsedCallback,
} from "../../contracts/carrier-adapter.ts";
import { readReply, unknownIfUnreadable } from "../http.ts";
import {
  createUpsClient,
  randomTransId,
  transIdOf,
  UPS_CARRIER,
  UPS_INQUIRY_TYPE,
  UPS_PATHS,
  UPS_PLATFORM_TYPE,
  UPS_TRANSACTION_SRC,
} from "./client.ts";
import {
  buildCancelRequest,
  buildChargesRequest,
  buildRedirectRequest,
  buildReturnRequest,
  parseCharges,
  parseEligibility,
  parseSubmitReply,
  readUpsReply,
} from "./mapping.ts";
import { UPS_PHONE, UPS_TRACKING_NUMBER } from "./schema.ts";
import {
  decideOutcome,
  parseTrackingEvent,
  parseTrackReply,
  type UpsTrackRead,
} from "./track-mapping.ts";

export const UpsSettingsSchema = z.object({
  /**
   * Origin (plus any path prefix) of both the OAuth and the API paths, e.g. the CIE test
   * environment `https://wwwcie.ups.com`, production `https://onlinetools.ups.com`.
   */
  baseUrl: z.url(),
  /** OAuth client id; also the `x-api-key` header UPS puts on Track Alert pushes. */
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  /**
   * Secret `token` query parameter of the Track Alert webhook URL registered at UPS. Set: the
   * outcome comes by push. Unset: the gateway polls tracking.
   */
  trackAlertToken: z.string().min(8).optional(),
  /** `requesterContactInfo` of every intercept: required by the spec (name and telephone). */
  requester: z.object({
    name: z.string().min(1).max(30),
    telephone: z.string().regex(UPS_PHONE, "+ and 1–13 digits"),
    emailAddress: z.string().min(1).max(50).optional(),
  }),
});
export type UpsSettings = z.infer<typeof UpsSettingsSchema>;

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}

function refused(message: string): { ok: false; error: CarrierError } {
  return {
    ok: false,
    error: { carrier: UPS_CARRIER, code: "rejected", message, retryable: false },
  };
}

/**
 * Creates the UPS adapter. It takes ownership of `transport.dispatcher` (closed by `close()`);
 * give it a Pool with timeouts for the UPS origin.
 */
export function createUpsAdapter(
  settings: UpsSettings,
  transport: { dispatcher: Dispatcher },
): CarrierAdapterWith<"intercept" | "redirect" | "cancel"> {
  const client = createUpsClient(settings, transport.dispatcher);
  // The outcome is pushed only with Track Alert enabled; otherwise the gateway polls tracking.
  const pushes = settings.trackAlertToken !== undefined;
  const requester = {
    name: settings.requester.name,
    telephone: settings.requester.telephone,
    ...(settings.requester.emailAddress ? { emailAddress: settings.requester.emailAddress } : {}),
  };

  function diHeaders(transId: string): Record<string, string> {
    return {
      transId,
      platformType: UPS_PLATFORM_TYPE,
      inquiryType: UPS_INQUIRY_TYPE,
      "content-type": "application/json",
    };
  }

  /** One Delivery Intercept call, read through the HTTP layer of the error table. */
  async function callDi(
    method: "GET" | "POST",
    path: string,
    transId: string,
    body: unknown,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<CarrierResult<unknown>> {
    const response = await client.call({
      method,
      path: `${UPS_PATHS.deliveryIntercept}${path}`,
      headers: diHeaders(transId),
      body,
      signal,
      idempotent,
    });
    if (!response.ok) {
      return response;
    }
    return readReply(response.value, idempotent, readUpsReply);
  }

  async function trackRead(
    trackingNumber: string,
    signal: AbortSignal,
  ): Promise<CarrierResult<UpsTrackRead>> {
    if (!UPS_TRACKING_NUMBER.test(trackingNumber)) {
      return {
        ok: false,
        error: {
          carrier: UPS_CARRIER,
          code: "unknown_parcel",
          message: "Not a UPS 1Z tracking number",
          retryable: false,
        },
      };
    }
    const query = "locale=en_US&returnSignature=false&returnMilestones=false&returnPOD=false";
    const response = await client.call({
      method: "GET",
      path: `${UPS_PATHS.track}/${trackingNumber}?${query}`,
      headers: { transId: randomTransId(), transactionSrc: UPS_TRANSACTION_SRC },
      signal,
      idempotent: true,
    });
    const json = response.ok ? readUpsReply(response.value) : response;
    return json.ok ? parseTrackReply(trackingNumber, json.value) : json;
  }

  /**
   * Subscribes the package to Track Alert after UPS accepted an instruction, so its outcome
   * is pushed. Best effort: the instruction is accepted either way, and a failed subscription
   * must not turn it into a failure.
   */
  async function subscribe(
    trackingNumber: string,
    reference: string,
    signal: AbortSignal,
  ): Promise<void> {
    if (!pushes) {
      return;
    }
    await client.call({
      method: "POST",
      path: UPS_PATHS.subscription,
      headers: {
        transId: transIdOf(reference, "S"),
        transactionSrc: UPS_TRANSACTION_SRC,
        "content-type": "application/json",
      },
      body: { locale: "en_US", countryCode: "US", trackingNumberList: [trackingNumber] },
      signal,
      idempotent: true,
    });
  }

  const adapter = {
    id: UPS_CARRIER,
    displayName: "UPS",
    // POST /charges quotes the intercept before it is submitted. Return to sender and deliver to
    // another address are the actions; will call / reschedule are not actions of the gateway.
    quotesFees: true,
    async track(trackingNumber, ctx) {
      const read = await trackRead(trackingNumber, ctx.signal);
      return read.ok ? { ok: true, value: read.value.result } : read;
    },
    async intercept(command, ctx) {
      const tn = command.trackingNumber;
      if (!UPS_TRACKING_NUMBER.test(tn)) {
        return refused("UPS Delivery Intercept accepts only 1Z tracking numbers");
      }
      // 1. Return to Sender must be creatable for this package.
      const eligibility = await callDi(
        "GET",
        `/eligibility/intercept/${tn}`,
        transIdOf(command.reference, "E"),
        undefined,
        ctx.signal,
        true,
      );
      const eligible = eligibility.ok ? parseEligibility(eligibility.value) : eligibility;
      if (!eligible.ok) {
        return eligible;
      }
      // 2. The quote becomes the fee; nothing is submitted if UPS cannot price it.
      const charges = await callDi(
        "POST",
        `/charges/${tn}`,
        transIdOf(command.reference, "Q"),
        buildChargesRequest("RS"),
        ctx.signal,
        true,
      );
      const fee = charges.ok ? parseCharges(charges.value, tn, "RS") : charges;
      if (!fee.ok) {
        return fee;
      }
      // 3. Submit. The transId derived from the reference makes a repeat recognisable.
      const transId = transIdOf(command.reference);
      const reply = await callDi(
        "POST",
        `/return/${tn}`,
        transId,
        buildReturnRequest(command.reason, requester),
        ctx.signal,
        false,
      );
      const accepted = reply.ok ? unknownIfUnreadable(parseSubmitReply(reply.value)) : reply;
      if (!accepted.ok) {
        return accepted;
      }
      await subscribe(tn, command.reference, ctx.signal);
      return { ok: true, value: { carrierReference: transId, fee: fee.value } };
    },
    async redirect(command, ctx) {
      const tn = command.trackingNumber;
      if (!UPS_TRACKING_NUMBER.test(tn)) {
        return refused("UPS Delivery Intercept accepts only 1Z tracking numbers");
      }
      const body = buildRedirectRequest(command.redirectTo, command.note, requester);
      if (!body.ok) {
        return body;
      }
      const transId = transIdOf(command.reference);
      const reply = await callDi(
        "POST",
        `/redirect/address/${tn}`,
        transId,
        body.value,
        ctx.signal,
        false,
      );
      const accepted = reply.ok ? unknownIfUnreadable(parseSubmitReply(reply.value)) : reply;
      if (!accepted.ok) {
        return accepted;
      }
      await subscribe(tn, command.reference, ctx.signal);
      // Not quoted: a redirect's price needs from/to addresses we do not have (README).
      return { ok: true, value: { carrierReference: transId, fee: null } };
    },
    async cancel(command, ctx) {
      const tn = command.trackingNumber;
      if (!UPS_TRACKING_NUMBER.test(tn)) {
        return refused("UPS Delivery Intercept accepts only 1Z tracking numbers");
      }
      const reply = await callDi(
        "POST",
        `/cancel/${tn}`,
        transIdOf(command.reference, "C"),
        buildCancelRequest(command.action, requester),
        ctx.signal,
        false,
      );
      const accepted = reply.ok ? unknownIfUnreadable(parseSubmitReply(reply.value)) : reply;
      return accepted.ok ? { ok: true, value: { cancelled: true } } : accepted;
    },
    parseCallback(request: IncomingCallback): CarrierResult<ParsedCallback> {
      const token = settings.trackAlertToken;
      let given: string | null = null;
      try {
        given = new URL(request.url, "http://callback.invalid").searchParams.get("token");
      } catch {
        given = null;
      }
      const apiKey = headerOf(request.headers, "x-api-key");
      // Both must match: the client id UPS sends, and the secret only our registered URL has.
      const keyOk = apiKey !== undefined && sameSecret(apiKey, settings.clientId);
      const tokenOk = token !== undefined && given !== null && sameSecret(given, token);
      if (!keyOk || !tokenOk) {
        return {
          ok: false,
          error: {
            carrier: UPS_CARRIER,
            code: "auth_failed",
            message:
              token === undefined
                ? "UPS Track Alert is not enabled (no webhook token configured)"
                : "UPS push without the configured x-api-key and token",
            retryable: false,
          },
        };
      }
      const reports = parseTrackingEvent(request.body);
      if (!reports.ok) {
        return reports;
      }
      // Track Alert wants HTTP 200; the body is not read.
      return {
        ok: true,
        value: {
          reports: reports.value,
          reply: { status: 200, contentType: "application/json", body: "{}" },
        },
      };
    },
    async close() {
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;

  if (pushes) {
    return adapter;
  }
  // Poll mode: having pollOutcome is what makes the gateway poll.
  return {
    ...adapter,
    async pollOutcome(query, ctx) {
      const read = await trackRead(query.trackingNumber, ctx.signal);
      return read.ok
        ? { ok: true, value: decideOutcome(query.action, read.value, query.submittedAt) }
        : read;
    },
  } satisfies CarrierAdapter;
}
