/**
 * Demo and live never mix: a database keeps the mode of its first start and refuses the other,
 * naming what to change; DEMO_API_KEY never logs the demo in as another merchant.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateApiKey } from "../../src/auth/api-keys.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { startGateway } from "../../src/server.ts";
import { setUpDemoMerchant } from "../../src/services/demo.ts";
import { claimDatabaseMode } from "../../src/services/gateway-mode.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, type TestGateway } from "../harness.ts";

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "gateway-mode-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Opens the file store, claims `mode`, closes; returns the refusal's message, if any. */
async function startIn(mode: "demo" | "live", path: string): Promise<string | null> {
  const store = openSqliteStore({ path });
  try {
    await claimDatabaseMode(store, mode, path);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  } finally {
    await store.close();
  }
}

describe("the database's mode", () => {
  it("is recorded by the first start and kept by the next ones", async () => {
    const path = join(directory, "demo.db");
    expect(await startIn("demo", path)).toBeNull();
    expect(await startIn("demo", path)).toBeNull();
    const store = openSqliteStore({ path });
    try {
      expect(await store.meta.claimMode("live")).toBe("demo");
    } finally {
      await store.close();
    }
  });

  it("refuses demo mode on a live database, naming the credentials and DATABASE_URL", async () => {
    const path = join(directory, "live.db");
    expect(await startIn("live", path)).toBeNull();
    const refusal = await startIn("demo", path);
    expect(refusal).toContain("was started in live mode");
    expect(refusal).toContain("SF_PARTNER_ID");
    expect(refusal).toContain("DATABASE_URL");
  });

  it("refuses live mode on a demo database, naming DATABASE_URL", async () => {
    const path = join(directory, "demo.db");
    expect(await startIn("demo", path)).toBeNull();
    const refusal = await startIn("live", path);
    expect(refusal).toContain("holds demo data");
    expect(refusal).toContain("point DATABASE_URL at a new database");
  });

  it("stops startGateway before it listens, and releases the database", async () => {
    const path = join(directory, "gateway.db");
    const base = { DATABASE_URL: `file:${path}`, GATEWAY_PORT: "0", LOG_LEVEL: "error" };
    const live = loadConfig({
      ...base,
      SF_PARTNER_ID: "P",
      SF_CHECKWORD: "C",
      SF_PUSH_TOKEN: "a-secret-token",
      SF_BASE_URL: "http://127.0.0.1:9/std/service",
    });
    const gateway = await startGateway(live);
    expect(gateway.mode).toBe("live");
    expect(gateway.demo).toBeNull();
    await gateway.close();

    const demo = loadConfig({ ...base, SANDBOX_PORT: "0" });
    await expect(startGateway(demo)).rejects.toThrow(/was started in live mode/);
    // The refused start released the database: the live gateway starts on it again.
    const again = await startGateway(live);
    await again.close();
  });
});

describe("DEMO_API_KEY", () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await createTestGateway(new FakeCarrier().adapter);
  });
  afterEach(async () => {
    await gateway.close();
  });

  it("set to another merchant's key stops the start instead of logging in as that merchant", async () => {
    const { merchants } = gateway.services;
    const attempt = setUpDemoMerchant(merchants, {
      apiKey: gateway.merchantA.apiKey,
      pickupService: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`DEMO_API_KEY belongs to merchant ${gateway.merchantA.id}`),
    );
  });

  it("set to a revoked key's id stops the start with a clear error", async () => {
    const { merchants } = gateway.services;
    const issued = await merchants.issueKey(gateway.merchantB.id);
    await merchants.revokeKey(gateway.merchantB.id, issued.keyId);
    await expect(
      setUpDemoMerchant(merchants, { apiKey: issued.apiKey, pickupService: true }),
    ).rejects.toThrow(/DEMO_API_KEY: its key id is taken/);
  });

  it("is issued to the demo merchant on first use and accepted on the next starts", async () => {
    const { merchants } = gateway.services;
    const { key } = generateApiKey();
    const first = await setUpDemoMerchant(merchants, { apiKey: key, pickupService: true });
    expect(first.apiKey).toBe(key);
    const again = await setUpDemoMerchant(merchants, { apiKey: key, pickupService: true });
    expect(again.merchant.id).toBe(first.merchant.id);
    expect((await merchants.authenticate(key))?.merchant.id).toBe(first.merchant.id);
  });
});
