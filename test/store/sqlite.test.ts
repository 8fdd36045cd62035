/**
 * What only the SQLite store has: its pragmas, its migrations, how it lays values out in columns
 * and how many statements a read takes. What every store does is the contract's
 * (test/store/contract, run on SQLite by sqlite.contract.test.ts).
 */

import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { gatewayActor } from "../../src/domain/actors.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";
import { ParcelBusyError } from "../../src/store/store.ts";
import { at, icpId, interception, merchant, seed } from "./contract/fixtures.ts";

let tempDir: string;

beforeEach(() => {
  tempDir = mkdtempSync(join(tmpdir(), "store-test-"));
});

afterEach(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

/** The SELECTs `work` prepares on the store's connection, in order. */
async function selectsOf(store: SqliteStore, work: () => Promise<void>): Promise<string[]> {
  const prepare = vi.spyOn(store.database, "prepare");
  try {
    await work();
    return prepare.mock.calls
      .map(([source]) => String(source))
      .filter((source) => /^\s*select/i.test(source));
  } finally {
    // Restoring clears the recorded calls: read them first.
    prepare.mockRestore();
  }
}

/** SQLite's query plan of each SELECT `work` prepares, one line each. */
async function plansOf(store: SqliteStore, work: () => Promise<void>): Promise<string[]> {
  return (await selectsOf(store, work)).map((source) =>
    store.database
      .prepare(`explain query plan ${source}`)
      .all(...Array.from(source.matchAll(/\?/g), () => "x"))
      .map((row) => (row as { detail: string }).detail)
      .join("; "),
  );
}

const backends: [string, () => SqliteStore][] = [
  ["in-memory", () => openSqliteStore({ path: ":memory:" })],
  ["temp file", () => openSqliteStore({ path: join(tempDir, "gateway.db") })],
];

describe.each(backends)("SqliteStore (%s)", (_name, open) => {
  let store: SqliteStore;

  beforeEach(async () => {
    store = open();
    await store.merchants.create(merchant("mer_a"));
  });

  afterEach(async () => {
    await store.close();
  });

  it("stores absent JSON values as SQL NULL and present ones as JSON text", async () => {
    const withAddress = interception(icpId(1), "mer_a");
    const withoutAddress = interception(icpId(2), "mer_a", { redirectTo: null });
    await seed(store, withAddress);
    await seed(store, withoutAddress);
    const columns = store.database
      .prepare(
        "SELECT redirect_to IS NULL AS noAddress, failure IS NULL AS noFailure, typeof(cost) AS cost FROM interceptions ORDER BY id",
      )
      .all();
    expect(columns).toEqual([
      { noAddress: 0, noFailure: 1, cost: "text" },
      { noAddress: 1, noFailure: 1, cost: "text" },
    ]);
    expect((await store.interceptions.getById(withoutAddress.id))?.redirectTo).toBeNull();
  });

  it("stores a failure patched to null as SQL NULL", async () => {
    const id = icpId(1);
    await seed(store, interception(id, "mer_a"));
    await store.interceptions.transition(id, {
      from: ["pending"],
      patch: { failure: { code: "x", message: "y", advice: "z" } },
      event: { at: at(2), detail: "Failed once.", actor: gatewayActor },
    });
    await store.interceptions.transition(id, {
      from: ["pending"],
      to: "submitted",
      patch: { carrierReference: undefined, failure: null, parcelState: "returned" },
      event: { at: at(3), detail: "Submitted.", actor: gatewayActor },
    });
    const stored = store.database
      .prepare("SELECT failure IS NULL AS noFailure FROM interceptions WHERE id = ?")
      .get(id);
    expect(stored).toEqual({ noFailure: 1 });
  });

  it("loads the events of a whole page in one query", async () => {
    for (let i = 0; i < 3; i++) {
      await seed(store, interception(icpId(i), "mer_a"));
    }
    let page: unknown[] = [];
    const selects = await selectsOf(store, async () => {
      page = await store.interceptions.list("mer_a", {}, { limit: 10 });
    });
    expect(page).toHaveLength(3);
    expect(selects, selects.join("\n")).toHaveLength(2);
  });

  it("reads the cost ledger and a merchant's locks through their indexes, not the merchant's rows", async () => {
    const plans = await plansOf(store, async () => {
      await store.interceptions.costLines(
        "mer_a",
        { from: at(0), to: at(10) },
        { limit: 10, after: { createdAt: at(1), id: icpId(1) } },
      );
      await store.interceptions.lockedOf("mer_a", { lockedBefore: at(5) }, 10);
      await store.interceptions.lockedOf("mer_a", { orderIds: ["ORD-1"] }, 10);
    });
    expect(plans, plans.join("\n")).toEqual([
      expect.stringMatching(/^SEARCH interceptions USING INDEX interceptions_merchant_created_idx/),
      expect.stringMatching(/^SEARCH interceptions USING INDEX interceptions_merchant_locked_idx/),
      // By order: the (merchant, order) index or the locks' index, never a scan.
      expect.stringMatching(
        /^SEARCH interceptions USING INDEX interceptions_merchant_(order|locked)_idx/,
      ),
    ]);
  });

  it("finds due jobs and late polls starting from the jobs, not from every interception of the carrier", async () => {
    const plans = await plansOf(store, async () => {
      await store.jobs.claimDue(at(1), at(2), { total: 1, perCarrier: { "sf-express": 1 } });
      await store.jobs.bringForwardPolls({ carriers: ["sf-express"], now: at(1), windowMs: 1_000 });
    });
    // The outer loop is over jobs (few); interceptions are then looked up by id.
    expect(plans, plans.join("\n")).toEqual([
      expect.stringMatching(
        /^(SEARCH|SCAN) jobs\b.*; SEARCH interceptions USING INDEX \S+ \(id=\?\)/,
      ),
      expect.stringMatching(
        /^(SEARCH|SCAN) jobs\b.*; SEARCH interceptions USING INDEX \S+ \(id=\?\)/,
      ),
    ]);
  });

  it("takes only the one-open-interception index as a busy parcel: a duplicate id still throws", async () => {
    const id = icpId(1);
    await seed(store, interception(id, "mer_a"));
    // A second open interception of the parcel: the index the insert names as its conflict target.
    await expect(
      seed(store, interception(icpId(2), "mer_a", { trackingNumber: `SF${id.slice(-10)}` })),
    ).rejects.toBeInstanceOf(ParcelBusyError);
    // The same id again, on another parcel: a bug, reported as SQLite's own error.
    const duplicate = seed(store, interception(id, "mer_a", { trackingNumber: "SF1499999999999" }));
    await expect(duplicate).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
  });
});

describe("openSqliteStore on a file", () => {
  it("uses WAL, synchronous=NORMAL (the WAL is flushed by the store), foreign keys and a short busy timeout", async () => {
    const path = join(tempDir, "nested", "deeper", "gateway.db");
    const store = openSqliteStore({ path });
    try {
      expect(existsSync(path), "parent folders created").toBe(true);
      const db = store.database;
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      // 1 = NORMAL (0 OFF, 2 FULL, 3 EXTRA): COMMIT does not flush; wal-sync.ts does, before a
      // write is reported done (test/store/group-commit.test.ts).
      expect(db.pragma("synchronous", { simple: true })).toBe(1);
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      // A few ms only: SQLite sleeps on the event loop for it (busy.ts waits on timers).
      expect(db.pragma("busy_timeout", { simple: true })).toBe(5);
    } finally {
      await store.close();
    }
  });

  it("keeps data across reopening and does not re-run migrations", async () => {
    const path = join(tempDir, "gateway.db");
    const first = openSqliteStore({ path });
    await first.merchants.create(merchant("mer_a"));
    await first.close();

    const second = openSqliteStore({ path });
    try {
      expect(await second.merchants.get("mer_a")).toEqual(merchant("mer_a"));
      const applied = second.database
        .prepare("SELECT count(*) AS n FROM __drizzle_migrations")
        .get();
      const migrations = readdirSync(new URL("../../drizzle/sqlite/", import.meta.url)).filter(
        (name) => name.endsWith(".sql"),
      );
      expect(applied).toEqual({ n: migrations.length });
    } finally {
      await second.close();
    }
  });

  it("opens an in-memory database without WAL", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    try {
      expect(store.database.pragma("journal_mode", { simple: true })).toBe("memory");
      expect(store.database.pragma("synchronous", { simple: true })).toBe(2);
    } finally {
      await store.close();
    }
  });
});
