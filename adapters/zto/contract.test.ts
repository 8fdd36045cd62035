/**
 * ZTO against the shared contract suite: always against the local sandbox, and against ZTO's
 * own test gateway (japi-test.zto.com) when ZTO_APP_KEY and ZTO_APP_SECRET are set.
 */

import { Hono } from "hono";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingCallback } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import type { SandboxEnv } from "../sandbox-kit/faults.ts";
import { composeSandboxApp, type RunningSandbox, serveSandbox } from "../sandbox-kit/serve.ts";
import { createWorld, type World } from "../sandbox-kit/world.ts";
import { ztoDataDigest } from "./client.ts";
import { createZtoAdapter, type ZtoSettings } from "./index.ts";
import { createZtoSandbox, ZTO_SANDBOX_APP_KEY, ZTO_SANDBOX_APP_SECRET } from "./sandbox.ts";

/** A fresh ZTO-format waybill number (14 digits starting 7310), unique within the run. */
let counter = 0;
function freshBillCode(): string {
  counter += 1;
  const tail = `${Date.now() % 1_000_000}${String(counter).padStart(4, "0")}`;
  return `7310${tail.padStart(10, "0").slice(-10)}`;
}

/** Fails ZTO's waybill rule (E416) on the real gateway; unknown to the sandbox. */
const UNKNOWN_BILL_CODE = "000000000000";

function shortPool(baseUrl: string): Pool {
  return new Pool(new URL(baseUrl).origin, {
    connectTimeout: 1_000,
    headersTimeout: 2_000,
    bodyTimeout: 2_000,
    keepAliveTimeout: 10,
    keepAliveMaxTimeout: 10,
  });
}

/**
 * ZTO pushes nothing the gateway accepts, so every push is forged: a well-formed trace push
 * signed the way requests are, the genuine one when given, and an empty one.
 */
function forgedZtoPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const data = JSON.stringify({
    billCode: "73100196611386",
    action: "SIGNED",
    actionTime: "2025-05-22 15:09:54",
  });
  const url = "http://127.0.0.1/v1/carriers/zto/callbacks";
  const tracePush: IncomingCallback = {
    url,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      data,
      data_digest: ztoDataDigest(data, ZTO_SANDBOX_APP_SECRET),
      company_id: ZTO_SANDBOX_APP_KEY,
      msg_type: "Traces",
    }).toString(),
  };
  return [tracePush, ...(genuine ? [genuine] : []), { url, headers: {}, body: "" }];
}

describe("ZTO adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  let sandbox: RunningSandbox;
  const settings: ZtoSettings = {
    baseUrl: "http://127.0.0.1:1/zto",
    appKey: ZTO_SANDBOX_APP_KEY,
    appSecret: ZTO_SANDBOX_APP_SECRET,
  };
  const sandboxOptions = { controlUrl: "" };

  beforeAll(async () => {
    const world = createWorld();
    sandbox = await serveSandbox(ztoSandboxApp(world), world, { port: 0 });
    settings.baseUrl = `${sandbox.url}/zto`;
    sandboxOptions.controlUrl = sandbox.url;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  runCarrierContractSuite({
    carrier: "zto",
    makeAdapter: () => createZtoAdapter(settings, { dispatcher: shortPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createZtoAdapter(
        { ...settings, appSecret: "NOT_THE_SECRET" },
        { dispatcher: shortPool(settings.baseUrl) },
      ),
    sandbox: sandboxOptions,
    forgedPushes: forgedZtoPushes,
    trackingNumbers: { unknown: UNKNOWN_BILL_CODE, fresh: freshBillCode },
  });
});

// Credentials are read here only: this block is the one place the tests touch ZTO itself.
const appKey = process.env.ZTO_APP_KEY;
const appSecret = process.env.ZTO_APP_SECRET;
if (appKey && appSecret) {
  const real: ZtoSettings = {
    baseUrl: process.env.ZTO_BASE_URL ?? "https://japi-test.zto.com",
    appKey,
    appSecret,
  };
  const realPool = (): Pool =>
    new Pool(new URL(real.baseUrl).origin, {
      connectTimeout: 5_000,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
      keepAliveTimeout: 10,
      keepAliveMaxTimeout: 10,
    });
  describe("ZTO adapter against ZTO's test gateway", () => {
    runCarrierContractSuite({
      carrier: "zto",
      makeAdapter: () => createZtoAdapter(real, { dispatcher: realPool() }),
      makeAdapterWithWrongCredentials: () =>
        createZtoAdapter({ ...real, appSecret: `${appSecret}-wrong` }, { dispatcher: realPool() }),
      forgedPushes: forgedZtoPushes,
      trackingNumbers: {
        unknown: UNKNOWN_BILL_CODE,
        fresh: freshBillCode,
        ...(process.env.ZTO_KNOWN_BILL_CODE ? { known: process.env.ZTO_KNOWN_BILL_CODE } : {}),
      },
    });
  });
} else {
  describe.skip("ZTO adapter against ZTO's test gateway (set ZTO_APP_KEY and ZTO_APP_SECRET; optional ZTO_BASE_URL, ZTO_KNOWN_BILL_CODE)", () => {
    it("needs ZTO_APP_KEY and ZTO_APP_SECRET", () => {});
  });
}

/** The control API plus ZTO's sandbox alone, so these tests do not depend on other carriers. */
function ztoSandboxApp(world: World): Hono<SandboxEnv> {
  const mount = { basePath: "/zto", app: createZtoSandbox(world) };
  return composeSandboxApp(world, [mount], new Hono<SandboxEnv>());
}

describe("ZTO sandbox wire details", () => {
  const world = createWorld();
  const app = ztoSandboxApp(world);

  async function call(api: string, payload: unknown, secret = ZTO_SANDBOX_APP_SECRET) {
    const body = JSON.stringify(payload);
    const response = await app.request(`/zto/${api}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-appKey": ZTO_SANDBOX_APP_KEY,
        "x-dataDigest": ztoDataDigest(body, secret),
      },
      body,
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  async function put(trackingNumber: string, state: string): Promise<void> {
    const created = await app.request("/_sandbox/parcels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "zto", trackingNumber, state }),
    });
    expect(created.status).toBe(201);
  }

  it("answers an unknown API with S207 on HTTP 200", async () => {
    const reply = await call("zto.open.createOrder", {});
    expect(reply, JSON.stringify(reply)).toMatchObject({
      status: 200,
      json: { status: false, statusCode: "S207" },
    });
  });

  it("answers a bad digest with S211 and records nothing", async () => {
    await put("73109999000001", "not_collected");
    const reply = await call(
      "zto.open.cancelPreOrder",
      { cancelType: "1", billCode: "73109999000001" },
      "WRONG",
    );
    expect(reply.json).toMatchObject({ status: false, statusCode: "S211" });
    const view = await app.request("/_sandbox/parcels/zto/73109999000001");
    expect(await view.json()).toMatchObject({ calls: [] });
  });

  it("answers a cancel without billCode with S208, and a repeated cancel with success", async () => {
    const missing = await call("zto.open.cancelPreOrder", { cancelType: "1" });
    expect(missing.json).toMatchObject({ status: false, statusCode: "S208" });
    await put("73109999000002", "not_collected");
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await call("zto.open.cancelPreOrder", {
        cancelType: "1",
        billCode: "73109999000002",
      });
      expect(reply.json).toEqual({
        result: {},
        message: "请求成功",
        status: true,
        statusCode: "SYS000",
      });
    }
  });

  it("renders the timeline as ScanTraceDTO scans with Chinese scan types", async () => {
    await put("73109999000003", "delivered");
    const reply = await call("zto.merchant.waybill.track.query", { billCode: "73109999000003" });
    const scans = reply.json.result as Record<string, unknown>[];
    expect(scans.map((s) => s.scanType)).toEqual(["收件", "发件", "到件", "派件", "签收"]);
    expect(scans[0]).toMatchObject({ billCode: "73109999000003", scanSite: { isCenter: "F" } });
    expect(typeof scans[0]?.scanDate).toBe("number");
  });
});
