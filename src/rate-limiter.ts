/**
 * Token buckets by key, refilled continuously: the HTTP rate limit per API key
 * (src/http/rate-limit.ts) and each merchant's carrier-call budget
 * (src/services/carrier-budget.ts). In memory, so per process. The HTTP middleware asks a
 * `KeyRateLimiter`: these buckets on SQLite (one process), the database's on PostgreSQL
 * (src/store/postgres/rate-limits.ts), so a key cannot get N times its limit from N instances.
 */
export interface RateLimitSettings {
  /** Requests a key may make in a burst. */
  burst: number;
  /** Sustained requests per second per key. */
  perSecond: number;
}

/** One take from a bucket: `retryAfterMs` is 0 when allowed, else the wait until it would be. */
export interface RateLimitTake {
  remaining: number;
  retryAfterMs: number;
}

/** Takes one token from an API key's bucket, wherever the buckets live. */
export interface KeyRateLimiter {
  take(key: string): Promise<RateLimitTake>;
}

/** Buckets of this process only, as a `KeyRateLimiter`. */
export function inMemoryKeyRateLimiter(settings: RateLimitSettings): KeyRateLimiter {
  const limiter = new RateLimiter(settings);
  return { take: async (key) => limiter.take(key) };
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

  /**
   * Takes `count` tokens for `key`, all or none: `retryAfterMs` is 0 when allowed, else the wait
   * until `count` tokens are there.
   */
  take(key: string, count = 1): RateLimitTake {
    const at = this.now();
    const refilled = this.refilled(key, at);
    if (refilled < count) {
      this.buckets.set(key, { tokens: refilled, updatedAt: at });
      return {
        remaining: 0,
        retryAfterMs: ((count - refilled) / this.settings.perSecond) * 1000,
      };
    }
    this.buckets.set(key, { tokens: refilled - count, updatedAt: at });
    this.forgetIdleBuckets(at);
    return { remaining: Math.floor(refilled - count), retryAfterMs: 0 };
  }

  /** Puts back tokens taken for work that was not done (never above the burst). */
  giveBack(key: string, count: number): void {
    const at = this.now();
    const tokens = Math.min(this.settings.burst, this.refilled(key, at) + count);
    this.buckets.set(key, { tokens, updatedAt: at });
  }

  /** The tokens in `key`'s bucket at `at`: a new key starts with a full burst. */
  private refilled(key: string, at: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.settings.burst, updatedAt: at };
    return Math.min(
      this.settings.burst,
      bucket.tokens + ((at - bucket.updatedAt) / 1000) * this.settings.perSecond,
    );
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
