/**
 * The one SQLite connection every repository of a `SqliteStore` shares, and the two ways they use
 * it.
 *
 * better-sqlite3 is synchronous and its transactions cannot span an `await` (the transaction
 * would commit before the awaited work ran), so every write is one synchronous function and no
 * carrier call can ever sit inside one. Writes go through `GroupCommit`: those of one event-loop
 * turn share a `BEGIN IMMEDIATE` transaction, each in its own savepoint, and their promises
 * settle after its COMMIT. IMMEDIATE takes the write lock up front, so a read-then-write cannot
 * fail half-way with SQLITE_BUSY when another connection wrote in between (a deferred transaction
 * cannot upgrade a stale read snapshot and does not wait on `busy_timeout` for it).
 *
 * A lock held by another connection (`npm run merchant`, a backup) is never waited for on the
 * event loop beyond a few milliseconds of `busy_timeout`: writes (GroupCommit) and reads (`read`)
 * try again on timers, within a bounded wait (busy.ts).
 */
import type Database from "better-sqlite3";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { retryWhileBusy } from "../busy.ts";
import { type CommitObserver, GroupCommit } from "../group-commit.ts";
import type { WalSync } from "./wal-sync.ts";

export type Db = BetterSQLite3Database;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** The database or a transaction on it: what a read inside either is given. */
export type Reader = Db | Tx;

export interface SqliteConnection {
  readonly sqlite: Database.Database;
  readonly db: Db;
  /**
   * Runs `work` (synchronous, no awaits) as one unit in the next group commit; settles once it
   * is committed. A throw undoes `work` alone.
   */
  write<T>(work: () => T): Promise<T>;
  /** Runs a synchronous read, trying again on timers while another connection holds a lock. */
  read<T>(work: () => T): Promise<T>;
  /** Commits the writes still queued, then closes the connection. */
  close(): void;
}

export function sqliteConnection(
  sqlite: Database.Database,
  db: Db,
  options: { onCommit: CommitObserver | undefined; maxBusyWaitMs: number; wal: WalSync | null },
): SqliteConnection {
  const groupCommit = new GroupCommit(sqlite, options.onCommit, options.maxBusyWaitMs, options.wal);
  return {
    sqlite,
    db,
    write: (work) => groupCommit.run(work),
    // WAL readers rarely meet a lock, but a checkpoint or an exclusive writer elsewhere can hold one.
    read: (work) => retryWhileBusy(work, options.maxBusyWaitMs),
    close() {
      // Writes still queued for the next batch are committed now, not dropped; if another
      // connection holds the lock, they fail with StoreBusyError (their callers see it) instead
      // of holding the close up.
      groupCommit.flush();
      options.wal?.close();
      sqlite.close();
    },
  };
}
