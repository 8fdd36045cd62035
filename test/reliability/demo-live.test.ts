/**
 * The real entry point (`src/main.ts`) refuses a database of the other mode, both ways: exit
 * code 1 and a message on stderr naming the variable to change, before it listens.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import { freePort } from "../integration/loopback.ts";
import { type ChildGateway, killGateway, spawnGateway, waitReady } from "./child-gateway.ts";

const adminToken = "demo-live-admin-token-0123";
const directory = mkdtempSync(join(tmpdir(), "gateway-demo-live-"));
// Nothing is called at start-up: an address nobody listens on is enough.
const sandbox = { url: "http://127.0.0.1:9", secret: "a-run-secret-0123456789" };
const liveCredentials = {
  SF_PARTNER_ID: "P",
  SF_CHECKWORD: "C",
  SF_PUSH_TOKEN: "a-secret-token",
  SF_BASE_URL: "http://127.0.0.1:9/std/service",
};
let gateway: ChildGateway | undefined;

afterEach(async () => {
  await killGateway(gateway);
  gateway = undefined;
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Starts `npm start`'s entry point on `database`, live when credentials are given. */
async function start(database: string, env: Record<string, string> = {}): Promise<ChildGateway> {
  gateway = spawnGateway({
    port: await freePort(),
    databasePath: join(directory, database),
    sandbox,
    adminToken,
    env,
  });
  return gateway;
}

/** A database whose first start was in `mode`, recorded as every start records it. */
async function markDatabase(database: string, mode: "demo" | "live"): Promise<void> {
  const store = openSqliteStore({ path: join(directory, database) });
  try {
    await store.meta.claimMode(mode);
  } finally {
    await store.close();
  }
}

describe("npm start on a database of the other mode", () => {
  it("refuses demo mode on a live database (credentials that failed to load)", async () => {
    await markDatabase("live.db", "live");
    const refused = await start("live.db");
    const { code } = await refused.exited;
    expect(code, refused.output()).toBe(1);
    expect(refused.output()).toContain("was started in live mode");
    expect(refused.output()).toContain("DATABASE_URL");
  }, 60_000);

  it("refuses live mode on a demo database", async () => {
    await markDatabase("demo.db", "demo");
    const refused = await start("demo.db", liveCredentials);
    const { code } = await refused.exited;
    expect(code, refused.output()).toBe(1);
    expect(refused.output()).toContain("holds demo data");
    expect(refused.output()).toContain("point DATABASE_URL at a new database");
  }, 60_000);

  it("starts on a database of its own mode", async () => {
    await markDatabase("live-again.db", "live");
    await waitReady(await start("live-again.db", liveCredentials), 50_000);
  }, 60_000);
});
