/**
 * The statements the job queue (jobs.ts) runs on pg-boss's job table itself, beside pg-boss's
 * API: each prepared on the caller's connection, a job locked by id (and the fence of a held job),
 * and the claim's split of a worker's room between the carriers' queues.
 */
import type pg from "pg";
import type PgBoss from "pg-boss";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import type { HeldJob } from "../store.ts";
import {
  allQueues,
  bossJobId,
  bossSchema,
  type JobRow,
  jobRowColumns,
  openJobs,
  queueOf,
} from "./jobs-rows.ts";
import { statementName } from "./named-statements.ts";

/** pg-boss's `db` option: its statement on this connection (in its open transaction). */
export function on(client: pg.PoolClient): PgBoss.Db {
  return { executeSql: (text, values) => client.query(prepared(text, values)) };
}

/**
 * A statement named after its text (named-statements.ts), so that each connection parses and plans
 * it once: planning over six partitions cost as much as running the statement. Only for single
 * statements (pg-boss's install and maintenance send several at once, unprepared).
 */
export function prepared(text: string, values?: unknown[]): pg.QueryConfig {
  const name = statementName(text);
  return name ? { name, text, values } : { text, values };
}

/**
 * The open job `jobId`, locked until the transaction ends; null when it has ended. Found by its
 * primary key alone and told open by a column: with the open-state condition in the WHERE clause
 * PostgreSQL chose pg-boss's (name, state) index and read every open job of the queue to find this
 * one (0.5 ms and 1,100 buffers at 1,200 open jobs, growing with the queue). An ended job is
 * locked only until the transaction ends, and changed by nobody.
 */
export async function lockJob(client: pg.PoolClient, jobId: string): Promise<JobRow | null> {
  const { rows } = await client.query<JobRow & { open: boolean }>(
    prepared(
      `SELECT ${jobRowColumns}, ${openJobs} AS open FROM ${bossSchema}.job
       WHERE name = ANY($1) AND id = $2
       FOR UPDATE`,
      [allQueues, bossJobId(jobId)],
    ),
  );
  const row = rows[0];
  if (!row?.open) {
    return null;
  }
  const { open: _open, ...job } = row;
  return job;
}

/** The job, locked, if `held`'s holder still holds it (the fence); null if it lost it. */
export async function lockHeldJob(client: pg.PoolClient, held: HeldJob): Promise<JobRow | null> {
  const row = await lockJob(client, held.id);
  return row && row.lease_until === held.leaseUntil ? row : null;
}

/**
 * How many jobs to fetch from each carrier's queue: the oldest due jobs of each (up to its room),
 * then the oldest of those up to the total.
 */
export async function shareOfRoom(
  client: pg.PoolClient,
  free: Array<[CarrierId, number]>,
  total: number,
): Promise<Map<string, number>> {
  const { rows } = await client.query<{ name: string }>(
    prepared(
      `SELECT due.name
       FROM unnest($1::text[], $2::int[]) AS room(name, free)
       CROSS JOIN LATERAL (
         SELECT job.name, job.created_on, job.id FROM ${bossSchema}.job
         WHERE job.name = room.name AND job.state < 'active' AND job.start_after < now()
         ORDER BY job.created_on, job.id
         LIMIT room.free
       ) due
       ORDER BY due.created_on, due.id
       LIMIT $3`,
      [free.map(([carrier]) => queueOf(carrier)), free.map(([, count]) => count), total],
    ),
  );
  const shares = new Map<string, number>();
  for (const { name } of rows) {
    shares.set(name, (shares.get(name) ?? 0) + 1);
  }
  return shares;
}
