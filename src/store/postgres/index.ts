/**
 * `Store` on PostgreSQL through drizzle and node-postgres, for any number of gateway instances on
 * one database: every write that instances could race on is decided by the database (see each
 * repository), and jobs live in pg-boss (jobs.ts), enqueued in the same transactions.
 */
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { KeyRateLimiter, RateLimitSettings } from "../../rate-limiter.ts";
import type { Store } from "../store.ts";
import { pgDashboardSessionRepository } from "./dashboard-sessions.ts";
import { type PgDeadlineQueue, startPgDeadlineQueue } from "./deadlines.ts";
import { pgIdempotencyRepository } from "./idempotency.ts";
import { pgInterceptionRepository } from "./interceptions.ts";
import type { PgJobQueue } from "./job-queue.ts";
import { pgMerchantRepository } from "./merchants.ts";
import { pgMetaRepository } from "./meta.ts";
import { applyMigrations } from "./migrate.ts";
import { namingStatements } from "./named-statements.ts";
import { pgKeyRateLimiter } from "./rate-limits.ts";
import { pgShipDateProposalRepository } from "./ship-date-proposals.ts";
import { pgShipmentRepository } from "./shipments.ts";
import { pgTicketRepository } from "./tickets.ts";
import { observeCommits } from "./transaction.ts";
import { pgWebhookRepository } from "./webhooks.ts";

/** The store, plus what only PostgreSQL offers: shared rate-limit buckets, and the pool for tests. */
export type PostgresStore = Store & {
  /** Per-key buckets every instance on this database shares. */
  keyRateLimiter(settings: RateLimitSettings, now: () => Date): KeyRateLimiter;
  readonly pool: pg.Pool;
};

/**
 * A worker's lease on a deadline: a handler makes at most one carrier call (a tracking look-up,
 * bounded by the request deadline), far below this.
 */
const deadlineLeaseMs = 60_000;

/** Starts the job queue on the store's pool (pg-boss, job-queue-start.ts), once the migrations ran. */
export type JobQueueFactory = (input: { pool: pg.Pool; url: string }) => Promise<PgJobQueue>;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (or `postgresql://`). */
  url: string;
  jobQueue: JobQueueFactory;
  /** Connections this instance keeps at most (node-postgres's default: 10). */
  poolSize?: number;
  /** Hears how long each commit took, in seconds (every transaction, and every lone write). */
  onCommit?: (seconds: number) => void;
  /** Hears of an idle pooled connection that failed (the pool drops it and opens another). */
  onPoolError?: (error: Error) => void;
}

/** Connects, applies migrations (under the migration lock), starts the job queue. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const poolSize = options.poolSize ?? 10;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: poolSize,
    application_name: "interception-gateway",
  });
  // The rate-limit buckets change on every request, and a crash that loses their last moments
  // only forgets a few requests: their writes go over connections of their own that do not wait
  // for the WAL flush (synchronous_commit off), so the limit costs no disk wait per request.
  const bucketPool = new pg.Pool({
    connectionString: options.url,
    max: Math.max(2, Math.ceil(poolSize / 4)),
    application_name: "interception-gateway-rate-limits",
    options: "-c synchronous_commit=off",
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on("error", (error) => options.onPoolError?.(error));
  bucketPool.on("error", (error) => options.onPoolError?.(error));
  if (options.onCommit) {
    observeCommits(pool, options.onCommit);
  }
  let queue: PgJobQueue | null = null;
  let deadlineQueue: PgDeadlineQueue | null = null;
  try {
    await applyMigrations(pool);
    queue = await options.jobQueue({ pool, url: options.url });
    deadlineQueue = await startPgDeadlineQueue({
      pool,
      leaseMs: deadlineLeaseMs,
      onError: (error) => options.onPoolError?.(error),
    });
  } catch (error) {
    await queue?.stop();
    await Promise.all([pool.end(), bucketPool.end()]);
    throw error;
  }
  const jobs = queue;
  const deadlines = deadlineQueue;
  const db = drizzle({ client: namingStatements(pool) });
  return {
    pool,
    meta: pgMetaRepository(pool, db),
    merchants: pgMerchantRepository(pool, db),
    dashboardSessions: pgDashboardSessionRepository(pool, db),
    idempotency: pgIdempotencyRepository(pool, db),
    interceptions: pgInterceptionRepository(pool, db, jobs),
    jobs,
    webhooks: pgWebhookRepository(pool, db),
    shipments: pgShipmentRepository(pool, db, deadlines),
    deadlines,
    tickets: pgTicketRepository(pool, db, deadlines),
    proposals: pgShipDateProposalRepository(pool, db, deadlines),
    keyRateLimiter: (settings, now) => pgKeyRateLimiter(bucketPool, settings, now),
    async close() {
      try {
        await Promise.all([jobs.stop(), deadlines.stop()]);
      } finally {
        await Promise.all([pool.end(), bucketPool.end()]);
      }
    },
  };
}
