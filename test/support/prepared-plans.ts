/**
 * How much a statement the store prepared reads, from the plan its connection holds: a named
 * statement keeps the plan PostgreSQL settled on for that connection, possibly while its tables
 * were small, so a plan that reads more as the data grows shows here and not in a fresh EXPLAIN.
 */
import type pg from "pg";

/**
 * The shared buffers (hit or read) the one prepared statement whose text contains `textHas` reads
 * when run with `values`. `pool` must have one connection: prepared statements live in a session.
 */
export async function blocksRead(
  pool: pg.Pool,
  textHas: string,
  values: string[],
): Promise<number> {
  const { rows } = await pool.query<{ name: string }>(
    "SELECT name FROM pg_prepared_statements WHERE strpos(statement, $1) > 0",
    [textHas],
  );
  if (rows.length !== 1) {
    throw new Error(`${rows.length} prepared statements contain ${textHas}, not one`);
  }
  const literals = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  const { rows: plan } = await pool.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${rows[0]?.name}(${literals})`,
  );
  const root = plan[0]?.["QUERY PLAN"][0].Plan;
  return (root?.["Shared Hit Blocks"] ?? 0) + (root?.["Shared Read Blocks"] ?? 0);
}

/** The part of EXPLAIN's JSON read here: a node's buffers include its children's. */
interface PlanNode {
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
}
