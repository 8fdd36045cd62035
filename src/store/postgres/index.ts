/**
 * `Store` on PostgreSQL through drizzle and node-postgres, for any number of gateway instances on
 * one database: every write that instances could race on is decided by the database (see each
 * repository), and jobs live in pg-boss (jobs.ts), enqueued in the same transactions.
 */
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { KeyRateLimiter, RateLimitSettings } from "../../rate-limiter.ts";
import type { Store } from "../store.ts";
import { pgIdempotencyRepository } from "./idempotency.ts";
import { pgInterceptionRepository } from "./interceptions.ts";
import type { PgJobQueue } from "./job-queue.ts";
import { pgMerchantRepository } from "./merchants.ts";
import { pgMetaRepository } from "./meta.ts";
import { applyMigrations } from "./migrate.ts";
import { pgKeyRateLimiter } from "./rate-limits.ts";
import { transactions } from "./transaction.ts";

/** The store, plus what only PostgreSQL offers: shared rate-limit buckets, and the pool for tests. */
export type PostgresStore = Store & {
  /** Per-key buckets every instance on this database shares. */
  keyRateLimiter(settings: RateLimitSettings, now: () => Date): KeyRateLimiter;
  readonly pool: pg.Pool;
};

/** Starts the job queue on the store's pool (pg-boss, jobs.ts), once the migrations ran. */
export type JobQueueFactory = (input: { pool: pg.Pool; url: string }) => Promise<PgJobQueue>;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://`). */
  url: string;
  jobQueue: JobQueueFactory;
  /** Connections this instance keeps at most (node-postgres's default: 10). */
  poolSize?: number;
  /** Hears how long each transaction's COMMIT took, in seconds. */
  onCommit?: (seconds: number) => void;
  /** Hears of an idle pooled connection that failed (the pool drops it and opens another). */
  onPoolError?: (error: Error) => void;
}

/** Connects, applies migrations (under the migration lock), starts the job queue. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: "interception-gateway",
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on("error", (error) => options.onPoolError?.(error));
  let queue: PgJobQueue | null = null;
  try {
    await applyMigrations(pool);
    queue = await options.jobQueue({ pool, url: options.url });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const jobs = queue;
  const db = drizzle({ client: pool });
  const inTransaction = transactions(pool, options.onCommit);
  return {
    pool,
    meta: pgMetaRepository(db),
    merchants: pgMerchantRepository(db),
    idempotency: pgIdempotencyRepository(inTransaction, db),
    interceptions: pgInterceptionRepository(inTransaction, db, jobs),
    jobs,
    keyRateLimiter: (settings, now) => pgKeyRateLimiter(db, settings, now),
    async close() {
      try {
        await jobs.stop();
      } finally {
        await pool.end();
      }
    },
  };
}
