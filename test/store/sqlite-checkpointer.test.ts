/**
 * The WAL checkpointer (src/store/sqlite/checkpointer.ts): a worker thread copies the WAL into
 * the database file, so that no COMMIT on the event loop does, and keeps the WAL bounded.
 * Each test's "store connection" is a plain connection set up as the store sets up its own; the
 * worker's timer is put off, so only `checkpointNow` checkpoints.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Checkpointer, startCheckpointer } from "../../src/store/sqlite/checkpointer.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";

const anHour = 3_600_000;
let tempDir: string;
let path: string;
let connection: Database.Database;
let checkpointer: Checkpointer | null;

beforeEach(() => {
  tempDir = mkdtempSync(join(tmpdir(), "checkpointer-test-"));
  path = join(tempDir, "gateway.db");
  connection = new Database(path);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  connection.pragma("wal_autocheckpoint = 0");
  connection.exec("CREATE TABLE filler (body TEXT NOT NULL)");
  checkpointer = null;
});

afterEach(async () => {
  if (connection.open) {
    connection.close();
  }
  await checkpointer?.close();
  rmSync(tempDir, { recursive: true, force: true });
});

/** Commits about `pages` pages of rows, in transactions of 100 rows. */
function fill(pages: number): void {
  const insert = connection.prepare("INSERT INTO filler (body) VALUES (?)");
  const hundred = connection.transaction(() => {
    for (let row = 0; row < 100; row += 1) {
      insert.run("x".repeat(3_000));
    }
  });
  for (let written = 0; written < pages; written += 100) {
    hundred();
  }
}

const fileSize = (file: string): number => statSync(file).size;

function start(options: { restartAfterFrames?: number } = {}): Checkpointer {
  checkpointer = startCheckpointer(path, {
    intervalMs: anHour,
    ...options,
    onFailure: (error) => {
      throw error;
    },
  });
  return checkpointer;
}

describe("the WAL checkpointer", () => {
  it("copies the committed WAL into the database file, which the store's commits no longer do", async () => {
    const worker = start();
    const before = fileSize(path);
    fill(2_000);
    // SQLite's own checkpoint would have run at 1,000 pages, inside a COMMIT.
    expect(fileSize(path)).toBe(before);

    const result = await worker.checkpointNow();

    expect(result.log).toBeGreaterThan(2_000);
    expect(result.checkpointed).toBe(result.log);
    expect(result.restarted).toBe(false);
    expect(fileSize(path)).toBeGreaterThan(before + 2_000 * 4_096);
  });

  it("restarts a long WAL, so that the next write rewinds it instead of growing the file", async () => {
    const worker = start({ restartAfterFrames: 500 });
    fill(600);
    const restart = await worker.checkpointNow();
    expect(restart.restarted).toBe(true);
    const walBytes = fileSize(`${path}-wal`);

    fill(300);

    // The 300 pages went to the start of the WAL: it holds only them, in the same bytes.
    const after = await worker.checkpointNow();
    expect(after.log).toBeLessThan(400);
    expect(fileSize(`${path}-wal`)).toBe(walBytes);
  });

  it("leaves a short WAL to rewind on its own, without stopping the writer", async () => {
    const worker = start({ restartAfterFrames: 500 });
    fill(200);
    expect((await worker.checkpointNow()).restarted).toBe(false);
    fill(100);
    // Everything was copied and nobody wrote since: the next write began the WAL again.
    expect((await worker.checkpointNow()).log).toBeLessThan(150);
  });

  it("closes last: the database file holds everything and the WAL is gone", async () => {
    const worker = start();
    fill(300);
    connection.close();
    await worker.close();
    checkpointer = null;

    expect(existsSync(`${path}-wal`)).toBe(false);
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare("SELECT count(*) AS n FROM filler").get()).toEqual({ n: 300 });
    reopened.close();
  });

  it("reports a worker that cannot run, so that the store checkpoints on its own again", async () => {
    const notADatabase = join(tempDir, "a-folder");
    mkdirSync(notADatabase);
    const failure = new Promise<Error>((resolve) => {
      checkpointer = startCheckpointer(notADatabase, { intervalMs: anHour, onFailure: resolve });
    });
    expect((await failure).message).toMatch(/SQLITE_CANTOPEN/);
  });
});

describe("the SQLite store and its checkpointer", () => {
  it("turns its own checkpoints off while the worker runs, and leaves no WAL behind when closed", async () => {
    const store = openSqliteStore({ path: join(tempDir, "store.db") });
    try {
      expect(store.checkpointer).not.toBeNull();
      expect(store.database.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    } finally {
      await store.close();
    }
    expect(existsSync(join(tempDir, "store.db-wal"))).toBe(false);
  });

  it("has no worker in memory, where there is no WAL", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    expect(store.checkpointer).toBeNull();
    await store.close();
  });
});
