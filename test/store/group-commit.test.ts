/**
 * Group commit: writes of one event-loop turn share one transaction, each undone alone when it
 * throws, and none is reported done before its COMMIT.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/store/group-commit.ts";

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
