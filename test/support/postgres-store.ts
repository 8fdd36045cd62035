/**
 * A PostgreSQL store for tests: on a fresh database (postgres.ts) unless a URL is given, with its
 * job queue, as the gateway opens it.
 */

import { openPostgresStore, type PostgresStore } from "../../src/store/postgres/index.ts";
import type { PgJobQueue } from "../../src/store/postgres/job-queue.ts";
import { freshPostgresDatabase } from "./postgres.ts";

// TEMPORARY until jobs.ts (B2) exports startPgJobQueue: a queue that holds no jobs.
function stubQueue(): PgJobQueue {
  const notYet = () => Promise.reject(new Error("jobs: pg-boss queue not wired yet"));
  return {
    enqueue: async () => {},
    removeAllFor: async () => {},
    remove: async () => {},
    hasOpenJob: async () => false,
    stop: async () => {},
    claim: notYet,
    claimDue: notYet,
    reschedule: notYet,
    complete: notYet,
    release: notYet,
    bringForwardPolls: notYet,
    forInterception: notYet,
  };
}

/** Opens a store on `url`, or on a new empty database. */
export async function openTestPostgresStore(url?: string): Promise<PostgresStore> {
  return openPostgresStore({
    url: url ?? (await freshPostgresDatabase()),
    jobQueue: async () => stubQueue(),
  });
}
