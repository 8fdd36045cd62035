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
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";
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
    // A bound no loaded machine reaches: the write must still be waiting, not given up.
    store = openSqliteStore({ path, maxBusyWaitMs: 60_000 });
    await store.merchants.create(merchant("mer_a"));
    other = holdWriteLock();

    let settled = false;
    const write = store.merchants.create(merchant("mer_b")).finally(() => {
      settled = true;
    });
    // Timers set while the write waits fire, and a read answers, with the write still pending.
    // Each of the store's tries sleeps in SQLite's busy_timeout, a few ms: these turns are quick.
    // A write sleeping 5 s there would hold the loop each try (this test's timeout runs out), or
    // fail outright: this process holds the lock, so it is never released while the thread sleeps.
    for (let turn = 0; turn < 20; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(settled, "a timer fired while the write was pending").toBe(false);
    }
    expect(await store.merchants.get("mer_a")).toEqual(merchant("mer_a"));
    expect(settled, "the write cannot commit while the lock is held").toBe(false);

    other.exec("COMMIT");
    await write;
    expect(await store.merchants.get("mer_b")).toEqual(merchant("mer_b"));
  });

  it("fails the writes with StoreBusyError once the bounded wait is spent, changing nothing", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate"] });
    store = openSqliteStore({ path, maxBusyWaitMs: 300 });
    other = holdWriteLock();

    const outcomes = [merchant("mer_a"), merchant("mer_b")].map((record) =>
      (store as SqliteStore).merchants.create(record).then(
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
    expect(await store.merchants.get("mer_a")).toBeNull();
    await store.merchants.create(merchant("mer_a"));
    expect(await store.merchants.get("mer_a")).toEqual(merchant("mer_a"));
  });
});
