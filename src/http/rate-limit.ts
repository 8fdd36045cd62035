/**
 * Rate limiting per API key (never per forwarded address, which a client can forge): a token
 * bucket per key, refilled continuously. In memory, so per process; a shared store comes with
 * the multi-instance PostgreSQL setup.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { GatewayError } from "./problem.ts";

export interface RateLimitSettings {
  /** Requests a key may make in a burst. */
  burst: number;
  /** Sustained requests per second per key. */
  perSecond: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`: `retryAfterMs` is 0 when allowed, else the wait for one token. */
  take(key: string): { remaining: number; retryAfterMs: number } {
    const at = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.settings.burst, updatedAt: at };
    const refilled = Math.min(
      this.settings.burst,
      bucket.tokens + ((at - bucket.updatedAt) / 1000) * this.settings.perSecond,
    );
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, updatedAt: at });
      return { remaining: 0, retryAfterMs: ((1 - refilled) / this.settings.perSecond) * 1000 };
    }
    this.buckets.set(key, { tokens: refilled - 1, updatedAt: at });
    this.forgetIdleBuckets(at);
    return { remaining: Math.floor(refilled - 1), retryAfterMs: 0 };
  }

  /** Keeps memory bounded: a bucket that has refilled completely carries no information. */
  private forgetIdleBuckets(at: number): void {
    if (this.buckets.size < 10_000) {
      return;
    }
    const fullAfterMs = (this.settings.burst / this.settings.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (at - bucket.updatedAt > fullAfterMs) {
        this.buckets.delete(key);
      }
    }
  }
}

/** 429 `rate_limited` with Retry-After once a key's bucket is empty; runs after authentication. */
export function rateLimitByApiKey(
  limiter: RateLimiter,
  settings: RateLimitSettings,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { remaining, retryAfterMs } = limiter.take(c.get("apiKeyId"));
    c.header("ratelimit-limit", String(settings.burst));
    c.header("ratelimit-remaining", String(remaining));
    if (retryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      throw new GatewayError(
        "rate_limited",
        `Too many requests for this API key; retry in ${seconds} s.`,
        {
          headers: {
            "retry-after": String(seconds),
            "ratelimit-limit": String(settings.burst),
            "ratelimit-remaining": "0",
          },
        },
      );
    }
    await next();
  };
}
