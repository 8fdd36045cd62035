/**
 * `DATABASE_URL=postgres://…`: the real gateway (server, worker, pg-boss) over loopback, two of them
 * on one database as two instances behind a load balancer would be. What they share is shared: a
 * merchant, an interception, an idempotency key and the per-key rate limit. (The multi-process
 * tests, with kills and restarts, are test/reliability's.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { eventually, http } from "./loopback.ts";

const adminToken = "integration-admin-token-01234";
let databaseUrl: string;
let sandbox: RunningSandbox;
let one: RunningGateway;
let two: RunningGateway;
let apiKey: string;

function config(extra: Record<string, string> = {}) {
  return loadConfig({
    GATEWAY_PORT: "0",
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: "error",
    WORKER_INTERVAL_MS: "50",
    RATE_LIMIT_BURST: "40",
    RATE_LIMIT_PER_SECOND: "0.01",
    ...extra,
  });
}

const asMerchant = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${apiKey}`,
  ...extra,
});

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase();
  sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
  // Started together, as a deployment's instances are: migrations and queues set up once.
  [one, two] = await Promise.all([
    startGateway(config(), sandbox),
    startGateway(config(), sandbox),
  ]);
  const pushUrl = sandboxPushUrls(two.url, sandbox.secret)["sf-express"];
  await http("POST", `${sandbox.url}/_sandbox/push-urls`, { carrier: "sf-express", url: pushUrl });
  const merchant = await http(
    "POST",
    `${one.url}/admin/merchants`,
    { name: "Many-instance merchant", pickupService: true },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(merchant.status, merchant.text).toBe(201);
  apiKey = merchant.body.apiKey;
});

afterAll(async () => {
  await one?.close();
  await two?.close();
  await sandbox?.close();
});

describe("the gateway on PostgreSQL", () => {
  it("refuses demo mode: no sandboxes in the process, no demo merchant", async () => {
    const started = startGateway(loadConfig({ GATEWAY_PORT: "0", DATABASE_URL: databaseUrl }));
    await expect(started).rejects.toBeInstanceOf(ConfigError);
    await expect(started).rejects.toThrow(/SANDBOX_URL and\s+SANDBOX_SECRET/);
    expect(one.demo, "no demo merchant with running sandboxes either").toBeNull();
  });

  it("keeps the database's mode: one started on sandboxes refuses to start live", async () => {
    const live = startGateway(
      config({
        SF_PARTNER_ID: "P",
        SF_CHECKWORD: "C",
        SF_PUSH_TOKEN: "a-secret-token",
        SF_BASE_URL: "http://127.0.0.1:9/std/service",
      }),
    );
    await expect(live).rejects.toBeInstanceOf(ConfigError);
    await expect(live).rejects.toThrow(/holds demo data/);
  });

  it("serves one interception from either instance: created on one, replayed and settled on the other", async () => {
    const trackingNumber = `SF16${String(Date.now()).slice(-9)}`;
    const parcel = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
      carrier: "sf-express",
      trackingNumber,
      state: "in_transit",
      interceptOutcome: "success",
      outcomeDelayMs: 50,
    });
    expect(parcel.status, parcel.text).toBe(201);
    const request = {
      carrier: "sf-express",
      trackingNumber,
      orderId: `ORD-${trackingNumber}`,
      action: "intercept",
      reason: "buyer_cancelled",
      parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    };
    const headers = asMerchant({ "idempotency-key": `key-${trackingNumber}` });
    const created = await http("POST", `${one.url}/v1/interceptions`, request, headers);
    expect(created.status, created.text).toBe(201);
    const replayed = await http("POST", `${two.url}/v1/interceptions`, request, headers);
    expect(replayed.status, replayed.text).toBe(created.status);
    expect(replayed.body.id).toBe(created.body.id);

    // The carrier pushes its outcome to the second instance; the first reads it.
    const settled = await eventually(
      () => http("GET", `${one.url}/v1/interceptions/${created.body.id}`, undefined, asMerchant()),
      (reply) => reply.body.status === "succeeded",
    );
    expect(settled.body.status, settled.text).toBe("succeeded");
    const calls = await http("GET", `${sandbox.url}/_sandbox/parcels/sf-express/${trackingNumber}`);
    const intercepts = (calls.body.calls as Array<{ operation: string }>).filter(
      (call) => call.operation === "intercept",
    );
    expect(intercepts, calls.text).toHaveLength(1);
  });

  it("counts a key's requests against one limit, whichever instance answers", async () => {
    // Fresh instances with a small burst, on the same database as the others.
    const limited = await Promise.all([
      startGateway(config({ RATE_LIMIT_BURST: "4" }), sandbox),
      startGateway(config({ RATE_LIMIT_BURST: "4" }), sandbox),
    ]);
    try {
      const keyed = await http(
        "POST",
        `${one.url}/admin/merchants`,
        { name: "Rate-limited merchant", pickupService: false },
        { authorization: `Bearer ${adminToken}` },
      );
      const statuses: number[] = [];
      for (let index = 0; index < 8; index += 1) {
        const gateway = limited[index % 2] as RunningGateway;
        const reply = await http("GET", `${gateway.url}/v1/carriers`, undefined, {
          authorization: `Bearer ${keyed.body.apiKey}`,
        });
        statuses.push(reply.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    } finally {
      await Promise.all(limited.map((gateway) => gateway.close()));
    }
  });
});
