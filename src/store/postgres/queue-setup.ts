/**
 * Setting up pg-boss queues when an instance starts: the job queue's (job-queue-start.ts) and the deadline
 * queue's (deadlines.ts) both run here, one after another, on one connection holding a
 * session-level advisory lock, so instances starting together do it one after another. pg-boss's
 * own install survives a race (an advisory lock, and the loser's "already exists" tolerated), but
 * creating queues does not: two instances creating partitions at once deadlock.
 */
import type pg from "pg";
import PgBoss from "pg-boss";
import { bossSchema } from "./jobs-rows.ts";

/**
 * The setup lock's key (the bytes of "igw-jobq"), in the one-bigint key space like the migration
 * lock, and distinct from it.
 */
const setupLockKey = 0x6967_772d_6a6f_6271n;

/**
 * Runs `setUp` with a pg-boss client on one connection of `pool`, under the setup lock. With
 * `migrate`, pg-boss first installs or migrates its schema (the job queue does, as the first to
 * start); otherwise the schema must be there already.
 */
export async function setUpQueuesUnderLock(
  pool: pg.Pool,
  migrate: boolean,
  setUp: (boss: PgBoss) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [setupLockKey.toString()]);
    try {
      const boss = new PgBoss({
        db: { executeSql: (text, values) => client.query(text, values) },
        schema: bossSchema,
        migrate,
        schedule: false,
        supervise: false,
      });
      await boss.start();
      await setUp(boss);
      await boss.stop();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [setupLockKey.toString()]);
    }
  } catch (error) {
    // A lock left behind on a pooled session would block every later start: drop the connection.
    broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}

/**
 * Creates the queue, or brings an existing one's settings up to this instance's (new jobs take
 * them; jobs already queued keep theirs).
 */
export async function putQueue(
  boss: PgBoss,
  name: string,
  settings: Omit<PgBoss.Queue, "name">,
): Promise<void> {
  await boss.createQueue(name, { name, ...settings });
  await boss.updateQueue(name, { name, ...settings });
}
