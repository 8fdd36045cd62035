/**
 * Group commit: writes of one event-loop turn share one transaction, each undone alone when it
 * throws, and none is reported done before its COMMIT and the fsync after it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/store/group-commit.ts";
import { type WalSync, walSync } from "../../src/store/sqlite/wal-sync.ts";

let dir: string;
let writer: Database.Database;
let reader: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "group-commit-"));
  writer = new Database(join(dir, "db.sqlite"));
  writer.pragma("journal_mode = WAL");
  writer.exec(
    "CREATE TABLE parents (id TEXT PRIMARY KEY);" +
      "CREATE TABLE rows (id TEXT PRIMARY KEY, parent TEXT REFERENCES parents(id));",
  );
  writer.pragma("foreign_keys = ON");
  reader = new Database(join(dir, "db.sqlite"), { readonly: true });
});

afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (id: string) => () => writer.prepare("INSERT INTO rows (id) VALUES (?)").run(id);
const visible = () =>
  (reader.prepare("SELECT id FROM rows ORDER BY id").all() as Array<{ id: string }>).map(
    (row) => row.id,
  );

describe("GroupCommit", () => {
  it("commits the writes of one turn in one transaction, and settles after the commit", async () => {
    const commit = new GroupCommit(writer);
    const seenInside: string[][] = [];
    // What another connection sees at the moment each promise settles: both writes, committed.
    const seenWhenSettled: string[][] = [];
    const first = commit.run(insert("a")).then(() => seenWhenSettled.push(visible()));
    const second = commit.run(() => {
      insert("b")();
      // Still one open transaction: another connection sees neither write yet.
      seenInside.push(visible());
      return writer.inTransaction;
    });
    await expect(second).resolves.toBe(true);
    await first;
    expect(seenInside).toEqual([[]]);
    expect(seenWhenSettled).toEqual([["a", "b"]]);
  });

  it("fails the whole batch when a write's error ends the transaction", async () => {
    const commit = new GroupCommit(writer);
    await commit.run(insert("x"));
    const results = await Promise.allSettled([
      commit.run(insert("a")),
      // OR ROLLBACK ends the whole transaction, as a full disk or an I/O error would.
      commit.run(() => writer.prepare("INSERT OR ROLLBACK INTO rows (id) VALUES ('x')").run()),
      commit.run(insert("c")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(writer.inTransaction).toBe(false);
    expect(visible()).toEqual(["x"]);
  });

  it("undoes only the write that threw; the others commit", async () => {
    const commit = new GroupCommit(writer);
    const results = await Promise.allSettled([
      commit.run(insert("a")),
      commit.run(() => {
        insert("b")();
        throw new Error("this write fails after its insert");
      }),
      commit.run(insert("c")),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe(
      "this write fails after its insert",
    );
    expect(visible()).toEqual(["a", "c"]);
  });

  it("rejects every write of a batch whose COMMIT fails, and keeps none of them", async () => {
    const commit = new GroupCommit(writer);
    // A deferred foreign key is checked at COMMIT, so the whole batch fails there.
    writer.pragma("defer_foreign_keys = ON");
    const results = await Promise.allSettled([
      commit.run(insert("a")),
      commit.run(() =>
        writer.prepare("INSERT INTO rows (id, parent) VALUES ('b', 'missing')").run(),
      ),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(writer.inTransaction).toBe(false);
    expect(visible()).toEqual([]);
  });

  it("starts a new transaction for writes queued in a later turn", async () => {
    const commit = new GroupCommit(writer);
    await commit.run(insert("a"));
    expect(visible()).toEqual(["a"]);
    await commit.run(insert("b"));
    expect(visible()).toEqual(["a", "b"]);
  });

  it("flush commits what is queued at once (before the database closes)", () => {
    const commit = new GroupCommit(writer);
    void commit.run(insert("a"));
    commit.flush();
    expect(visible()).toEqual(["a"]);
  });

  it("tells the observer each batch's size and how long it held the loop", async () => {
    const batches: Array<{ seconds: number; writes: number }> = [];
    const commit = new GroupCommit(writer, (seconds, writes) => batches.push({ seconds, writes }));
    await Promise.all([commit.run(insert("a")), commit.run(insert("b"))]);
    await commit.run(insert("c"));
    expect(batches.map((batch) => batch.writes)).toEqual([2, 1]);
    for (const batch of batches) {
      expect(batch.seconds).toBeGreaterThan(0);
      expect(batch.seconds).toBeLessThan(10);
    }
  });
});

/** A WalSync whose fsyncs finish when the test says, each with success or an error. */
function heldWalSync() {
  const pending: Array<{ finish: (error?: Error) => void }> = [];
  const wal: WalSync & { syncs: number; blockingSyncs: number } = {
    syncs: 0,
    blockingSyncs: 0,
    sync() {
      wal.syncs += 1;
      return new Promise<void>((resolve, reject) => {
        pending.push({ finish: (error) => (error ? reject(error) : resolve()) });
      });
    },
    syncNow() {
      wal.blockingSyncs += 1;
    },
    close() {},
  };
  const finishNext = async (error?: Error) => {
    pending.shift()?.finish(error);
    // Let the settled promises run their callbacks.
    await nextTurn();
  };
  return { wal, finishNext };
}

/** Follows a promise: `settled` turns true once it has (callbacks run by the next turn). */
function track(promise: Promise<unknown>): { settled: boolean } {
  const tracked = { settled: false };
  promise.then(
    () => {
      tracked.settled = true;
    },
    () => {
      tracked.settled = true;
    },
  );
  return tracked;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("GroupCommit with the WAL flushed off the event loop", () => {
  it("reports a write done only after the fsync that follows its COMMIT", async () => {
    const { wal, finishNext } = heldWalSync();
    const commit = new GroupCommit(writer, undefined, undefined, wal);
    const write = commit.run(() => {
      insert("a")();
      return "stored";
    });
    const tracked = track(write);
    await nextTurn();
    expect(visible(), "committed").toEqual(["a"]);
    expect(tracked.settled, "not yet durable").toBe(false);
    await finishNext();
    await expect(write).resolves.toBe("stored");
  });

  it("lets the commits made during one fsync share the next one", async () => {
    const { wal, finishNext } = heldWalSync();
    const commit = new GroupCommit(writer, undefined, undefined, wal);
    const first = track(commit.run(insert("a")));
    await nextTurn();
    // Two more batches commit while the first fsync runs.
    const second = commit.run(insert("b"));
    const secondTracked = track(second);
    await nextTurn();
    const third = commit.run(insert("c"));
    await nextTurn();
    expect(visible()).toEqual(["a", "b", "c"]);
    expect(wal.syncs).toBe(1);
    await finishNext();
    expect(first.settled).toBe(true);
    expect(secondTracked.settled).toBe(false);
    expect(wal.syncs, "one fsync for both later batches").toBe(2);
    await finishNext();
    await Promise.all([second, third]);
  });

  it("rejects the writes a failed fsync covered, and flushes later ones again", async () => {
    const { wal, finishNext } = heldWalSync();
    const commit = new GroupCommit(writer, undefined, undefined, wal);
    const lost = commit.run(insert("a")).catch((error: Error) => error.message);
    await nextTurn();
    await finishNext(new Error("EIO"));
    expect(await lost).toBe("EIO");
    const next = commit.run(insert("b"));
    await nextTurn();
    await finishNext();
    await expect(next).resolves.toBeDefined();
  });

  it("flush commits and flushes at once, settling writes a background fsync still holds", async () => {
    const { wal } = heldWalSync();
    const commit = new GroupCommit(writer, undefined, undefined, wal);
    const inFlight = commit.run(insert("a"));
    await nextTurn();
    const queued = commit.run(insert("b"));
    commit.flush();
    expect(visible()).toEqual(["a", "b"]);
    expect(wal.blockingSyncs).toBe(1);
    await Promise.all([inFlight, queued]);
  });

  it("flushes the real WAL file of the database, and says how long each fsync took", async () => {
    const took: number[] = [];
    const wal = walSync(join(dir, "db.sqlite"), (seconds) => took.push(seconds));
    try {
      const commit = new GroupCommit(writer, undefined, undefined, wal);
      await commit.run(insert("a"));
      expect(visible()).toEqual(["a"]);
      expect(took).toHaveLength(1);
      expect(took[0]).toBeGreaterThan(0);
      wal.syncNow();
    } finally {
      wal.close();
    }
  });
});
