/**
 * What each statement cost PostgreSQL during a phase, from `pg_stat_statements` (preloaded by
 * the bench's server, postgres.ts): calls, shared buffers touched and time (planning and
 * execution, on the server), per normalised statement of the gateways' database. Reset when a
 * phase starts and read when it ends, so the table is that phase alone. It names what an intercept
 * asks of the store and catches a plan that reads more as the data grows (a buffers-per-call
 * figure far above the handful an indexed look-up needs).
 */
import type pg from "pg";

export interface StatementCost {
  /** The normalised text (`$1`… for values), whitespace collapsed. */
  text: string;
  calls: number;
  /** Shared buffers hit or read, over all calls. */
  blocks: number;
  /** Planning and execution, over all calls. */
  ms: number;
}

/** The bench's own statements on its sampling connection, left out of the table. */
const benchOwn = /pg_stat_(activity|database|io|statements)|pg_stat_statements_reset/;

/** Makes the view available in this database and starts counting from zero; false without it. */
export async function resetStatements(client: pg.Client): Promise<boolean> {
  try {
    await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await client.query("SELECT pg_stat_statements_reset()");
    return true;
  } catch {
    // The server was started without the library preloaded: the table is left out.
    return false;
  }
}

/** Every statement of `database` since the reset, the most time first. */
export async function readStatements(
  client: pg.Client,
  database: string,
): Promise<StatementCost[]> {
  const { rows } = await client.query<{
    query: string;
    calls: string;
    blocks: string;
    ms: number;
  }>(
    `SELECT query, calls, shared_blks_hit + shared_blks_read AS blocks,
            total_exec_time + total_plan_time AS ms
     FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)
     ORDER BY total_exec_time + total_plan_time DESC`,
    [database],
  );
  return rows
    .filter((row) => !benchOwn.test(row.query))
    .map((row) => ({
      text: row.query.replace(/\s+/g, " ").trim(),
      calls: Number(row.calls),
      blocks: Number(row.blocks),
      ms: row.ms,
    }));
}
