/**
 * The per-API-key rate limit shared by every instance on one database: a key cannot get N times
 * its limit from N instances. The same token bucket as the in-memory limiter (burst, then
 * `perSecond` sustained), kept as GCRA: one number per key, the time its bucket is full again
 * (`full_at`, ms since the epoch). A take moves it one token's time (`interval`) later, allowed
 * while it stays within `burst` tokens' time of now.
 *
 * One statement per request, atomic on its own: `INSERT … ON CONFLICT DO UPDATE … WHERE` takes the
 * row lock, so concurrent takes of one key from any instance queue on that row and each sees the
 * last one's `full_at`; a refused take changes nothing. The clock is the gateway's (`now`);
 * instances a few ms apart only shift a bucket by those ms.
 */
import { sql } from "drizzle-orm";
import type { KeyRateLimiter, RateLimitSettings, RateLimitTake } from "../../rate-limiter.ts";
import { rateLimitBucketsTable } from "./schema.ts";
import type { PgDb } from "./transaction.ts";

export function pgKeyRateLimiter(
  db: PgDb,
  settings: RateLimitSettings,
  now: () => Date,
): KeyRateLimiter {
  const interval = 1000 / settings.perSecond;
  const capacity = settings.burst * interval;
  const bucket = rateLimitBucketsTable;
  return {
    async take(key: string): Promise<RateLimitTake> {
      const at = now().getTime();
      // A new key starts full (burst ≥ 1), so its first take always succeeds. A refused take
      // reads the bucket as the statement found it, for the Retry-After.
      const result = await db.execute<{ full_at: number; taken: boolean }>(sql`
        with taken as (
          insert into ${bucket} as b (key, full_at)
          values (${key}, ${at}::float8 + ${interval}::float8)
          on conflict (key) do update
            set full_at = greatest(b.full_at, ${at}::float8) + ${interval}::float8
            where greatest(b.full_at, ${at}::float8) + ${interval}::float8 - ${at}::float8
              <= ${capacity}::float8
          returning full_at
        )
        select full_at, true as taken from taken
        union all
        select full_at, false from ${bucket}
        where key = ${key} and not exists (select from taken)`);
      const row = result.rows[0];
      if (row?.taken) {
        return {
          remaining: Math.floor((capacity - (row.full_at - at)) / interval),
          retryAfterMs: 0,
        };
      }
      if (!row) {
        // Another instance made the key's bucket after this statement's snapshot and emptied it
        // at once: a token's time is the honest guess.
        return { remaining: 0, retryAfterMs: interval };
      }
      const wait = Math.max(row.full_at, at) + interval - at - capacity;
      // At least 1 ms: the row read may be a moment older than the one the refusal saw.
      return { remaining: 0, retryAfterMs: Math.max(wait, 1) };
    },
  };
}
