/**
 * ZTO fixture tests: the digest (with the research note's test vector), the outgoing requests
 * (asserted through undici's MockAgent, real network disabled) and the parsing of every reply
 * shape the adapter must understand.
 */
import { MockAgent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { capabilitiesOf, type PickupCancelCommand } from "../../contracts/carrier-adapter.ts";
import {
  callContext,
  expectCarrierError,
  mockReply,
  readFixture,
  type SentRequest,
  show,
  useMockAgentAdapter,
} from "../../contracts/testing.ts";
import { ztoApiUrl, ztoDataDigest } from "./client.ts";
import { ztoError } from "./errors.ts";
import { createZtoAdapter, type ZtoSettings } from "./index.ts";
import { cancelTypeOf, parseTrackReply, unwrapZtoReply, ztoTimeToIso } from "./mapping.ts";
import { isCentreFlag, stateOfScan } from "./status.ts";

const ORIGIN = "https://japi-test.zto.com";
const settings: ZtoSettings = { baseUrl: ORIGIN, appKey: "TEST_APP_KEY", appSecret: "SECRET" };

const fixture = (name: string): string => readFixture(import.meta.url, name);

const pickupCancel: PickupCancelCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: "73100000000000",
  reason: "merchant_error",
};

describe("x-dataDigest", () => {
  it("matches the test vector of carrier-wire-formats.md §5.1", () => {
    expect(ztoDataDigest('{"cancelType":"2","billCode":"73100000000000"}', "SECRET")).toBe(
      "Gjz/3rZoeG67gmg1Ho2JaA==",
    );
  });

  it("digests the UTF-8 bytes of non-ASCII bodies", () => {
    // MD5 over UTF-8 "中" + "S", computed independently of ztoDataDigest's own code path.
    expect(ztoDataDigest("中", "S")).toBe("YTwZmfL6+XAsogPyUzoTmA==");
  });

  it("appends the API name to the gateway origin", () => {
    expect(ztoApiUrl(`${ORIGIN}/`, "zto.open.cancelPreOrder")).toBe(
      "https://japi-test.zto.com/zto.open.cancelPreOrder",
    );
  });
});

describe("ZTO adapter over a MockAgent", () => {
  const mock = useMockAgentAdapter((agent) => createZtoAdapter(settings, { dispatcher: agent }));

  const replyOnce = (path: string, reply: string): SentRequest =>
    mockReply(mock.agent, { origin: ORIGIN, path }, { body: reply });

  it("cancels a pickup with the signed body of the test vector and reads success", async () => {
    const sent = replyOnce("/zto.open.cancelPreOrder", fixture("cancel-success.reply.json"));
    const result = await mock.adapter.cancelPickup?.(pickupCancel, callContext());
    expect(result, show(result)).toEqual({ ok: true, value: { cancelled: true } });
    // The exact bytes: the digest covers them, so key order and spacing matter.
    expect(sent.body).toBe(JSON.stringify(JSON.parse(fixture("cancel-request.body.json"))));
    const headers = Object.fromEntries(
      Object.entries(sent.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect(headers, show(headers)).toMatchObject({
      "content-type": "application/json;charset=UTF-8",
      "x-appkey": "TEST_APP_KEY",
      "x-datadigest": "Gjz/3rZoeG67gmg1Ho2JaA==",
    });
  });

  it("maps a refusal to cancel a collected parcel to rejected, not retryable", async () => {
    replyOnce("/zto.open.cancelPreOrder", fixture("cancel-collected.reply.json"));
    const result = await mock.adapter.cancelPickup?.(pickupCancel, callContext());
    expectCarrierError(result ?? { ok: true, value: null }, "rejected", false);
    expect(result?.ok ? null : result?.error.carrierCode).toBe("B1001");
  });

  it("maps an unreadable 200 to a pickup cancel to outcome_unknown: ZTO took the call", async () => {
    replyOnce("/zto.open.cancelPreOrder", "<html>gateway</html>");
    const result = await mock.adapter.cancelPickup(pickupCancel, callContext());
    expectCarrierError(result, "outcome_unknown", false);
  });

  it("sends the trace query and maps the latest listed scan", async () => {
    const sent = replyOnce("/zto.merchant.waybill.track.query", fixture("track-query.reply.json"));
    const result = await mock.adapter.track("73100196611386", callContext());
    expect(JSON.parse(sent.body)).toEqual({ billCode: "73100196611386" });
    expect(sent.headers["x-dataDigest"] ?? sent.headers["x-datadigest"]).toBe(
      ztoDataDigest(sent.body, "SECRET"),
    );
    expect(result.ok, show(result)).toBe(true);
    if (result.ok) {
      // The last scan (问题件) is deliberately unmapped; 派件 before it decides.
      expect(result.value.state).toBe("out_for_delivery");
      expect(result.value.events.map((e) => e.carrierCode)).toEqual([
        "收件",
        "发件",
        "到件",
        "到件",
        "派件",
        "问题件",
      ]);
      expect(result.value.events.map((e) => e.state)).toEqual([
        "in_transit",
        "in_transit",
        "in_transit",
        "at_delivery_station",
        "out_for_delivery",
        "unknown",
      ]);
      expect(result.value.events[0]?.at).toBe("2025-05-22T07:06:35.000Z");
      expect(result.value.events[0]?.description).toContain("已揽收");
    }
  });

  it("maps S211 (bad signature) to auth_failed, not retryable, keeping ZTO's code", async () => {
    replyOnce("/zto.merchant.waybill.track.query", fixture("auth-error.reply.json"));
    const result = await mock.adapter.track("73100196611386", callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierMessage).toBe("签名错误");
  });

  it("maps E416 to unknown_parcel, for tracking and for a pickup cancel", async () => {
    replyOnce("/zto.merchant.waybill.track.query", fixture("unknown-waybill.reply.json"));
    expectCarrierError(
      await mock.adapter.track("000000000000", callContext()),
      "unknown_parcel",
      false,
    );
    replyOnce("/zto.open.cancelPreOrder", fixture("unknown-waybill.reply.json"));
    const cancelled = await mock.adapter.cancelPickup?.(pickupCancel, callContext());
    expectCarrierError(cancelled ?? { ok: true, value: null }, "unknown_parcel", false);
  });

  it("maps S206 (HTTP 200) to rate_limited, retryable", async () => {
    replyOnce("/zto.merchant.waybill.track.query", fixture("throttled.reply.json"));
    expectCarrierError(
      await mock.adapter.track("73100196611386", callContext()),
      "rate_limited",
      true,
    );
  });

  it("reads a waybill without scans as not_collected", async () => {
    replyOnce(
      "/zto.merchant.waybill.track.query",
      '{"result":[],"message":"操作成功","status":true,"statusCode":"SYS000"}',
    );
    const result = await mock.adapter.track("73100196611386", callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { trackingNumber: "73100196611386", state: "not_collected", events: [] },
    });
  });

  it("maps a non-JSON 200 and a malformed envelope to bad_response", async () => {
    replyOnce("/zto.merchant.waybill.track.query", "<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.track("73100196611386", callContext()),
      "bad_response",
      false,
    );
    replyOnce("/zto.merchant.waybill.track.query", '{"result":[],"message":"ok"}');
    expectCarrierError(
      await mock.adapter.track("73100196611386", callContext()),
      "bad_response",
      false,
    );
  });

  it("maps an HTTP 503 to unavailable, retryable", async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/zto.merchant.waybill.track.query", method: "POST" })
      .reply(503, "busy");
    expectCarrierError(
      await mock.adapter.track("73100196611386", callContext()),
      "unavailable",
      true,
    );
  });

  it("maps a socket error on a pickup cancel to outcome_unknown, not retryable", async () => {
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/zto.open.cancelPreOrder", method: "POST" })
      .replyWithError(reset);
    const result = await mock.adapter.cancelPickup(pickupCancel, callContext());
    expectCarrierError(result, "outcome_unknown", false);
  });

  it("offers only tracking and pickup cancels: no intercept, redirect or cancel", () => {
    expect(capabilitiesOf(mock.adapter)).toEqual({
      actions: [],
      cancel: false,
      outcome: "push",
      feeQuote: false,
      pickupCancel: true,
    });
    expect(mock.adapter).not.toHaveProperty("intercept");
    expect(mock.adapter).not.toHaveProperty("redirect");
    expect(mock.adapter).not.toHaveProperty("cancel");
  });
});

describe("ZTO error legend", () => {
  const cases: [string, string, string, boolean][] = [
    ["S200", "请求超时", "unavailable", true],
    ["S202", "发生错误", "unavailable", true],
    ["S203", "服务暂不可用", "unavailable", true],
    ["S206", "api qos limit", "rate_limited", true],
    ["S221", "api qps flow limit", "rate_limited", true],
    ["S207", "API不存在", "rejected", false],
    ["S208", "billCode不能为空", "rejected", false],
    ["S210", "无权限访问", "auth_failed", false],
    ["S211", "签名错误", "auth_failed", false],
    ["S212", "IP黑白名单限制", "auth_failed", false],
    ["S214", "时间戳非法", "auth_failed", false],
    ["E404", "鉴权失败,未绑定电子面单账号", "rejected", false],
    ["E409", "鉴权失败,收寄人电话号码校验不一致", "rejected", false],
    ["E413", "鉴权失败,请输入收寄人任一方电话号码后4位", "rejected", false],
    ["E416", "不符合中通运单号规则校验", "unknown_parcel", false],
    ["E418", "鉴权失败,不存在对应的网点授权", "rejected", false],
    ["B1001", "订单已揽收，不可取消", "rejected", false],
    ["X999", "运单不存在", "unknown_parcel", false],
    ["X998", "something else", "rejected", false],
  ];
  it.each(cases)("maps %s (%s) to %s", (statusCode, message, code, retryable) => {
    expect(ztoError(statusCode, message)).toMatchObject({
      code,
      retryable,
      carrierCode: statusCode,
      carrierMessage: message,
    });
  });

  it("reads a string status and a missing statusCode", () => {
    const body = '{"result":null,"message":"发生错误","status":"false"}';
    expectCarrierError(unwrapZtoReply({ status: 200, headers: {}, body }), "rejected", false);
  });

  it("maps HTTP 401 to auth_failed and 404 to rejected", () => {
    expectCarrierError(
      unwrapZtoReply({ status: 401, headers: {}, body: "" }),
      "auth_failed",
      false,
    );
    expectCarrierError(unwrapZtoReply({ status: 404, headers: {}, body: "" }), "rejected", false);
  });
});

describe("ZTO mapping", () => {
  it("chooses cancelType per the legend", () => {
    expect(cancelTypeOf("merchant_error")).toBe("2");
    for (const reason of [
      "buyer_cancelled",
      "address_error",
      "logistics_exception",
      "other",
    ] as const) {
      expect(cancelTypeOf(reason)).toBe("1");
    }
  });

  it("reads both scan-type namespaces and the arrival site", () => {
    expect(stateOfScan("GOT", undefined)).toBe("in_transit");
    expect(stateOfScan("SIGNED", undefined)).toBe("delivered");
    expect(stateOfScan("签收", undefined)).toBe("delivered");
    expect(stateOfScan("DEPARTURE_SIGNED", undefined)).toBe("delivered");
    expect(stateOfScan("RETURN_SIGNED", undefined)).toBe("returned");
    expect(stateOfScan("INBOUND", undefined)).toBe("at_delivery_station");
    expect(stateOfScan("ARRIVAL", true)).toBe("in_transit");
    expect(stateOfScan("ARRIVAL", undefined)).toBe("in_transit");
    expect(stateOfScan("ARRIVAL", isCentreFlag("F"))).toBe("at_delivery_station");
    expect(stateOfScan("PROBLEM", undefined)).toBeUndefined();
    expect(stateOfScan("SOMETHING_NEW", undefined)).toBeUndefined();
    expect(isCentreFlag("N")).toBe(false);
    expect(isCentreFlag("T")).toBe(true);
    expect(isCentreFlag("?")).toBeUndefined();
  });

  it("converts epoch milliseconds and China-time text to UTC", () => {
    expect(ztoTimeToIso("1747897595000")).toBe("2025-05-22T07:06:35.000Z");
    expect(ztoTimeToIso("2025-05-22 15:06:35")).toBe("2025-05-22T07:06:35.000Z");
    expect(ztoTimeToIso("yesterday")).toBeNull();
  });

  it("reads a legacy-style trace with a text scanDate and English action", () => {
    const result = parseTrackReply("7310", [
      { billCode: "7310", scanType: "GOT", scanDate: "2025-05-22 15:06:35" },
      { billCode: "7310", scanType: "SIGNED", scanDate: 1747900000000 },
    ]);
    expect(result.ok && result.value.state, show(result)).toBe("delivered");
  });

  it("refuses a trace for another waybill, without a scan type, or with an unreadable time", () => {
    const other = parseTrackReply("7310", [
      { billCode: "9999", scanType: "GOT", scanDate: "1747900000000" },
    ]);
    expectCarrierError(other, "bad_response", false);
    // ZTO's values stay out of the merchant's message: the other waybill may be another shipper's.
    expect(other.ok ? null : other.error, show(other)).toMatchObject({
      message: "ZTO trace reply is for another waybill",
      diagnostic: "billCode 9999, asked for 7310",
    });
    expectCarrierError(
      parseTrackReply("7310", [{ scanDate: "1747900000000" }]),
      "bad_response",
      false,
    );
    const unreadable = parseTrackReply("7310", [{ scanType: "GOT", scanDate: "soon" }]);
    expectCarrierError(unreadable, "bad_response", false);
    expect(unreadable.ok ? null : unreadable.error, show(unreadable)).toMatchObject({
      message: "ZTO trace has an unreadable scan time",
      diagnostic: "scanDate soon",
    });
  });

  it("reads only unlisted scans as unknown", () => {
    const result = parseTrackReply("7310", [{ scanType: "问题件", scanDate: "1747900000000" }]);
    expect(result.ok && result.value.state, show(result)).toBe("unknown");
  });
});

describe("ZTO callbacks", () => {
  const adapter = createZtoAdapter(settings, { dispatcher: new MockAgent() });

  afterAll(async () => {
    await adapter.close();
  });

  it("refuses every push as auth_failed, including a well-formed trace push", () => {
    const data = JSON.stringify({
      billCode: "73100196611386",
      action: "SIGNED",
      actionTime: "2025-05-22 15:09:54",
      desc: "【郑州市】快件已由【王五】签收",
    });
    const genuineLooking = new URLSearchParams({
      data,
      data_digest: ztoDataDigest(data, settings.appSecret),
      company_id: settings.appKey,
      msg_type: "Traces",
    }).toString();
    for (const body of [genuineLooking, "", "{}"]) {
      expectCarrierError(
        adapter.parseCallback({
          url: "http://127.0.0.1/v1/carriers/zto/callbacks",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
          receivedAt: new Date(),
        }),
        "auth_failed",
        false,
      );
    }
  });
});
