/**
 * A second connection on the database file (`npm run merchant`, a backup) holding the write lock
 * must not freeze the gateway: writes wait on timers, not in SQLite's sleeping busy handler, and
 * fail cleanly once the bounded wait is spent.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StoreBusyError } from "../../src/store/busy.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.ts";
import type { MerchantRecord } from "../../src/store/store.ts";

let dir: string;
let path: string;
let store: SqliteStore | undefined;
let other: Database.Database | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "busy-lock-"));
  path = join(dir, "gateway.db");
});

afterEach(async () => {
  vi.useRealTimers();
  if (other?.inTransaction) {
    other.exec("ROLLBACK");
  }
  other?.close();
  other = undefined;
  await store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function merchant(id: string): MerchantRecord {
  return { id, name: `Shop ${id}`, pickupService: false, createdAt: "2026-11-21T08:00:00.000Z" };
}

/** Another process's connection holding the write lock, as `npm run merchant` does mid-write. */
function holdWriteLock(): Database.Database {
  const connection = new Database(path);
  connection.exec("BEGIN IMMEDIATE");
  return connection;
}

describe("a write lock held by another connection", () => {
  it("keeps the event loop turning, and the write completes once the lock is released", async () => {
    store = openSqliteStore({ path });
    await store.createMerchant(merchant("mer_a"));
    other = holdWriteLock();

    let written = false;
    const write = store.createMerchant(merchant("mer_b")).then(() => {
      written = true;
    });
    // A 10 ms timer set while the write waits fires well before the 5 s that a sleeping
    // busy_timeout would hold the loop (the margin is for a loaded machine); a read answers
    // meanwhile.
    const setAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(performance.now() - setAt).toBeLessThan(2_500);
    expect(await store.getMerchant("mer_a")).toEqual(merchant("mer_a"));
    expect(written, "the write cannot commit while the lock is held").toBe(false);

    other.exec("COMMIT");
    await write;
    expect(await store.getMerchant("mer_b")).toEqual(merchant("mer_b"));
  });

  it("fails the writes with StoreBusyError once the bounded wait is spent, changing nothing", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate"] });
    store = openSqliteStore({ path, maxBusyWaitMs: 300 });
    other = holdWriteLock();

    const outcomes = [merchant("mer_a"), merchant("mer_b")].map((record) =>
      (store as SqliteStore).createMerchant(record).then(
        () => "written",
        (error: unknown) => error,
      ),
    );
    await vi.advanceTimersByTimeAsync(250);
    let settled = false;
    void Promise.all(outcomes).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled, "still waiting within the bound").toBe(false);

    await vi.advanceTimersByTimeAsync(100);
    for (const outcome of await Promise.all(outcomes)) {
      expect(outcome).toBeInstanceOf(StoreBusyError);
      expect((outcome as StoreBusyError).message).toContain("300 ms");
    }

    other.exec("ROLLBACK");
    vi.useRealTimers();
    expect(await store.getMerchant("mer_a")).toBeNull();
    await store.createMerchant(merchant("mer_a"));
    expect(await store.getMerchant("mer_a")).toEqual(merchant("mer_a"));
  });
});
