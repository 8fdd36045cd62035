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
 *
 * The time is read once a connection is in hand, not before: under load a take waits for one,
 * and a time read before that wait is older than the `full_at` that takes sent meanwhile have
 * written, which made the bucket look fuller than it was and refused requests within the limit.
 */
import type pg from "pg";
import type { KeyRateLimiter, RateLimitSettings, RateLimitTake } from "../../rate-limiter.ts";

// $1 key, $2 the time (ms), $3 one token's time, $4 the bucket's capacity in time. A new key
// starts full (burst ≥ 1), so its first take always succeeds. A refused take reads the bucket as
// the statement found it, for the Retry-After.
const TAKE = `
  with taken as (
    insert into rate_limit_buckets as b (key, full_at)
    values ($1, $2::float8 + $3::float8)
    on conflict (key) do update
      set full_at = greatest(b.full_at, $2::float8) + $3::float8
      where greatest(b.full_at, $2::float8) + $3::float8 - $2::float8 <= $4::float8
    returning full_at
  )
  select full_at, true as taken from taken
  union all
  select full_at, false from rate_limit_buckets
  where key = $1 and not exists (select from taken)`;

export function pgKeyRateLimiter(
  pool: pg.Pool,
  settings: RateLimitSettings,
  now: () => Date,
): KeyRateLimiter {
  const interval = 1000 / settings.perSecond;
  const capacity = settings.burst * interval;
  return {
    async take(key: string): Promise<RateLimitTake> {
      const client = await pool.connect();
      let at: number;
      let result: pg.QueryResult<{ full_at: number; taken: boolean }>;
      try {
        at = now().getTime();
        result = await client.query({ text: TAKE, values: [key, at, interval, capacity] });
      } finally {
        client.release();
      }
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
