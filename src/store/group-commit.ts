/**
 * Group commit: the writes that arrive in one turn of the event loop share one transaction, so
 * one COMMIT (and its fsync under `synchronous = FULL`) makes all of them durable.
 *
 * Each write runs in its own savepoint inside that transaction: one that throws is undone alone
 * and the others still commit, unless its error ended the whole transaction (then none does).
 * A write's promise settles only after the COMMIT that made it durable, so nobody hears "done"
 * for work a crash could still lose. Concurrent requests share the cost of the fsync instead of
 * queueing behind one each on the single event loop.
 */
import type Database from "better-sqlite3";

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

  constructor(
    sqlite: Database.Database,
    private readonly onCommit: CommitObserver = () => {},
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
      if (this.queue.length === 1) {
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now; also called before the database closes. */
  flush(): void {
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
      // BEGIN or COMMIT failed: nothing of this batch is durable.
      for (const write of batch) {
        write.reject(error);
      }
      return;
    } finally {
      this.onCommit((performance.now() - started) / 1000, batch.length);
    }
    batch.forEach((write, index) => {
      const outcome = settled[index];
      if (outcome?.ok) {
        write.resolve(outcome.value);
      } else {
        write.reject(outcome?.error);
      }
    });
  }
}
