/**
 * The one HTTP helper every carrier adapter sends through. It turns transport trouble into
 * `CarrierError` data with an honest `retryable` flag, so the retry policy never has to guess
 * whether the carrier may already have acted.
 */
import { type Dispatcher, request } from "undici";
import type { CarrierError, CarrierId, CarrierResult } from "../contracts/carrier-adapter.ts";

/** Large enough for any carrier JSON reply we read; a reply above it is not a carrier answer. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface CarrierHttpRequest {
  /** Never the global dispatcher: each adapter owns its pool, timeouts and connection limits. */
  dispatcher: Dispatcher;
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** True for reads: re-sending is safe even when the first attempt's outcome is unknown. */
  idempotent: boolean;
  maxBodyBytes?: number;
}

export interface CarrierHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The request was never sent (no connection): the carrier cannot have acted, a retry is safe. */
const NOT_SENT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** The request may have been written before the exchange broke: the outcome is unknown. */
const MAYBE_SENT_CODES = new Set([
  // A destroyed or closed client may already have written the request.
  "UND_ERR_DESTROYED",
  "UND_ERR_CLOSED",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "ECONNRESET",
  "EPIPE",
  "UND_ERR_ABORTED",
  "UND_ERR_ABORT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

const TOO_LARGE_CODES = new Set(["UND_ERR_RES_EXCEEDED_MAX_SIZE"]);

/** Collects `code` from an error and its causes (undici and Node wrap system errors). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      codes.push(code);
    }
    const name = (current as { name?: unknown }).name;
    if (name === "AbortError" || name === "TimeoutError") {
      codes.push("UND_ERR_ABORTED");
    }
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Classifies a transport failure. `aborted` is whether the caller's signal fired, which wins:
 * the caller gave up after the request may have left.
 */
export function classifyTransportError(
  carrier: CarrierId,
  error: unknown,
  context: { idempotent: boolean; aborted: boolean },
): CarrierError {
  const codes = errorCodes(error);
  const first = codes[0];
  // The error's own text names the host, port or URL: it goes to the log, never to a merchant.
  const diagnostic = `${first ?? "no code"}: ${error instanceof Error ? error.message : String(error)}`;
  if (!context.aborted && codes.some((code) => TOO_LARGE_CODES.has(code))) {
    return {
      carrier,
      code: "bad_response",
      message: "The carrier's reply was too large to read.",
      retryable: false,
      diagnostic,
    };
  }
  if (!context.aborted && codes.some((code) => NOT_SENT_CODES.has(code))) {
    return {
      carrier,
      code: "unavailable",
      message: "The carrier could not be reached (no connection).",
      retryable: true,
      diagnostic,
    };
  }
  const known = context.aborted || codes.some((code) => MAYBE_SENT_CODES.has(code));
  return {
    carrier,
    code: "outcome_unknown",
    message: context.aborted
      ? "The call to the carrier was cut off at its time limit, before a complete reply."
      : "The connection to the carrier broke before a complete reply.",
    retryable: context.idempotent,
    diagnostic: known ? diagnostic : `unexpected transport error: ${diagnostic}`,
  };
}

/** The start of a carrier reply, for a `diagnostic`: never for a merchant-visible message. */
export function replyExcerpt(body: string): string {
  return `reply began: ${body.slice(0, 200)}`;
}

/**
 * A carrier reply the adapter cannot read: a plain `message` for the merchant, and what was
 * wrong with it (an excerpt, a schema mismatch) in `diagnostic`, for the log.
 */
export function badResponse(
  carrier: CarrierId,
  message: string,
  diagnostic?: string,
): { ok: false; error: CarrierError } {
  return {
    ok: false,
    error: {
      carrier,
      code: "bad_response",
      message,
      retryable: false,
      ...(diagnostic === undefined ? {} : { diagnostic }),
    },
  };
}

/**
 * Reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent
 * or unreadable.
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value.trim() === "") {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) {
    return undefined;
  }
  return Math.max(0, at - now);
}

function flattenHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) {
      continue;
    }
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

type BodyRead =
  | { ok: true; text: string }
  | { ok: false; tooLarge: true }
  | { ok: false; error: unknown; tooLarge: false };

/** Reads the body up to `limit` bytes; destroys it past the limit so the socket is not reused. */
async function readBody(body: Dispatcher.ResponseData["body"], limit: number): Promise<BodyRead> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > limit) {
        body.destroy();
        return { ok: false, tooLarge: true };
      }
      chunks.push(buffer);
    }
  } catch (error) {
    body.destroy();
    return { ok: false, error, tooLarge: false };
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

/** Discards a body we do not read, never leaving a socket half-consumed. */
async function discardBody(body: Dispatcher.ResponseData["body"]): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    body.destroy();
  }
}

/** The start of an error reply's body for the log; undefined when empty or unreadable. */
async function excerptOf(body: Dispatcher.ResponseData["body"]): Promise<string | undefined> {
  // A small cap: an error page is read for its first lines only, then the socket is dropped.
  const read = await readBody(body, 16 * 1024);
  return read.ok && read.text.trim() !== "" ? replyExcerpt(read.text) : undefined;
}

/**
 * Sends one carrier call through the adapter's own dispatcher. Transport failures, 5xx and 429
 * become CarrierError data; every other status is returned for the adapter to interpret.
 */
export async function sendCarrierRequest(
  carrier: CarrierId,
  options: CarrierHttpRequest,
): Promise<CarrierResult<CarrierHttpResponse>> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let response: Dispatcher.ResponseData;
  try {
    response = await request(options.url, {
      dispatcher: options.dispatcher,
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  } catch (error) {
    return {
      ok: false,
      error: classifyTransportError(carrier, error, {
        idempotent: options.idempotent,
        aborted: options.signal.aborted,
      }),
    };
  }

  const headers = flattenHeaders(response.headers);
  const status = response.statusCode;
  if (status >= 500) {
    const diagnostic = await excerptOf(response.body);
    // A 503 says the carrier did not take the request on. Any other 5xx (500, 502, 504) may
    // come after the carrier acted on it: a call that changes something is then not repeated
    // blindly, but asked about first (outcome_unknown).
    const maybeActed = status !== 503 && !options.idempotent;
    const retryAfterMs = status === 503 ? parseRetryAfter(headers["retry-after"]) : undefined;
    return {
      ok: false,
      error: {
        carrier,
        code: maybeActed ? "outcome_unknown" : "unavailable",
        message: maybeActed
          ? `Carrier answered HTTP ${status}: it may have acted on the request`
          : `Carrier answered HTTP ${status}`,
        retryable: !maybeActed,
        carrierCode: `HTTP_${status}`,
        ...(diagnostic === undefined ? {} : { diagnostic }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    };
  }
  if (status === 429) {
    await discardBody(response.body);
    const retryAfterMs = parseRetryAfter(headers["retry-after"]);
    return {
      ok: false,
      error: {
        carrier,
        code: "rate_limited",
        message: "Carrier answered HTTP 429",
        retryable: true,
        carrierCode: "HTTP_429",
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    };
  }

  // A 2xx reply too large to read still says the carrier took the call: for a write, its
  // outcome is unknown rather than refused.
  const tooLarge = (message: string): { ok: false; error: CarrierError } => ({
    ok: false,
    error: {
      carrier,
      code:
        !options.idempotent && status >= 200 && status < 300 ? "outcome_unknown" : "bad_response",
      message,
      retryable: false,
    },
  });
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    response.body.destroy();
    return tooLarge(`Carrier reply too large: ${declared} bytes, above ${limit}`);
  }
  const read = await readBody(response.body, limit);
  if (!read.ok) {
    // Cut by our own limit, or by the dispatcher's maxResponseSize while streaming.
    const cutForSize =
      !read.tooLarge && errorCodes(read.error).some((code) => TOO_LARGE_CODES.has(code));
    if (read.tooLarge || cutForSize) {
      return tooLarge(`Carrier reply too large: above ${limit} bytes`);
    }
    return {
      ok: false,
      error: classifyTransportError(carrier, read.error, {
        idempotent: options.idempotent,
        aborted: options.signal.aborted,
      }),
    };
  }
  return { ok: true, value: { status, headers, body: read.text } };
}

/**
 * What a write's 2xx reply that cannot be read means: the carrier took the call, so what it did
 * is unknown (`outcome_unknown`: the gateway asks before sending it again), not a reply that says
 * nothing (`bad_response`, which it stays for a non-2xx reply and for reads). Each adapter passes
 * what it read from a write's 2xx reply through this.
 */
export function unknownIfUnreadable<T>(result: CarrierResult<T>): CarrierResult<T> {
  if (result.ok || result.error.code !== "bad_response") {
    return result;
  }
  return {
    ok: false,
    error: {
      ...result.error,
      code: "outcome_unknown",
      message: `Unreadable reply to a write: ${result.error.message}`,
      retryable: false,
    },
  };
}

/**
 * Reads a reply with the adapter's `read`. For a write answered 2xx, what cannot be read is
 * `outcome_unknown` (`unknownIfUnreadable`); for a read or a non-2xx it is what `read` said.
 */
export function readReply<T>(
  response: CarrierHttpResponse,
  idempotent: boolean,
  read: (response: CarrierHttpResponse) => CarrierResult<T>,
): CarrierResult<T> {
  const reply = read(response);
  const answeredWrite = !idempotent && response.status >= 200 && response.status < 300;
  return answeredWrite ? unknownIfUnreadable(reply) : reply;
}

/** Parses a carrier's JSON without throwing: replies and callbacks are untrusted text. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The status check every adapter makes before reading a reply's body (5xx and 429 were already
 * turned into errors by `sendCarrierRequest`): 401/403 refuse our credentials; any other status
 * outside 2xx is not a carrier answer. Null for a 2xx.
 */
export function refusedByStatus(
  carrier: CarrierId,
  label: string,
  response: CarrierHttpResponse,
): { ok: false; error: CarrierError } | null {
  if (response.status === 401 || response.status === 403) {
    return {
      ok: false,
      error: {
        carrier,
        code: "auth_failed",
        message: `${label} answered HTTP ${response.status}`,
        retryable: false,
        carrierCode: `HTTP_${response.status}`,
      },
    };
  }
  if (response.status < 200 || response.status >= 300) {
    return badResponse(
      carrier,
      `${label} answered HTTP ${response.status}`,
      replyExcerpt(response.body),
    );
  }
  return null;
}
