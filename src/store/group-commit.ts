/**
 * Group commit: the writes that arrive in one turn of the event loop share one transaction, so
 * one COMMIT and one fsync make all of them durable. With a `WalSync` (a database file), the
 * fsync runs off the event loop after the COMMIT, and commits made while one fsync runs share
 * the next; without one (in memory), a write is done at its COMMIT.
 *
 * Each write runs in its own savepoint inside that transaction: one that throws is undone alone
 * and the others still commit, unless its error ended the whole transaction (then none does).
 * A write's promise settles only after the COMMIT and the fsync that made it durable, so nobody
 * hears "done" for work a crash could still lose. Concurrent requests share the cost of the fsync instead of
 * queueing behind one each on the single event loop.
 *
 * When another connection holds the write lock, the batch is not waited for on the event loop
 * (the connection's `busy_timeout` is a few milliseconds): it goes back to the head of the queue
 * and is tried again on a timer, with the writes that arrive meanwhile, until the bounded wait is
 * spent; then each of its writes fails with StoreBusyError.
 */
import type Database from "better-sqlite3";
import { BusyBackoff, defaultMaxBusyWaitMs, isBusy, StoreBusyError } from "./busy.ts";
import type { WalSync } from "./sqlite/wal-sync.ts";

interface QueuedWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A committed write waiting for the fsync that makes it durable. */
interface Committed {
  done: () => void;
  fail: (error: unknown) => void;
}

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
  /** Committed writes whose fsync has not started yet. */
  private awaitingSync: Committed[] = [];
  /** The writes of the fsync running now, if any. */
  private syncingNow: Committed[] = [];

  constructor(
    private readonly sqlite: Database.Database,
    private readonly onCommit: CommitObserver = () => {},
    private readonly maxBusyWaitMs = defaultMaxBusyWaitMs,
    private readonly wal: WalSync | null = null,
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
    const unsynced = [...this.syncingNow, ...this.awaitingSync];
    if (this.wal && unsynced.length > 0) {
      // Blocking, once: the connection closes next, and these writes must be durable first. A
      // background fsync still running settles them again later, which changes nothing.
      this.awaitingSync = [];
      try {
        this.wal.syncNow();
        settleAfterSync(unsynced, null);
      } catch (error) {
        settleAfterSync(unsynced, { error });
      }
    }
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
      if (!outcome?.ok) {
        write.reject(outcome?.error);
      } else if (this.wal) {
        this.awaitingSync.push({ done: () => write.resolve(outcome.value), fail: write.reject });
      } else {
        write.resolve(outcome.value);
      }
    });
    this.startSync();
  }

  /** Starts an fsync for the commits waiting on one, unless one is running (they take the next). */
  private startSync(): void {
    const wal = this.wal;
    if (!wal || this.syncingNow.length > 0 || this.awaitingSync.length === 0) {
      return;
    }
    const waiting = this.awaitingSync;
    this.awaitingSync = [];
    this.syncingNow = waiting;
    wal
      .sync()
      .then(
        () => settleAfterSync(waiting, null),
        (error: unknown) => settleAfterSync(waiting, { error }),
      )
      .finally(() => {
        this.syncingNow = [];
        this.startSync();
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

/**
 * Settles committed writes by whether their fsync succeeded. A failed fsync leaves them committed
 * but maybe not on the disk: their callers hear the error, as they would from COMMIT.
 */
function settleAfterSync(writes: Committed[], failure: { error: unknown } | null): void {
  for (const write of writes) {
    if (failure) {
      write.fail(failure.error);
    } else {
      write.done();
    }
  }
}
