/**
 * JD Logistics against the shared contract suite: always against the local sandbox, and
 * against JD's own JOS router when JD_APP_KEY, JD_APP_SECRET, JD_ACCESS_TOKEN and
 * JD_VENDOR_CODE are set (the state-independent part only).
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
import { formatChinaTime } from "../china-time.ts";
import { createWorld } from "../sandbox-kit/world.ts";
import { buildJdRequest } from "./client.ts";
import { createJdAdapter, type JdSettings } from "./index.ts";
import {
  createJdSandbox,
  JD_SANDBOX_ACCESS_TOKEN,
  JD_SANDBOX_APP_KEY,
  JD_SANDBOX_APP_SECRET,
  JD_SANDBOX_VENDOR_CODE,
} from "./sandbox.ts";

/** A fresh JD-format waybill number (JDVA + 11 digits), unique within the run. */
const freshWaybill = (): string => uniqueNumber("JDVA", 11);

/** JD pushes nothing to us: any push, however plausible, must be refused. */
function forgedJdPushes(genuine: IncomingCallback | null): IncomingCallback[] {
  const push = genuine ?? {
    url: "http://127.0.0.1/v1/carriers/jd/callbacks",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ waybillCode: "JDVA00000000001", opeTitle: "拦截成功" }),
    receivedAt: new Date(),
  };
  return [push, { ...push, body: "" }];
}

describe("JD adapter against the local sandbox", () => {
  // The suite reads `settings` lazily (inside tests), after beforeAll has started the sandbox.
  const settings: JdSettings = {
    baseUrl: "http://127.0.0.1:1/jd/routerjson",
    appKey: JD_SANDBOX_APP_KEY,
    appSecret: JD_SANDBOX_APP_SECRET,
    accessToken: JD_SANDBOX_ACCESS_TOKEN,
    vendorCode: JD_SANDBOX_VENDOR_CODE,
  };
  const sandbox = useCarrierSandbox("/jd", createJdSandbox, ({ url }) => {
    settings.baseUrl = `${url}/jd/routerjson`;
  });

  runCarrierContractSuite({
    carrier: "jd",
    makeAdapter: () => createJdAdapter(settings, { dispatcher: loopbackPool(settings.baseUrl) }),
    makeAdapterWithWrongCredentials: () =>
      createJdAdapter(
        { ...settings, appSecret: "NOT_THE_SECRET" },
        { dispatcher: loopbackPool(settings.baseUrl) },
      ),
    sandbox,
    forgedPushes: forgedJdPushes,
    trackingNumbers: { unknown: "JDVA00000000000", fresh: freshWaybill },
  });
});

// Credentials are read here only: this block is the one place the tests touch JD itself.
describeWithCredentials(
  "JD adapter against JD's JOS router",
  {
    required: ["JD_APP_KEY", "JD_APP_SECRET", "JD_ACCESS_TOKEN", "JD_VENDOR_CODE"],
    optional: ["JD_BASE_URL", "JD_KNOWN_WAYBILL"],
  },
  ({
    JD_APP_KEY: appKey,
    JD_APP_SECRET: appSecret,
    JD_ACCESS_TOKEN: accessToken,
    JD_VENDOR_CODE: vendorCode,
  }) => {
    const real: JdSettings = {
      // JOS has no separate host for these APIs: a test app's 24-hour token on the same router.
      baseUrl: process.env.JD_BASE_URL ?? "https://api.jd.com/routerjson",
      appKey,
      appSecret,
      accessToken,
      vendorCode,
    };
    runCarrierContractSuite({
      carrier: "jd",
      makeAdapter: () => createJdAdapter(real, { dispatcher: realEnvironmentPool(real.baseUrl) }),
      makeAdapterWithWrongCredentials: () =>
        createJdAdapter(
          { ...real, appSecret: `${appSecret}-wrong` },
          { dispatcher: realEnvironmentPool(real.baseUrl) },
        ),
      forgedPushes: forgedJdPushes,
      trackingNumbers: {
        unknown: "JDVA00000000000",
        fresh: freshWaybill,
        ...(process.env.JD_KNOWN_WAYBILL ? { known: process.env.JD_KNOWN_WAYBILL } : {}),
      },
    });
  },
);

describe("JD sandbox wire checks (in-process)", () => {
  const app = carrierSandboxApp(createWorld(), "/jd", createJdSandbox);

  async function call(
    method: string,
    business: Record<string, unknown>,
    tweak: (wire: { url: string; body: string }) => { url: string; body: string } = (w) => w,
    via: "POST" | "GET" = "POST",
  ): Promise<Record<string, unknown>> {
    const wire = tweak(
      buildJdRequest({
        baseUrl: "http://sandbox.local/jd/routerjson",
        credentials: {
          appKey: JD_SANDBOX_APP_KEY,
          appSecret: JD_SANDBOX_APP_SECRET,
          accessToken: JD_SANDBOX_ACCESS_TOKEN,
        },
        method,
        paramJson: JSON.stringify(business),
        timestamp: formatChinaTime(new Date()),
      }),
    );
    const response =
      via === "POST"
        ? await app.request(wire.url, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
            body: wire.body,
          })
        : await app.request(`${wire.url}&${wire.body}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  async function putParcel(trackingNumber: string, state: string): Promise<void> {
    const created = await app.request("/_sandbox/parcels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ carrier: "jd", trackingNumber, state }),
    });
    expect(created.status).toBe(201);
  }

  it("accepts everything in the query (JDWL's GET placement) as well as the SDK's form", async () => {
    await putParcel("JDVA90000000001", "in_transit");
    const query = { customerCode: JD_SANDBOX_VENDOR_CODE, waybillCode: "JDVA90000000001" };
    for (const via of ["GET", "POST"] as const) {
      const reply = await call("jingdong.ldop.receive.trace.get", query, (w) => w, via);
      expect(reply, show(reply)).toMatchObject({
        jingdong_ldop_receive_trace_get_responce: { code: "0", querytraceResult: { code: 100 } },
      });
    }
  });

  it("answers error_response 12 for a tampered sign and 15 for an unknown method", async () => {
    const tampered = await call("jingdong.ldop.receive.trace.get", { a: 1 }, (w) => ({
      ...w,
      url: w.url.replace(/sign=[^&]*/, "sign=00000000000000000000000000000000"),
    }));
    expect(tampered).toEqual({
      error_response: { code: "12", zh_desc: "无效签名", en_desc: "Invalid Signature" },
    });
    const unknown = await call("jingdong.nothing.here", {});
    expect(unknown).toMatchObject({ error_response: { code: "15" } });
  });

  it("cancels a pickup once, answers 108 to a repeat, and treats a plain intercept before pickup as a cancel", async () => {
    await putParcel("JDVA90000000002", "not_collected");
    const body = {
      cancelOperator: "icp_x",
      cancelOperatorCodeType: 2,
      deliveryId: "JDVA90000000002",
      interceptReason: "[取消揽收] 买家取消订单",
      vendorCode: JD_SANDBOX_VENDOR_CODE,
    };
    const first = await call("jingdong.ldop.receive.order.intercept", body);
    const again = await call("jingdong.ldop.receive.order.intercept", {
      ...body,
      interceptReason: "买家取消订单",
    });
    const stateCodes = [first, again].map(
      (reply) =>
        (
          reply.jingdong_ldop_receive_order_intercept_responce as {
            resultInfo: { stateCode: number };
          }
        ).resultInfo.stateCode,
    );
    expect(stateCodes).toEqual([100, 108]);
    const view = await app.request("/_sandbox/parcels/jd/JDVA90000000002");
    const parcel = (await view.json()) as { state: string; calls: { operation: string }[] };
    expect(parcel.state).toBe("not_collected");
    expect(parcel.calls.map((c) => c.operation)).toEqual(["cancel", "cancel"]);
  });
});
