/**
 * The WAL checkpointer (src/store/sqlite/checkpointer.ts): a worker thread copies the WAL into
 * the database file, so that no COMMIT on the event loop does, and keeps the WAL bounded.
 * Each test's "store connection" is a plain connection set up as the store sets up its own; the
 * worker's timer is put off, so only `checkpointNow` looks, unless a test says otherwise.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Checkpointer,
  type CheckpointerOptions,
  startCheckpointer,
} from "../../src/store/sqlite/checkpointer.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import { eventually } from "../integration/loopback.ts";

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
  await checkpointer?.close();
  connection.close();
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

function start(options: Partial<CheckpointerOptions> = {}): Checkpointer {
  checkpointer = startCheckpointer(path, {
    intervalMs: anHour,
    onError: (error) => {
      throw error;
    },
    onStopped: () => {},
    ...options,
  });
  return checkpointer;
}

/** The WAL header's salt: SQLite draws a new one each time the WAL starts over. */
function walSalt(): string {
  return readFileSync(`${path}-wal`).subarray(16, 24).toString("hex");
}

describe("the WAL checkpointer", () => {
  it("copies the WAL into the database file once 1,000 pages wait, which the store's commits no longer do", async () => {
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

  it("leaves fewer pages be, so that a quiet store's next write does not start the WAL over (an fsync in its COMMIT)", async () => {
    const worker = start();
    fill(200);
    const salt = walSalt();

    const result = await worker.checkpointNow();
    fill(100);

    expect(result.checkpointed).toBe(0);
    expect(walSalt()).toBe(salt);
  });

  it("looks on its own, every interval", async () => {
    start({ intervalMs: 20 });
    const before = fileSize(path);
    fill(1_200);
    const after = await eventually(
      async () => fileSize(path),
      (size) => size > before + 1_000 * 4_096,
    );
    expect(after).toBeGreaterThan(before + 1_000 * 4_096);
  });

  it("restarts a long WAL, so that the next write starts it over instead of growing the file", async () => {
    const worker = start({ copyAfterFrames: 100, restartAfterFrames: 500 });
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

  it("tries no RESTART while a reader on an older snapshot holds pages back: the writer is never stopped for it", async () => {
    const worker = start({ copyAfterFrames: 100, restartAfterFrames: 500 });
    fill(100);
    const reader = new Database(path, { readonly: true });
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM filler").get();
    fill(600);

    // The store's writes go on while the worker looks (busy_timeout 5 ms, as the store's).
    connection.pragma("busy_timeout = 5");
    const insert = connection.prepare("INSERT INTO filler (body) VALUES ('x')");
    let looking = true;
    const look = worker.checkpointNow().finally(() => {
      looking = false;
    });
    let writes = 0;
    while (looking) {
      insert.run();
      writes += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const looked = await look;
    reader.exec("COMMIT");
    reader.close();

    expect(writes).toBeGreaterThan(0);
    expect(looked.restarted).toBe(false);
    expect(looked.checkpointed).toBeLessThan(looked.log);
  });

  it("reports a worker that cannot run, so that the store checkpoints on its own again", async () => {
    const notADatabase = join(tempDir, "missing.db");
    const errors: Error[] = [];
    const stopped = new Promise<void>((resolve) => {
      checkpointer = startCheckpointer(notADatabase, {
        intervalMs: anHour,
        onError: (error) => errors.push(error),
        onStopped: resolve,
      });
    });
    await stopped;
    expect(errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/SQLITE_CANTOPEN/),
    ]);
    // It did not make a database of its own there either.
    expect(existsSync(notADatabase)).toBe(false);
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
