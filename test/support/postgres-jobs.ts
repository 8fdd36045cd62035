/**
 * The PostgreSQL twins of sqlite.ts: moving a PostgreSQL store's jobs where a test needs them, by
 * name, writing pg-boss's job rows directly (src/store/postgres/jobs-rows.ts says how a job lives
 * there: `start_after` is when pg-boss hands it out, `data` holds the rest of the JobRecord, a
 * request's hold is `data.heldUntil`). Only open jobs (created, retry, active) are touched.
 */
import type { PostgresStore } from "../../src/store/postgres/index.ts";
import { allQueues, bossSchema } from "../../src/store/postgres/jobs-rows.ts";
import type { JobRecord } from "../../src/store/store.ts";

/** Before every clock's now: a job due then is due whatever time a test runs at. */
const longAgo = new Date(0).toISOString();

const openJobs = `name = ANY($1) AND state <= 'active'`;

/** Makes every job (only those of `kind`, when given) due now; a job still held stays held. */
export async function makeJobsDue(store: PostgresStore, kind?: JobRecord["kind"]): Promise<void> {
  await store.pool.query(
    `UPDATE ${bossSchema}.job
     SET data = jsonb_set(data, '{runAt}', to_jsonb($2::text)),
         start_after = CASE WHEN data->>'heldUntil' IS NULL THEN $2::timestamptz ELSE start_after END
     WHERE ${openJobs} AND ($3::text IS NULL OR data->>'kind' = $3)`,
    [allQueues, longAgo, kind ?? null],
  );
}

/** Puts off every job but those of `except` until `until`. */
export async function postponeJobs(
  store: PostgresStore,
  until: string,
  options: { except: JobRecord["kind"] },
): Promise<void> {
  await store.pool.query(
    `UPDATE ${bossSchema}.job
     SET data = jsonb_set(data, '{runAt}', to_jsonb($2::text)), start_after = $2::timestamptz
     WHERE ${openJobs} AND data->>'kind' <> $3`,
    [allQueues, until, options.except],
  );
}

/** Sets how many attempts every job has made, as if they had run that often. */
export async function setJobAttempts(store: PostgresStore, attempts: number): Promise<void> {
  await store.pool.query(
    `UPDATE ${bossSchema}.job SET data = jsonb_set(data, '{attempts}', to_jsonb($2::int))
     WHERE ${openJobs}`,
    [allQueues, attempts],
  );
}

/**
 * Sets every waiting job's hold: a time in the past is a holder that vanished mid-run (its hold
 * ran out, so pg-boss hands the job out again), null a job nobody holds (due at its `runAt`).
 */
export async function setJobLeases(store: PostgresStore, leaseUntil: string | null): Promise<void> {
  await store.pool.query(
    `UPDATE ${bossSchema}.job
     SET data = jsonb_set(data, '{heldUntil}', COALESCE(to_jsonb($2::text), 'null'::jsonb)),
         start_after = COALESCE($2::timestamptz, (data->>'runAt')::timestamptz)
     WHERE ${openJobs} AND state < 'active'`,
    [allQueues, leaseUntil],
  );
}

/** How many open jobs of `kind` the store holds, across interceptions. */
export async function countJobs(store: PostgresStore, kind: JobRecord["kind"]): Promise<number> {
  const { rows } = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${bossSchema}.job WHERE ${openJobs} AND data->>'kind' = $2`,
    [allQueues, kind],
  );
  return rows[0]?.n ?? 0;
}
