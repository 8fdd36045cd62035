/**
 * The outbound webhook POST. It connects to the address the URL guard vetted and nowhere else:
 * no second DNS lookup (so rebinding fails), no redirect followed (a 3xx could point inside), one
 * deadline for connecting, the answer and its body, and a small cap on the body, which is read
 * only so the connection can be reused and then dropped. Network failures come back as data.
 */
import type { LookupFunction } from "node:net";
import { errors, Pool } from "undici";

export interface WebhookTarget {
  url: URL;
  /** The address checkWebhookUrl vetted for url's host. */
  address: string;
  family: 4 | 6;
}

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

export interface PostLimits {
  /** One deadline for connecting, the status line and the body; API.md says 10 s. */
  timeoutMs?: number;
  /** Body bytes read before the rest is dropped with the connection. */
  maxResponseBytes?: number;
}

export interface PostResult {
  /** A 2xx answer; anything else (3xx included) is to be retried. */
  delivered: boolean;
  /** Null when no answer came (refused, reset, timed out, TLS failure). */
  statusCode: number | null;
  /** Why it was not delivered, in plain English; null when delivered. */
  error: string | null;
}

export interface WebhookPosterOptions {
  /** Trusted CAs instead of the system's; tests use it with their own CA. */
  ca?: string;
  /** Pools kept for reuse; the least recently used one is closed beyond this. */
  maxPools?: number;
}

export interface WebhookPoster {
  post(target: WebhookTarget, request: WebhookRequest, limits?: PostLimits): Promise<PostResult>;
  /** Closes every pool, waiting for requests in flight. */
  close(): Promise<void>;
}

const defaultTimeoutMs = 10_000;
const defaultMaxResponseBytes = 4096;

/**
 * Creates a poster. Connections are reused through one undici Pool per (origin, vetted address):
 * keyed by the address too, a new DNS answer never rides a socket opened for an old one. The
 * pools are kept in a small LRU map so an ever-changing set of endpoints cannot leak them.
 */
export function createWebhookPoster(options: WebhookPosterOptions = {}): WebhookPoster {
  const maxPools = options.maxPools ?? 64;
  const pools = new Map<string, Pool>();

  function poolFor(target: WebhookTarget): Pool {
    const key = `${target.url.origin} ${target.address}`;
    const existing = pools.get(key);
    if (existing !== undefined) {
      // Re-inserted so the Map's order is least recently used first.
      pools.delete(key);
      pools.set(key, existing);
      return existing;
    }
    const pool = new Pool(target.url.origin, {
      connect: { lookup: pinnedLookup(target), ...(options.ca ? { ca: options.ca } : {}) },
      // A slow endpoint holds a few sockets at most; deliveries past them wait within the deadline.
      connections: 8,
      keepAliveTimeout: 4_000,
    });
    pools.set(key, pool);
    for (const [oldKey, oldPool] of pools) {
      if (pools.size <= maxPools) {
        break;
      }
      pools.delete(oldKey);
      // close() lets requests in flight finish; an error here has no one to tell.
      oldPool.close().catch(() => undefined);
    }
    return pool;
  }

  async function post(
    target: WebhookTarget,
    request: WebhookRequest,
    limits: PostLimits = {},
  ): Promise<PostResult> {
    const timeoutMs = limits.timeoutMs ?? defaultTimeoutMs;
    const maxBytes = limits.maxResponseBytes ?? defaultMaxResponseBytes;
    // Not AbortSignal.timeout: its timer cannot be cleared, so every attempt, answered or not,
    // would build a DOMException (with its stack) when the deadline passed, on the event loop.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const { signal } = deadline;
    let statusCode: number | null = null;
    try {
      const response = await poolFor(target).request({
        method: "POST",
        path: `${target.url.pathname}${target.url.search}`,
        headers: withContentType(request.headers),
        body: request.body,
        signal,
        // Redirects are never followed: undici's request() does not, and a 3xx is not delivered.
      });
      statusCode = response.statusCode;
      await readCapped(response.body, maxBytes);
    } catch (error) {
      if (error instanceof errors.InvalidArgumentError) {
        throw error; // our own bug (a bad header, say), not the endpoint's failure
      }
      if (statusCode === null) {
        return { delivered: false, statusCode: null, error: describe(error, signal, timeoutMs) };
      }
      // The status line arrived; a body that stalls or breaks afterwards changes nothing.
    } finally {
      clearTimeout(timer);
    }
    if (statusCode >= 200 && statusCode < 300) {
      return { delivered: true, statusCode, error: null };
    }
    const error =
      statusCode >= 300 && statusCode < 400
        ? `The endpoint answered ${statusCode}, a redirect; redirects are not followed.`
        : `The endpoint answered ${statusCode}.`;
    return { delivered: false, statusCode, error };
  }

  async function close(): Promise<void> {
    const all = [...pools.values()];
    pools.clear();
    await Promise.all(all.map((pool) => pool.close()));
  }

  return { post, close };
}

const shared = createWebhookPoster();

/** POSTs one webhook to a vetted target through a shared, bounded set of connection pools. */
export function postWebhook(
  target: WebhookTarget,
  request: WebhookRequest,
  limits?: PostLimits,
): Promise<PostResult> {
  return shared.post(target, request, limits);
}

/** Closes the shared pools (at shutdown, so no keep-alive socket outlives the process's work). */
export function closeWebhookConnections(): Promise<void> {
  return shared.close();
}

/**
 * A lookup that answers every query with the vetted address. Node asks with `all: true` when it
 * races address families (autoSelectFamily), with a single answer otherwise.
 */
function pinnedLookup(target: WebhookTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, [{ address: target.address, family: target.family }]);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

function withContentType(headers: Record<string, string>): Record<string, string> {
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
  return hasContentType ? headers : { "content-type": "application/json", ...headers };
}

/** Reads at most `maxBytes` of the body, then drops the rest (and with it the connection). */
async function readCapped(
  body: AsyncIterable<Uint8Array> & { destroy(): unknown },
  maxBytes: number,
) {
  let read = 0;
  for await (const chunk of body) {
    read += chunk.byteLength;
    if (read >= maxBytes) {
      body.destroy();
      return;
    }
  }
}

function describe(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) {
    return `No answer within ${timeoutMs} ms.`;
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
