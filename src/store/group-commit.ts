/**
 * Group commit: the writes that arrive in one turn of the event loop share one transaction, so
 * one COMMIT (and its fsync under `synchronous = FULL`) makes all of them durable.
 *
 * Each write runs in its own savepoint inside that transaction: one that throws is undone alone
 * and the others still commit, unless its error ended the whole transaction (then none does).
 * A write's promise settles only after the COMMIT that made it durable, so nobody hears "done"
 * for work a crash could still lose. Concurrent requests share the cost of the fsync instead of
 * queueing behind one each on the single event loop.
 *
 * When another connection holds the write lock, the batch is not waited for on the event loop
 * (the connection's `busy_timeout` is a few milliseconds): it goes back to the head of the queue
 * and is tried again on a timer, with the writes that arrive meanwhile, until the bounded wait is
 * spent; then each of its writes fails with StoreBusyError.
 */
import type Database from "better-sqlite3";
import { BusyBackoff, defaultMaxBusyWaitMs, isBusy, StoreBusyError } from "./busy.ts";

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Told how long each batch held the event loop (its writes, COMMIT and fsync), and its size. */
export type CommitObserver = (seconds: number, writes: number) => void;

export class GroupCommit {
  private queue: QueuedWrite[] = [];
  /** Inside the batch's transaction better-sqlite3 makes this a savepoint. */
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly commitBatch: { immediate: (batch: QueuedWrite[]) => Settled[] };
  /** While the queue waits for a lock held by another connection: its waits so far. */
  private backoff: BusyBackoff | null = null;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly onCommit: CommitObserver = () => {},
    private readonly maxBusyWaitMs = defaultMaxBusyWaitMs,
  ) {
    this.inSavepoint = sqlite.transaction((work: () => unknown) => work());
    this.commitBatch = sqlite.transaction((batch: QueuedWrite[]) =>
      batch.map((write): Settled => {
        try {
          return { ok: true, value: this.inSavepoint(write.work) };
        } catch (error) {
          if (!sqlite.inTransaction) {
            // Some errors (a full disk, an I/O error, OR ROLLBACK) make SQLite abandon the whole
            // transaction, the batch's earlier writes with it: the batch fails as one.
            throw error;
          }
          return { ok: false, error };
        }
      }),
    );
  }

  /** Runs `work` (synchronous, no awaits) in the next batch; settles once it is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // A queue waiting for the lock is tried again by its timer, this write with it.
      if (this.queue.length === 1 && this.retryTimer === null) {
        setImmediate(() => this.commit(true));
      }
    });
  }

  /**
   * Commits what is queued now, before the database closes: a lock held elsewhere is not
   * waited for any more, the writes fail with StoreBusyError.
   */
  flush(): void {
    if (this.retryTimer !== null) {
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
    }
    this.commit(false);
  }

  private commit(mayWait: boolean): void {
    const batch = this.queue;
    if (batch.length === 0) {
      return;
    }
    this.queue = [];
    let settled: Settled[];
    const started = performance.now();
    try {
      // IMMEDIATE takes the write lock up front, so no read inside can go stale (see the store).
      settled = this.commitBatch.immediate(batch);
    } catch (error) {
      // The lock is held elsewhere (at BEGIN, or at COMMIT and the batch rolled back): nothing
      // of the batch ran for good, so it simply runs again later.
      if (isBusy(error) && !this.sqlite.inTransaction && mayWait && this.retryLater(batch)) {
        return;
      }
      const failure = isBusy(error) ? new StoreBusyError(this.backoff?.waited ?? 0, error) : error;
      this.backoff = null;
      this.onCommit((performance.now() - started) / 1000, batch.length);
      // BEGIN or COMMIT failed: nothing of this batch is durable.
      for (const write of batch) {
        write.reject(failure);
      }
      return;
    }
    this.backoff = null;
    this.onCommit((performance.now() - started) / 1000, batch.length);
    batch.forEach((write, index) => {
      const outcome = settled[index];
      if (outcome?.ok) {
        write.resolve(outcome.value);
      } else {
        write.reject(outcome?.error);
      }
    });
  }

  /** Puts the batch back first in line and tries it again on a timer; false once the wait is spent. */
  private retryLater(batch: QueuedWrite[]): boolean {
    this.backoff ??= new BusyBackoff(this.maxBusyWaitMs);
    const delay = this.backoff.next();
    if (delay === null) {
      return false;
    }
    this.queue = batch.concat(this.queue);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.commit(true);
    }, delay);
    return true;
  }
}
