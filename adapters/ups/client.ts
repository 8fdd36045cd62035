/**
 * UPS transport: OAuth client-credentials tokens (cached, fetched once under concurrency,
 * refreshed once on a 401) and one authenticated call through `adapters/http.ts`. No business
 * meaning here; mapping.ts and track-mapping.ts read the replies.
 */
import { randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";
import { upsCodeError } from "./errors.ts";
import { UpsErrorResponseSchema, UpsTokenResponseSchema } from "./schema.ts";

export const UPS_CARRIER = "ups";

/** Paths below the base URL (carriers.md §1, carrier-wire-formats.md §6). */
export const UPS_PATHS = {
  token: "/security/v1/oauth/token",
  deliveryIntercept: "/api/deliveryintercept/v2",
  track: "/api/track/v1/details",
  subscription: "/api/track/v1/subscription/standard/package",
} as const;

/** `platformType` (enum XOLT) and `inquiryType` (enum U, shipper initiated) of the DI spec. */
export const UPS_PLATFORM_TYPE = "XOLT";
export const UPS_INQUIRY_TYPE = "U";
/** Our `transactionSrc` for the Track APIs (pattern `^[a-zA-Z0-9-.]{1,36}$`). */
export const UPS_TRANSACTION_SRC = "interception-gateway";

/**
 * A `transId` (`^[a-zA-Z0-9-.]{3,14}$`) derived from the gateway's stable reference: its last
 * alphanumerics after an optional one-letter operation prefix, so a repeat of the same call
 * carries the same transId and the calls of one interception stay tellable apart.
 */
export function transIdOf(reference: string, prefix = ""): string {
  const alphanumerics = reference.replace(/[^A-Za-z0-9]/g, "");
  const id = `${prefix}${alphanumerics.slice(-(14 - prefix.length))}`;
  return id.length >= 3 ? id : id.padEnd(3, "0");
}

/** A fresh transId for calls that have no reference (tracking). */
export function randomTransId(): string {
  return randomUUID().replaceAll("-", "").slice(0, 14);
}

/** `Authorization: Basic base64(client_id:client_secret)` (client_secret_basic). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`, "utf8").toString("base64")}`;
}

export interface UpsCredentials {
  /** Origin plus any prefix, e.g. `https://wwwcie.ups.com` or `http://127.0.0.1:4010/ups`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface UpsCallOptions {
  method: "GET" | "POST";
  /** Path below the base URL, with any query string. */
  path: string;
  headers: Record<string, string>;
  body?: unknown;
  signal: AbortSignal;
  idempotent: boolean;
}

export interface UpsClient {
  /** One authenticated call; a 401 refreshes the token once and repeats the call once. */
  call(options: UpsCallOptions): Promise<CarrierResult<CarrierHttpResponse>>;
  /** The bearer token (cached until shortly before it expires). */
  token(signal: AbortSignal): Promise<CarrierResult<string>>;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which we fetch a new one. */
  refreshAt: number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads a token reply; every failure is CarrierError data. */
function readToken(response: CarrierHttpResponse, now: number): CarrierResult<CachedToken> {
  if (response.status !== 200) {
    const body = UpsErrorResponseSchema.safeParse(parseJson(response.body));
    const first = body.success ? body.data.response.errors[0] : undefined;
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      // A refused client id/secret (or a blocked merchant): the same credentials fail again.
      const error = upsCodeError(
        first?.code ?? `HTTP_${response.status}`,
        first?.message ?? "",
        401,
      );
      return { ok: false, error: { carrier: UPS_CARRIER, ...error } };
    }
    return {
      ok: false,
      error: {
        carrier: UPS_CARRIER,
        code: "bad_response",
        message: `UPS token endpoint answered HTTP ${response.status}`,
        retryable: false,
      },
    };
  }
  const parsed = UpsTokenResponseSchema.safeParse(parseJson(response.body));
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        carrier: UPS_CARRIER,
        code: "bad_response",
        message: "UPS token reply has an unexpected shape",
        retryable: false,
        diagnostic: parsed.error.message,
      },
    };
  }
  const lifetimeSeconds = Number(parsed.data.expires_in);
  // Refresh a little early (a tenth of the lifetime, at most a minute) so a call never carries
  // a token that expires in flight.
  const marginSeconds = Math.min(60, lifetimeSeconds / 10);
  return {
    ok: true,
    value: {
      value: parsed.data.access_token,
      refreshAt: now + (lifetimeSeconds - marginSeconds) * 1000,
    },
  };
}

/** A UPS client bound to one base URL, one OAuth client and the adapter's dispatcher. */
export function createUpsClient(
  credentials: UpsCredentials,
  dispatcher: Dispatcher,
  clock: () => number = Date.now,
): UpsClient {
  const base = credentials.baseUrl.replace(/\/+$/, "");
  let cached: CachedToken | null = null;
  let pending: Promise<CarrierResult<CachedToken>> | null = null;

  async function fetchToken(signal: AbortSignal): Promise<CarrierResult<CachedToken>> {
    const response = await sendCarrierRequest(UPS_CARRIER, {
      dispatcher,
      url: `${base}${UPS_PATHS.token}`,
      method: "POST",
      headers: {
        authorization: basicAuthorization(credentials.clientId, credentials.clientSecret),
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ grant_type: "client_credentials" }).toString(),
      signal,
      // Asking for a token changes nothing at UPS: always safe to repeat.
      idempotent: true,
    });
    return response.ok ? readToken(response.value, clock()) : response;
  }

  async function token(signal: AbortSignal): Promise<CarrierResult<string>> {
    if (cached !== null && clock() < cached.refreshAt) {
      return { ok: true, value: cached.value };
    }
    // Concurrent callers share one token request.
    if (pending === null) {
      pending = fetchToken(signal).then((result) => {
        pending = null;
        if (result.ok) {
          cached = result.value;
        }
        return result;
      });
    }
    const result = await pending;
    return result.ok ? { ok: true, value: result.value.value } : result;
  }

  async function callWith(
    bearer: string,
    options: UpsCallOptions,
  ): Promise<CarrierResult<CarrierHttpResponse>> {
    return sendCarrierRequest(UPS_CARRIER, {
      dispatcher,
      url: `${base}${options.path}`,
      method: options.method,
      headers: {
        ...options.headers,
        authorization: `Bearer ${bearer}`,
        accept: "application/json",
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: options.signal,
      idempotent: options.idempotent,
    });
  }

  return {
    token,
    async call(options) {
      const first = await token(options.signal);
      if (!first.ok) {
        return first;
      }
      const response = await callWith(first.value, options);
      if (!response.ok || response.value.status !== 401) {
        return response;
      }
      // UPS refused the token (expired early or revoked): it did not act, so one retry with a
      // fresh token is safe even for a submit. Forget the token only if nobody replaced it.
      if (cached?.value === first.value) {
        cached = null;
      }
      const second = await token(options.signal);
      return second.ok ? callWith(second.value, options) : second;
    },
  };
}
