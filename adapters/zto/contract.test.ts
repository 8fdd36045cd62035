/**
 * ZTO against the shared contract suite: always against the local sandbox, and against ZTO's
 * own test gateway (japi-test.zto.com) when ZTO_APP_KEY and ZTO_APP_SECRET are set.
 */

import { describe, expect, it } from "vitest";
import type { IncomingCallback } from "../../contracts/carrier-adapter.ts";
import { runCarrierContractSuite } from "../../contracts/contract-suite.ts";
import {
  carrierSandboxApp,
  describeWithCredentials,
  loopbackPool,
  realEnvironmentPool,
  show,
  uniqueNumber,
  useCarrierSandbox,
} from "../../contracts/testing.ts";
import { createWorld } from "../sandbox-kit/world.ts";
import { ztoDataDigest } from "./client.ts";
import { createZtoAdapter, type ZtoSettings } from "./index.ts";
import { createZtoSandbox, ZTO_SANDBOX_APP_KEY, ZTO_SANDBOX_APP_SECRET } from "./sandbox.ts";

/** A fresh ZTO-format waybill number (14 digits starting 7310), unique within the run. */
const freshBillCode = (): string => uniqueNumber("7310", 10);

/** Fails ZTO's waybill rule (E416) on the real gateway; unknown to the sandbox. */
const UNKNOWN_BILL_CODE = "000000000000";

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
    receivedAt: new Date(),
  };
  return [
    tracePush,
    ...(genuine ? [genuine] : []),
    { url, headers: {}, body: "", receivedAt: new Date() },
  ];
}

describe("ZTO adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  const settings: ZtoSettings = {
    baseUrl: "http://127.0.0.1:1/zto",
    appKey: ZTO_SANDBOX_APP_KEY,
    appSecret: ZTO_SANDBOX_APP_SECRET,
  };
  const sandbox = useCarrierSandbox("/zto", createZtoSandbox, ({ url }) => {
    settings.baseUrl = `${url}/zto`;
  });

  runCarrierContractSuite({
    carrier: "zto",
    makeAdapter: () => createZtoAdapter(settings, { dispatcher: loopbackPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createZtoAdapter(
        { ...settings, appSecret: "NOT_THE_SECRET" },
        { dispatcher: loopbackPool(settings.baseUrl) },
      ),
    sandbox,
    forgedPushes: forgedZtoPushes,
    trackingNumbers: { unknown: UNKNOWN_BILL_CODE, fresh: freshBillCode },
  });
});

// Credentials are read here only: this block is the one place the tests touch ZTO itself.
describeWithCredentials(
  "ZTO adapter against ZTO's test gateway",
  {
    required: ["ZTO_APP_KEY", "ZTO_APP_SECRET"],
    optional: ["ZTO_BASE_URL", "ZTO_KNOWN_BILL_CODE"],
  },
  ({ ZTO_APP_KEY: appKey, ZTO_APP_SECRET: appSecret }) => {
    const real: ZtoSettings = {
      baseUrl: process.env.ZTO_BASE_URL ?? "https://japi-test.zto.com",
      appKey,
      appSecret,
    };
    runCarrierContractSuite({
      carrier: "zto",
      makeAdapter: () => createZtoAdapter(real, { dispatcher: realEnvironmentPool(real.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createZtoAdapter(
          { ...real, appSecret: `${appSecret}-wrong` },
          { dispatcher: realEnvironmentPool(real.baseUrl) },
        ),
      forgedPushes: forgedZtoPushes,
      trackingNumbers: {
        unknown: UNKNOWN_BILL_CODE,
        fresh: freshBillCode,
        ...(process.env.ZTO_KNOWN_BILL_CODE ? { known: process.env.ZTO_KNOWN_BILL_CODE } : {}),
      },
    });
  },
);

describe("ZTO sandbox wire details", () => {
  const app = carrierSandboxApp(createWorld(), "/zto", createZtoSandbox);

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
    expect(reply, show(reply)).toMatchObject({
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
