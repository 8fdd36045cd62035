/**
 * A PostgreSQL store for tests, opened as the gateway opens it (its pg-boss job queue included):
 * on a fresh database (postgres.ts) unless a URL is given.
 */
import pg from "pg";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/index.ts";
import { startPgJobQueue } from "../../src/store/postgres/job-queue-start.ts";
import { freshPostgresDatabase } from "./postgres.ts";

export interface TestPostgresStoreOptions {
  /** The jobs' lease (JOB_LEASE_MS); the gateway's default unless given. */
  jobLeaseMs?: number;
  /** Hears how long each transaction's COMMIT took, in seconds. */
  onCommit?: (seconds: number) => void;
  /** Hears the job queue's errors; by default they go to stderr. */
  onJobQueueError?: (error: Error) => void;
  /** The store's connections (DATABASE_POOL_SIZE); the gateway's default unless given. */
  poolSize?: number;
}

/** Opens a store on `url`, or on a new empty database. */
export async function openTestPostgresStore(
  url?: string,
  options: TestPostgresStoreOptions = {},
): Promise<PostgresStore> {
  return openPostgresStore({
    url: url ?? (await freshPostgresDatabase()),
    onCommit: options.onCommit,
    poolSize: options.poolSize,
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

/**
 * One database for the tests of a file, emptied before each test: truncating its tables (ours and
 * pg-boss's jobs) takes milliseconds where creating a database takes about a second. Its tables
 * and pg-boss's queues are made by the first store opened on it, as at a deployment's first start.
 */
export function postgresTestDatabase(): { url(): Promise<string>; empty(): Promise<void> } {
  let created: Promise<string> | null = null;
  const url = () => {
    created ??= freshPostgresDatabase();
    return created;
  };
  return {
    url,
    async empty() {
      const client = new pg.Client({ connectionString: await url() });
      await client.connect();
      try {
        const tables = await client.query<{ name: string }>(
          "SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname = 'public'",
        );
        const jobs = await client.query("SELECT to_regclass('pgboss.job') IS NOT NULL AS present");
        const names = tables.rows.map((row) => row.name);
        if (jobs.rows[0]?.present) {
          names.push("pgboss.job", "pgboss.archive");
        }
        if (names.length > 0) {
          await client.query(`TRUNCATE ${names.join(", ")}`);
        }
      } finally {
        await client.end();
      }
    },
  };
}
