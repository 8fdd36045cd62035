/**
 * The client's retry rule, as a `fetch` wrapper: what is repeated, how long it waits, and how the
 * Idempotency-Key of a logical request stays the same on every attempt (each attempt sends a
 * clone of the one Request, headers included).
 */

/** How retries are paced; every field has a default (see `defaultRetryOptions`). */
export interface RetryOptions {
  /** Attempts in all, the first one included; 1 turns retries off. */
  maxAttempts: number;
  /** The first backoff; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A `Retry-After` longer than this ends the retries at once and the answer goes to the caller,
   * who knows better than a library whether to wait that long.
   */
  maxRetryAfterMs: number;
  /** Waits between attempts; tests pass one that moves a fake clock instead of sleeping. */
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch: reads a `Retry-After` given as an HTTP date. */
  now: () => number;
  /** In [0, 1): the jitter. */
  random: () => number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: Math.random,
};

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds or an HTTP date (RFC 9110
 * 10.2.3); a date in the past means now. Null when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number): number | null {
  const value = header?.trim();
  if (!value) {
    return null;
  }
  if (/^\d+$/.test(value)) {
    return Number(value) * 1_000;
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * Exponential backoff with jitter before retry number `retry` (1 for the first): a random wait in
 * the upper half of the doubled delay, so clients that failed together do not retry together.
 */
export function backoffMs(retry: number, options: RetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + options.random() * (ceiling / 2));
}

/**
 * Whether an answer asks to be repeated. 429 and 409 `request_in_progress` say the gateway did
 * not act on this attempt, so any request may be sent again. A 5xx leaves the outcome unknown:
 * only a request that is harmless to repeat (`repeatable`) is.
 */
async function asksForRetry(response: Response, repeatable: boolean): Promise<boolean> {
  if (response.status === 429) {
    return true;
  }
  if (response.status === 409) {
    const body: unknown = await response
      .clone()
      .json()
      .catch(() => null);
    return (body as { code?: unknown } | null)?.code === "request_in_progress";
  }
  return response.status >= 500 && repeatable;
}

/**
 * Wraps `fetch` with the retry rule. `repeatable(request)` says whether sending the request twice
 * is harmless (an idempotent method, or a key the gateway deduplicates on): only those are sent
 * again after a network error or a 5xx, because either may come after the gateway acted, and a
 * repeat of, say, creating a webhook endpoint would make a second one.
 */
export function retryingFetch(
  fetch: (request: Request) => Promise<Response>,
  options: RetryOptions,
  repeatable: (request: Request) => boolean,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const canRepeat = repeatable(request);
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= options.maxAttempts;
      let response: Response;
      try {
        response = await fetch(request.clone());
      } catch (error) {
        if (last || !canRepeat) {
          throw error;
        }
        await options.sleep(backoffMs(attempt, options));
        continue;
      }
      if (last || !(await asksForRetry(response, canRepeat))) {
        return response;
      }
      const asked = retryAfterMs(response.headers.get("retry-after"), options.now());
      if (asked !== null && asked > options.maxRetryAfterMs) {
        return response;
      }
      // The answer is dropped: free its connection before waiting.
      await response.body?.cancel();
      await options.sleep(asked ?? backoffMs(attempt, options));
    }
  };
}
