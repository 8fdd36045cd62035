/**
 * A PostgreSQL store for tests, opened as the gateway opens it (its pg-boss job queue included):
 * on a fresh database (postgres.ts) unless a URL is given.
 */
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/index.ts";
import { startPgJobQueue } from "../../src/store/postgres/jobs.ts";
import { freshPostgresDatabase } from "./postgres.ts";

export interface TestPostgresStoreOptions {
  /** The jobs' lease (JOB_LEASE_MS); the gateway's default unless given. */
  jobLeaseMs?: number;
  /** Hears how long each transaction's COMMIT took, in seconds. */
  onCommit?: (seconds: number) => void;
  /** Hears the job queue's errors; by default they go to stderr. */
  onJobQueueError?: (error: Error) => void;
}

/** Opens a store on `url`, or on a new empty database. */
export async function openTestPostgresStore(
  url?: string,
  options: TestPostgresStoreOptions = {},
): Promise<PostgresStore> {
  return openPostgresStore({
    url: url ?? (await freshPostgresDatabase()),
    onCommit: options.onCommit,
    jobQueue: ({ pool }) =>
      startPgJobQueue({
        pool,
        leaseMs: options.jobLeaseMs ?? 30_000,
        // Not thrown: pg-boss emits from a timer, where a throw would kill the test worker.
        onError:
          options.onJobQueueError ??
          ((error) => process.stderr.write(`job queue error: ${error.stack ?? error}\n`)),
      }),
  });
}
