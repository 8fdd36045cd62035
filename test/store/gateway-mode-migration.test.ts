/**
 * A database made before modes were recorded gets its mode from what it holds when the
 * gateway_mode migration runs: the demo merchant means demo, other merchants mean live, nothing
 * means a mode is recorded at the next start.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { merchantsTable } from "../../src/store/schema.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { MerchantRecord } from "../../src/store/store.ts";

const migrations = fileURLToPath(new URL("../../drizzle/sqlite/", import.meta.url));
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "mode-migration-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function merchant(id: string): MerchantRecord {
  return { id, name: id, pickupService: false, createdAt: "2026-11-21T08:00:00.000Z" };
}

/** A database migrated up to just before gateway_mode, holding `merchants`. */
function databaseBeforeModes(merchants: MerchantRecord[]): string {
  const journal = JSON.parse(readFileSync(join(migrations, "meta/_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  const before = journal.entries.slice(
    0,
    journal.entries.findIndex((entry) => entry.tag.endsWith("_gateway_mode")),
  );
  const folder = join(directory, "migrations");
  mkdirSync(join(folder, "meta"), { recursive: true });
  writeFileSync(
    join(folder, "meta/_journal.json"),
    JSON.stringify({ ...journal, entries: before }),
  );
  for (const { tag } of before) {
    copyFileSync(join(migrations, `${tag}.sql`), join(folder, `${tag}.sql`));
  }
  const path = join(directory, "old.db");
  const sqlite = new Database(path);
  const db = drizzle({ client: sqlite });
  migrate(db, { migrationsFolder: folder });
  if (merchants.length > 0) {
    db.insert(merchantsTable).values(merchants).run();
  }
  sqlite.close();
  return path;
}

/** The mode the upgraded database answers when a start asks for `asked`. */
async function modeAfterUpgrade(path: string, asked: "demo" | "live") {
  const store = openSqliteStore({ path });
  try {
    return await store.meta.claimMode(asked);
  } finally {
    await store.close();
  }
}

describe("the gateway_mode migration on an older database", () => {
  it("marks one holding only the demo merchant as demo", async () => {
    const path = databaseBeforeModes([merchant("mer_demo")]);
    expect(await modeAfterUpgrade(path, "live")).toBe("demo");
  });

  it("marks one holding only other merchants as live", async () => {
    const path = databaseBeforeModes([merchant("mer_shop")]);
    expect(await modeAfterUpgrade(path, "demo")).toBe("live");
  });

  it("marks one holding the demo merchant beside others as live", async () => {
    // A live deployment that once started in demo mode by mistake must not be locked out of its
    // own data once its credentials are back.
    const path = databaseBeforeModes([merchant("mer_demo"), merchant("mer_shop")]);
    expect(await modeAfterUpgrade(path, "demo")).toBe("live");
  });

  it("leaves an empty one to the next start", async () => {
    const path = databaseBeforeModes([]);
    expect(await modeAfterUpgrade(path, "live")).toBe("live");
  });
});
