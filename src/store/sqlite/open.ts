/**
 * `Store` on SQLite through drizzle and better-sqlite3: opening the file, its pragmas and
 * migrations, and the repositories (one file each in this folder) over one connection
 * (connection.ts). The statements of the request path are compiled once, when the store opens.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { defaultMaxBusyWaitMs } from "../busy.ts";
import type { CommitObserver } from "../group-commit.ts";
import type { Store } from "../store.ts";
import { type Checkpointer, startCheckpointer } from "./checkpointer.ts";
import { sqliteConnection } from "./connection.ts";
import { sqliteDashboardSessions } from "./dashboard-sessions.ts";
import { sqliteDeadlines } from "./deadlines.ts";
import { keyStatements, sqliteIdempotency } from "./idempotency.ts";
import { sqliteInterceptions } from "./interceptions.ts";
import { sqliteJobs } from "./jobs.ts";
import { sqliteMerchants } from "./merchants.ts";
import { sqliteMeta } from "./meta.ts";
import { sqliteShipDateProposals } from "./ship-date-proposals.ts";
import { sqliteShipments } from "./shipments.ts";
import { sqliteTickets } from "./tickets.ts";
import { walSync } from "./wal-sync.ts";
import { eventOutbox, sqliteWebhooks, webhookOutbox } from "./webhooks.ts";

/** The store plus the raw connection, for tests and benchmarks that inspect pragmas or tables. */
export type SqliteStore = Store & {
  readonly database: Database.Database;
  /** The WAL's checkpoints, off the event loop; null in memory (no WAL). */
  readonly checkpointer: Checkpointer | null;
};

// Resolved from this file, not the cwd, so the server, scripts and tests find the same folder.
const migrationsFolder = fileURLToPath(new URL("../../../drizzle/sqlite/", import.meta.url));

/** How long one SQLite call may sleep on a lock held elsewhere, blocking the event loop. */
export const defaultBusyTimeoutMs = 5;

/** SQLite's default: the WAL pages after which a COMMIT checkpoints, if no worker does. */
const sqliteAutocheckpointPages = 1000;

/** While opening (nothing is served yet) a lock held elsewhere is waited for this long. */
const openBusyTimeoutMs = 5_000;

export interface SqliteStoreOptions {
  path: string;
  /** Hears of every group commit (for the commit-time metric). */
  onCommit?: CommitObserver;
  /** Hears how long each WAL fsync took, off the event loop (a database file only). */
  onFsync?: (seconds: number) => void;
  /** SQLite's own `busy_timeout` once open: keep it to a few ms, it blocks the event loop. */
  busyTimeoutMs?: number;
  /** The total time a write or read waits, on timers, for a lock held elsewhere. */
  maxBusyWaitMs?: number;
  /** Hears a WAL checkpoint that failed (checkpointer.ts); the next one tries again. */
  onCheckpointError?: (error: Error) => void;
}

/** Opens (creating if needed) the database at `path`, applies migrations, returns the store. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const inMemory = options.path === ":memory:" || options.path === "";
  if (!inMemory) {
    mkdirSync(dirname(options.path), { recursive: true });
  }
  const sqlite = new Database(options.path);
  let checkpointer: Checkpointer | null = null;
  try {
    if (!inMemory) {
      // Readers no longer block the writer; an in-memory database cannot use WAL.
      sqlite.pragma("journal_mode = WAL");
    }
    // The gateway promises the interception is durable before it calls the carrier. On a file,
    // COMMIT does not flush (NORMAL) and the group commit flushes the WAL itself, off the event
    // loop, before any write is reported done (wal-sync.ts); in memory there is nothing to flush.
    sqlite.pragma(inMemory ? "synchronous = FULL" : "synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${openBusyTimeoutMs}`);
    // 64 MiB of page cache instead of the default 2 MiB: a GET of a random interception among
    // 100k read ~30 % faster in the benchmark, its b-tree pages no longer re-read from the OS.
    sqlite.pragma("cache_size = -65536");
    const db = drizzle({ client: sqlite });
    migrate(db, { migrationsFolder });
    sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? defaultBusyTimeoutMs}`);
    // A worker thread checkpoints the WAL; a COMMIT that did would block the event loop.
    checkpointer = inMemory
      ? null
      : startCheckpointer(options.path, {
          onError: options.onCheckpointError ?? (() => {}),
          onStopped: () => {
            if (sqlite.open) {
              sqlite.pragma(`wal_autocheckpoint = ${sqliteAutocheckpointPages}`);
            }
          },
        });
    if (checkpointer) {
      sqlite.pragma("wal_autocheckpoint = 0");
    }
    const connection = sqliteConnection(sqlite, db, {
      onCommit: options.onCommit,
      maxBusyWaitMs: options.maxBusyWaitMs ?? defaultMaxBusyWaitMs,
      wal: inMemory ? null : walSync(options.path, options.onFsync),
    });
    // Claiming a key is also part of storing an interception: both use the same statements.
    const keys = keyStatements(db);
    const events = eventOutbox(db);
    return {
      database: sqlite,
      meta: sqliteMeta(connection),
      merchants: sqliteMerchants(connection),
      idempotency: sqliteIdempotency(connection, keys),
      interceptions: sqliteInterceptions(connection, keys, webhookOutbox(events)),
      jobs: sqliteJobs(connection),
      webhooks: sqliteWebhooks(connection),
      dashboardSessions: sqliteDashboardSessions(connection),
      shipments: sqliteShipments(connection, keys, events),
      deadlines: sqliteDeadlines(connection),
      tickets: sqliteTickets(connection, events),
      proposals: sqliteShipDateProposals(connection, events),
      checkpointer,
      async close() {
        // The worker first: a RESTART of its could hold the lock the last queued writes need.
        // The store's connection, the last one, then checkpoints what is left as it closes.
        await checkpointer?.close();
        connection.close();
      },
    };
  } catch (error) {
    sqlite.close();
    void checkpointer?.close();
    throw error;
  }
}
