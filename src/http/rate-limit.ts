/**
 * Rate limiting per API key (never per forwarded address, which a client can forge): a token
 * bucket per key (src/rate-limiter.ts), in this process or in the database.
 */
import type { MiddlewareHandler } from "hono";
import type { KeyRateLimiter, RateLimitSettings } from "../rate-limiter.ts";
import type { AppEnv } from "./env.ts";
import { GatewayError } from "./problem.ts";

/** 429 `rate_limited` with Retry-After once a key's bucket is empty; runs after authentication. */
export function rateLimitByApiKey(
  limiter: KeyRateLimiter,
  settings: RateLimitSettings,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { remaining, retryAfterMs } = await limiter.take(c.get("apiKeyId"));
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
