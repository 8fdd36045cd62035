/**
 * Moving a SQLite store's jobs where a test needs them, by name. The store has no call for these
 * on purpose (a job's time, attempts and lease are the worker's to change), so each helper writes
 * the jobs table directly, and says which fact of the job it sets. Route and reliability tests use
 * them to stand in for the time that would otherwise pass, or for a worker that vanished.
 */
import type { SqliteStore } from "../../src/store/sqlite/open.ts";
import type { JobRecord } from "../../src/store/store.ts";

/** Before every clock's now: a job due then is due whatever time a test runs at. */
const longAgo = new Date(0).toISOString();

/** Makes every job (only those of `kind`, when given) due now. */
export function makeJobsDue(store: SqliteStore, kind?: JobRecord["kind"]): void {
  if (kind === undefined) {
    store.database.prepare("UPDATE jobs SET run_at = ?").run(longAgo);
  } else {
    store.database.prepare("UPDATE jobs SET run_at = ? WHERE kind = ?").run(longAgo, kind);
  }
}

/** Puts off every job but those of `except` until `until`. */
export function postponeJobs(
  store: SqliteStore,
  until: string,
  options: { except: JobRecord["kind"] },
): void {
  store.database.prepare("UPDATE jobs SET run_at = ? WHERE kind <> ?").run(until, options.except);
}

/** Sets how many attempts every job has made, as if they had run that often. */
export function setJobAttempts(store: SqliteStore, attempts: number): void {
  store.database.prepare("UPDATE jobs SET attempts = ?").run(attempts);
}

/**
 * Sets every job's lease: a time in the past is a holder that vanished mid-run (its lease ran
 * out), null a job nobody holds.
 */
export function setJobLeases(store: SqliteStore, leaseUntil: string | null): void {
  store.database.prepare("UPDATE jobs SET lease_until = ?").run(leaseUntil);
}

/** How many jobs of `kind` the store holds, across interceptions. */
export function countJobs(store: SqliteStore, kind: JobRecord["kind"]): number {
  const row = store.database.prepare("SELECT count(*) AS n FROM jobs WHERE kind = ?").get(kind) as {
    n: number;
  };
  return row.n;
}
