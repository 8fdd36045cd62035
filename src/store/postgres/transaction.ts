/**
 * Transactions of the PostgreSQL store: one pooled connection, BEGIN, the work through drizzle on
 * that connection, COMMIT. The same `client` is handed to pg-boss (jobs.ts), so a job is enqueued
 * or removed in the very transaction that changes its interception.
 *
 * Isolation is PostgreSQL's default, READ COMMITTED: each statement sees what was committed before
 * it began. Where instances could race, the repositories say which tool decides: a unique
 * constraint with `INSERT … ON CONFLICT`, a row lock (`SELECT … FOR UPDATE`), or a
 * transaction-scoped advisory lock. A transaction PostgreSQL aborts to break a deadlock (or a
 * serialization failure) is run again from the start, a few times: its work only touches the
 * database, so running it again is safe.
 */
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { isRetryableConflict } from "./errors.ts";

export type PgDb = NodePgDatabase;

/** The open transaction: drizzle over the connection, and the connection itself (for pg-boss). */
export interface Tx {
  db: PgDb;
  client: pg.PoolClient;
}

/** Attempts of one transaction that PostgreSQL keeps aborting to resolve a race. */
const maxAttempts = 4;

/** Runs `work` in one transaction of the store's (see `transactions`). */
export type InTransaction = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Transactions on `pool`. `onCommit` hears how long each COMMIT took (seconds, its round trip:
 * the server's WAL flush included), so slow storage shows as it does on SQLite.
 */
export function transactions(
  pool: pg.Pool,
  onCommit: ((seconds: number) => void) | undefined,
): InTransaction {
  return (work) => inTransaction(pool, work, onCommit);
}

/** Runs `work` in one transaction; its result once committed, its error once rolled back. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (tx: Tx) => Promise<T>,
  onCommit?: (seconds: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await attemptTransaction(pool, work, onCommit);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryableConflict(error)) {
        throw error;
      }
    }
  }
}

async function attemptTransaction<T>(
  pool: pg.Pool,
  work: (tx: Tx) => Promise<T>,
  onCommit: ((seconds: number) => void) | undefined,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work({ db: drizzle({ client }), client });
    const started = performance.now();
    await client.query("COMMIT");
    onCommit?.((performance.now() - started) / 1000);
    return result;
  } catch (error) {
    try {
      await client.query("ROLLBACK");
    } catch (rollbackError) {
      // The connection itself failed: the pool must drop it rather than lend it out again.
      broken = rollbackError as Error;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
