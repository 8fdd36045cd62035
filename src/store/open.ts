/**
 * Opens the store DATABASE_URL names: the SQLite file (one process), or PostgreSQL with its
 * pg-boss job queue and its shared rate-limit buckets (any number of instances).
 */
import type { GatewayConfig } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { KeyRateLimiter } from "../rate-limiter.ts";
import type { CommitObserver } from "./group-commit.ts";
import { openSqliteStore } from "./sqlite/open.ts";
import type { Store } from "./store.ts";

export interface OpenedStore {
  store: Store;
  /** The database's per-key buckets, shared by all instances; null for this process's own. */
  rateLimiter: KeyRateLimiter | null;
}

export async function openConfiguredStore(
  config: GatewayConfig,
  input: {
    logger: Logger;
    now: () => Date;
    onCommit?: CommitObserver;
    /** SQLite only: each WAL fsync's time (PostgreSQL flushes its WAL itself). */
    onFsync?: (seconds: number) => void;
  },
): Promise<OpenedStore> {
  const { database } = config;
  if (database.engine === "sqlite") {
    return {
      store: openSqliteStore({
        path: database.path,
        onCommit: input.onCommit,
        onFsync: input.onFsync,
        onCheckpointError: (error) =>
          input.logger.warn("WAL checkpoint failed", { error: error.message }),
      }),
      rateLimiter: null,
    };
  }
  // Loaded only for PostgreSQL: pg-boss and its dependencies would add about a second to every
  // start on SQLite.
  const { openPostgresStore } = await import("./postgres/index.ts");
  const { startPgJobQueue } = await import("./postgres/job-queue-start.ts");
  const { onCommit } = input;
  const store = await openPostgresStore({
    url: database.url,
    poolSize: database.poolSize,
    onCommit: onCommit && ((seconds) => onCommit(seconds, 1)),
    jobQueue: ({ pool }) =>
      startPgJobQueue({
        pool,
        leaseMs: config.jobLeaseMs,
        onError: (error) => input.logger.warn("job queue error", { error: error.message }),
      }),
    onPoolError: (error) =>
      input.logger.warn("idle database connection failed", { error: error.message }),
  });
  return { store, rateLimiter: store.keyRateLimiter(config.rateLimit, input.now) };
}
