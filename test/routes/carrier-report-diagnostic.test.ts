/**
 * A carrier's own text about an outcome it pushes (Cainiao's reason for a failed delivery cut)
 * stays out of what the merchant sees, in the failure and the events, and reaches the log under
 * the callback's request id.
 */
import { MockAgent } from "undici";
import { afterEach, beforeEach, expect, it } from "vitest";
import { TOP_SIGN_METHOD, topSign } from "../../adapters/cainiao/client.ts";
import { createCainiaoAdapter } from "../../adapters/cainiao/index.ts";
import { formatChinaTime } from "../../adapters/china-time.ts";
import { readFixture } from "../../contracts/testing.ts";
import type { LogFields, Logger } from "../../src/logger.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

const TOP_ORIGIN = "https://gw.api.tbsandbox.com";
const APP_SECRET = "TEST_APP_SECRET";
const TRACKING_NUMBER = "YT7500000000001";
const NOW = new Date("2026-11-21T08:00:00.000Z");
const fixture = (name: string) =>
  readFixture(new URL("../../adapters/cainiao/", import.meta.url), name);

let agent: MockAgent;
let gateway: TestGateway;
const lines: Array<{ message: string } & LogFields> = [];
const record = (message: string, fields?: LogFields) => {
  lines.push({ message, ...fields });
};
const logger: Logger = { debug: record, info: record, warn: record, error: record };

beforeEach(() => {
  lines.length = 0;
  agent = new MockAgent();
  agent.disableNetConnect();
});

afterEach(async () => {
  try {
    agent.assertNoPendingInterceptors();
  } finally {
    await gateway.close();
  }
});

/** A signed cut.notify saying the cut failed, with TOP's own reason for it. */
function failedPush(reference: string, reason: string) {
  const params: Record<string, string> = {
    method: "taobao.logistics.express.delivery.cut.notify",
    app_key: "TEST_APP_KEY",
    timestamp: formatChinaTime(NOW),
    format: "json",
    v: "2.0",
    sign_method: TOP_SIGN_METHOD,
    notify_cut_off_delivery_process_status_request: JSON.stringify({
      mail_no: TRACKING_NUMBER,
      outer_order_id: reference,
      intercept_status: "2",
      intercept_status_message: reason,
      tms_cp_code: "YTO",
    }),
  };
  params.sign = topSign(params, APP_SECRET, TOP_SIGN_METHOD);
  return gateway.call(null, "POST", "/v1/carriers/cainiao/callbacks", {
    rawBody: new URLSearchParams(params).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
  });
}

it("a pushed failure: the merchant sees a plain failure, the log gets the carrier's reason", async () => {
  const adapter = createCainiaoAdapter(
    {
      baseUrl: `${TOP_ORIGIN}/router/rest`,
      appKey: "TEST_APP_KEY",
      appSecret: APP_SECRET,
      session: "TEST_SESSION",
      cpCode: "YTO",
      pushWindowMs: 10 * 60_000,
    },
    { dispatcher: agent },
  );
  gateway = await createTestGateway(adapter, {}, { logger, now: () => NOW });
  const top = agent.get(TOP_ORIGIN);
  top.intercept({ path: "/router/rest", method: "POST" }).reply(200, fixture("trace.reply.json"));
  top
    .intercept({ path: "/router/rest", method: "POST" })
    .reply(200, fixture("delivery-cut-success.reply.json"));
  const created = await json(
    await gateway.intercept(
      gateway.merchantA,
      "k1",
      interceptBody({
        carrier: "cainiao",
        trackingNumber: TRACKING_NUMBER,
        parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
      }),
    ),
  );
  expect(created.body.status, created.text).toBe("submitted");
  const id = String(created.body.id);

  const reason = "网点系统异常: NullPointerException at cut.tms-7.internal:8080";
  const pushed = await failedPush(id, reason);
  expect(pushed.status, await pushed.text()).toBe(200);

  const seen = await json(await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`));
  expect(seen.body, seen.text).toMatchObject({
    status: "failed",
    failure: { code: "carrier_failed", message: "拦截失败" },
  });
  for (const leak of ["网点系统异常", "NullPointerException", "tms-7", "8080"]) {
    expect(seen.text, `merchant sees "${leak}"`).not.toContain(leak);
  }
  const logged = lines.find((line) => line.message === "carrier callback");
  expect(logged, JSON.stringify(lines)).toMatchObject({
    requestId: expect.stringMatching(/\S/),
    diagnostics: [{ trackingNumber: TRACKING_NUMBER, diagnostic: reason }],
  });
});
