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
import { namingStatements } from "./named-statements.ts";

export type PgDb = NodePgDatabase;

/** The open transaction: drizzle over the connection, and the connection itself (for pg-boss). */
export interface Tx {
  db: PgDb;
  client: pg.PoolClient;
}

/** Attempts of one transaction that PostgreSQL keeps aborting to resolve a race. */
const maxAttempts = 4;

/**
 * Who hears how long each commit of a pool took (seconds): a transaction's COMMIT round trip, or a
 * statement committed on its own (`autocommit`), the server's WAL flush included. Kept per pool so
 * every transaction on the store's pool is heard, the job queue's included, and slow storage
 * shows in `gateway_store_commit_seconds` as it does on SQLite.
 */
const commitObservers = new WeakMap<pg.Pool, (seconds: number) => void>();

export function observeCommits(pool: pg.Pool, onCommit: (seconds: number) => void): void {
  commitObservers.set(pool, onCommit);
}

/** Runs `work` in one transaction; its result once committed, its error once rolled back. */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await attemptTransaction(pool, work);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryableConflict(error)) {
        throw error;
      }
    }
  }
}

/** One writing statement that commits on its own (no BEGIN/COMMIT round trips), heard as a commit. */
export async function autocommit<T>(pool: pg.Pool, statement: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await statement();
  commitObservers.get(pool)?.((performance.now() - started) / 1000);
  return result;
}

async function attemptTransaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work({ db: drizzle({ client: namingStatements(client) }), client });
    const started = performance.now();
    await client.query("COMMIT");
    commitObservers.get(pool)?.((performance.now() - started) / 1000);
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
