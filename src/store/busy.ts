/**
 * Waiting for a SQLite lock without freezing the event loop. better-sqlite3 is synchronous: its
 * `busy_timeout` sleeps on the one thread that serves every request. So the store keeps that
 * timeout to a few milliseconds and, when another connection (`npm run merchant`, a backup)
 * holds the lock, tries again later on a timer, within a bounded total wait.
 */

/** The total time a write or read waits for a lock held elsewhere before it fails. */
export const defaultMaxBusyWaitMs = 5_000;

/** True for SQLite's "database is locked" (SQLITE_BUSY and its extended codes). */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/** The lock stayed taken past the bounded wait: the request fails honestly, retryable. */
export class StoreBusyError extends Error {
  readonly retryable = true;

  constructor(waitedMs: number, cause: unknown) {
    super(
      `The database stayed locked by another connection for ${waitedMs} ms (another process is writing to it).`,
      { cause },
    );
    this.name = "StoreBusyError";
  }
}

/**
 * Counts the waits of one piece of work: 5, 10, 20, 40, 80, then 100 ms apart, until the
 * waits add up to `maxWaitMs`. Counted from the delays, not a clock, so it is deterministic.
 */
export class BusyBackoff {
  private attempt = 0;
  private waitedMs = 0;

  constructor(private readonly maxWaitMs: number) {}

  /** The delay before the next try, or null when the bounded wait is spent. */
  next(): number | null {
    if (this.waitedMs >= this.maxWaitMs) {
      return null;
    }
    const delay = Math.min(5 * 2 ** this.attempt, 100, this.maxWaitMs - this.waitedMs);
    this.attempt += 1;
    this.waitedMs += delay;
    return delay;
  }

  get waited(): number {
    return this.waitedMs;
  }
}

/**
 * Runs synchronous `work`; while it meets a lock held elsewhere, tries again after a timer.
 * Throws StoreBusyError once the bounded wait is spent.
 */
export async function retryWhileBusy<T>(work: () => T, maxWaitMs: number): Promise<T> {
  const backoff = new BusyBackoff(maxWaitMs);
  for (;;) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error)) {
        throw error;
      }
      const delay = backoff.next();
      if (delay === null) {
        throw new StoreBusyError(backoff.waited, error);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
