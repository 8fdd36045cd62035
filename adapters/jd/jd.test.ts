/**
 * JD fixture tests: the sign (with the research note's vector), the outgoing JOS request
 * (asserted through undici's MockAgent, real network disabled) and the parsing of every reply
 * shape the adapter must understand, including the polled outcome and the refused pushes.
 */
import { describe, expect, it } from "vitest";
import type { InterceptCommand, TrackResult } from "../../contracts/carrier-adapter.ts";
import {
  callContext,
  expectCarrierError,
  mockReply,
  readFixture,
  type SentRequest,
  show,
  useMockAgentAdapter,
} from "../../contracts/testing.ts";
import { chinaTimeToIso, formatChinaTime } from "../china-time.ts";
import { buildJdRequest, jdSign } from "./client.ts";
import { createJdAdapter, type JdSettings } from "./index.ts";
import {
  buildIntercept,
  buildPickupCancel,
  JD_PICKUP_CANCEL_MARK,
  outcomeOfTraces,
  parseTrackReply,
  unwrapJdReply,
} from "./mapping.ts";

const ORIGIN = "https://api.jd.com";
const settings: JdSettings = {
  baseUrl: `${ORIGIN}/routerjson`,
  appKey: "APPKEY",
  appSecret: "SECRET",
  accessToken: "TOKEN",
  vendorCode: "010K000000",
};

const fixture = (name: string): string => readFixture(import.meta.url, name);

const command: InterceptCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: "JDVA00000000001",
  reason: "buyer_cancelled",
  payment: { payer: "platform", mode: "free_return" },
  note: "买家申请退款",
};

describe("JOS sign", () => {
  it("matches the test vector of carrier-wire-formats.md §2.1", () => {
    const params = {
      "360buy_param_json":
        '{"vendorCode":"010K000000","deliveryId":"JDVA00000000001","interceptReason":"test"}',
      access_token: "TOKEN",
      app_key: "APPKEY",
      method: "jingdong.ldop.receive.order.intercept",
      timestamp: "2024-01-02 03:04:05",
      v: "2.0",
    };
    expect(jdSign(params, "SECRET")).toBe("17B9079B268ADF4793E0615963AECF62");
    // `sign` itself never takes part, so verifying a signed set gives the same value.
    expect(jdSign({ ...params, sign: "ANYTHING" }, "SECRET")).toBe(
      "17B9079B268ADF4793E0615963AECF62",
    );
  });

  it("puts system parameters and sign in the query, 360buy_param_json in the body", () => {
    const wire = buildJdRequest({
      baseUrl: settings.baseUrl,
      credentials: settings,
      method: "jingdong.ldop.receive.order.intercept",
      paramJson:
        '{"vendorCode":"010K000000","deliveryId":"JDVA00000000001","interceptReason":"test"}',
      timestamp: "2024-01-02 03:04:05",
    });
    const url = new URL(wire.url);
    expect(url.origin + url.pathname).toBe(settings.baseUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      method: "jingdong.ldop.receive.order.intercept",
      app_key: "APPKEY",
      access_token: "TOKEN",
      timestamp: "2024-01-02 03:04:05",
      v: "2.0",
      sign: "17B9079B268ADF4793E0615963AECF62",
    });
    expect(new URLSearchParams(wire.body).get("360buy_param_json")).toBe(
      '{"vendorCode":"010K000000","deliveryId":"JDVA00000000001","interceptReason":"test"}',
    );
  });

  it("formats timestamps in China Standard Time", () => {
    expect(formatChinaTime(new Date("2025-03-02T07:30:00.000Z"))).toBe("2025-03-02 15:30:00");
    expect(chinaTimeToIso("2025-03-02 15:30:00")).toBe("2025-03-02T07:30:00.000Z");
  });
});

describe("JD adapter over a MockAgent", () => {
  const mock = useMockAgentAdapter((agent) => createJdAdapter(settings, { dispatcher: agent }));

  const replyOnce = (body: string, capture?: (request: SentRequest) => void): SentRequest =>
    mockReply(
      mock.agent,
      { origin: ORIGIN, path: (path) => path.split("?")[0] === "/routerjson" },
      { body, contentType: "application/json;charset=utf-8" },
      capture,
    );

  it("builds a signed intercept call and reads stateCode 100 as accepted, not succeeded", async () => {
    let request: SentRequest | null = null;
    replyOnce(fixture("intercept-accepted.reply.json"), (r) => {
      request = r;
    });
    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: command.reference, fee: null },
    });

    const sent = request as SentRequest | null;
    expect(sent).not.toBeNull();
    if (sent === null) {
      return;
    }
    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect([...sent.query.keys()].sort()).toEqual(
      ["access_token", "app_key", "method", "sign", "timestamp", "v"].sort(),
    );
    expect(sent.query.get("method")).toBe("jingdong.ldop.receive.order.intercept");
    expect(sent.query.get("app_key")).toBe("APPKEY");
    expect(sent.query.get("access_token")).toBe("TOKEN");
    expect(sent.query.get("v")).toBe("2.0");
    expect(sent.query.get("timestamp")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect([...sent.form.keys()]).toEqual(["360buy_param_json"]);
    const paramJson = sent.form.get("360buy_param_json") ?? "";
    const param = JSON.parse(paramJson) as Record<string, unknown>;
    expect(param.cancelTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect({ ...param, cancelTime: "2025-03-02 15:30:00" }).toEqual(
      JSON.parse(fixture("intercept-request.param.json")),
    );
    const signed = Object.fromEntries([...sent.query].filter(([key]) => key !== "sign"));
    expect(sent.query.get("sign")).toBe(
      jdSign({ ...signed, "360buy_param_json": paramJson }, "SECRET"),
    );
  });

  it("reads stateCode 108 (already cancelled) as our own repeat, accepted", async () => {
    replyOnce(fixture("intercept-already-cancelled.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: command.reference, fee: null },
    });
  });

  it("maps an already-intercepted refusal to already_intercepted", async () => {
    replyOnce(fixture("intercept-already-intercepted.reply.json"));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "already_intercepted",
      false,
    );
  });

  it("keeps JD's message for a stateCode the legend does not know, as rejected", async () => {
    replyOnce(fixture("intercept-refused.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "rejected", false);
    expect(result.ok ? null : [result.error.carrierCode, result.error.carrierMessage]).toEqual([
      "117",
      "该运单为生鲜件，不支持拦截",
    ]);
  });

  it("maps error_response 12 (无效签名) to auth_failed, keeping JD's code", async () => {
    replyOnce(fixture("auth-error.reply.json"));
    const result = await mock.adapter.track("JDVA00000000001", callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("12");
  });

  it("maps error_response 19 (invalid access_token) to auth_failed", async () => {
    replyOnce(fixture("token-expired.reply.json"));
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "auth_failed", false);
  });

  it("maps error_response 2 (App Call Limited) to rate_limited, retryable", async () => {
    replyOnce(fixture("call-limited.reply.json"));
    expectCarrierError(
      await mock.adapter.track("JDVA00000000001", callContext()),
      "rate_limited",
      true,
    );
  });

  it("maps a backend timeout (65) by idempotency: retryable for a read, not for an intercept", async () => {
    const body = JSON.stringify({
      error_response: { code: "65", zh_desc: "平台连接后端服务超时" },
    });
    replyOnce(body);
    expectCarrierError(
      await mock.adapter.track("JDVA00000000001", callContext()),
      "outcome_unknown",
      true,
    );
    replyOnce(body);
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("maps an unknown waybill to unknown_parcel", async () => {
    replyOnce(fixture("unknown-waybill.reply.json"));
    expectCarrierError(
      await mock.adapter.track("JDVA00000000009", callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("sends the trace query and maps the latest known opeTitle", async () => {
    let request: SentRequest | null = null;
    replyOnce(fixture("trace.reply.json"), (r) => {
      request = r;
    });
    const result = await mock.adapter.track("JDVA00000000001", callContext());
    const sent = request as SentRequest | null;
    expect(sent?.query.get("method")).toBe("jingdong.ldop.receive.trace.get");
    expect(JSON.parse(sent?.form.get("360buy_param_json") ?? "")).toEqual({
      customerCode: "010K000000",
      waybillCode: "JDVA00000000001",
    });
    expect(result.ok, show(result)).toBe(true);
    if (result.ok) {
      // Sorted by time; the last trace (状态更新) is not in the legend, 派送 before it decides.
      expect(result.value.state).toBe("out_for_delivery");
      expect(result.value.events.map((e) => e.carrierCode)).toEqual([
        "揽收",
        "运输",
        "站点验货",
        "派送",
        "状态更新",
      ]);
      expect(result.value.events[0]?.at).toBe("2025-03-01T01:12:00.000Z");
      expect(result.value.events[4]?.state).toBe("unknown");
    }
  });

  it("polls the outcome from traces after the submission", async () => {
    const trace = (opeTitle: string, opeTime: string) => ({
      opeTitle,
      opeRemark: "",
      opeTime,
      waybillCode: "JDVA00000000001",
    });
    replyOnce(
      JSON.stringify({
        jingdong_ldop_receive_trace_get_responce: {
          code: "0",
          querytraceResult: {
            code: 100,
            messsage: "成功",
            data: [trace("揽收", "2025-03-01 09:00:00"), trace("拦截成功", "2025-03-02 16:00:00")],
          },
        },
      }),
    );
    const polled = await mock.adapter.pollOutcome?.(
      {
        reference: command.reference,
        trackingNumber: "JDVA00000000001",
        carrierReference: command.reference,
        action: "intercept",
        submittedAt: "2025-03-02T07:30:00.000Z",
      },
      callContext(),
    );
    expect(polled, show(polled)).toMatchObject({
      ok: true,
      value: { outcome: "succeeded", parcelState: "returned", fee: null },
    });
  });

  it("sends a pickup cancel through the intercept API, marked, and reads 100 as cancelled", async () => {
    let request: SentRequest | null = null;
    replyOnce(
      JSON.stringify({
        jingdong_ldop_receive_order_intercept_responce: {
          code: "0",
          resultInfo: { stateCode: 100, stateMessage: "取消成功" },
        },
      }),
      (r) => {
        request = r;
      },
    );
    const result = await mock.adapter.cancelPickup?.(
      { reference: "icp_1", trackingNumber: "JDVA00000000001", reason: "buyer_cancelled" },
      callContext(),
    );
    expect(result).toEqual({ ok: true, value: { cancelled: true } });
    const sent = request as SentRequest | null;
    const param = JSON.parse(sent?.form.get("360buy_param_json") ?? "{}") as {
      interceptReason?: string;
    };
    expect(param.interceptReason).toBe(`${JD_PICKUP_CANCEL_MARK} 买家取消订单`);
  });

  it("maps an HTTP 503 to unavailable, retryable", async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: (p) => p.startsWith("/routerjson?"), method: "POST" })
      .reply(503, "busy");
    expectCarrierError(await mock.adapter.track("JDVA1", callContext()), "unavailable", true);
  });

  it("maps a non-JSON 200 and a reply without the _responce object to bad_response", async () => {
    replyOnce("<html>gateway</html>");
    expectCarrierError(await mock.adapter.track("JDVA1", callContext()), "bad_response", false);
    replyOnce(JSON.stringify({ something_else_responce: {} }));
    expectCarrierError(await mock.adapter.track("JDVA1", callContext()), "bad_response", false);
  });

  it("maps a malformed resultInfo to outcome_unknown: JD took the intercept, its answer is unreadable", async () => {
    replyOnce(
      JSON.stringify({
        jingdong_ldop_receive_order_intercept_responce: { code: "0", resultInfo: { state: 1 } },
      }),
    );
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("maps a non-JSON 200 to a write to outcome_unknown, to a read to bad_response", async () => {
    replyOnce("<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
    replyOnce("<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.track("JDVA00000000001", callContext()),
      "bad_response",
      false,
    );
  });

  it("refuses every push: JD outcomes are polled", () => {
    const pushed = mock.adapter.parseCallback({
      url: "http://127.0.0.1/v1/carriers/jd/callbacks",
      headers: { "content-type": "application/json" },
      body: fixture("trace.reply.json"),
      receivedAt: new Date(),
    });
    expectCarrierError(pushed, "auth_failed", false);
  });
});

describe("JD mapping", () => {
  const now = new Date("2025-03-02T07:30:00.000Z");

  it("builds the intercept and pickup-cancel parameters", () => {
    expect(buildIntercept(command, "010K000000", now)).toEqual(
      JSON.parse(fixture("intercept-request.param.json")),
    );
    expect(
      buildPickupCancel(
        { reference: "icp_2", trackingNumber: "JDVA2", reason: "merchant_error" },
        "010K000000",
        now,
      ),
    ).toEqual({
      cancelOperator: "icp_2",
      cancelOperatorCodeType: 2,
      cancelTime: "2025-03-02 15:30:00",
      deliveryId: "JDVA2",
      interceptReason: "[取消揽收] 商家发错货",
      vendorCode: "010K000000",
    });
  });

  it("keeps interceptReason within 200 characters", () => {
    const long = buildIntercept({ ...command, note: "长".repeat(500) }, "V", now);
    expect([...String(long.interceptReason)]).toHaveLength(200);
  });

  it("reads a waybill with no traces as not_collected", () => {
    expect(
      parseTrackReply("JDVA1", { querytraceResult: { code: 100, messsage: "成功", data: [] } }),
    ).toEqual({ ok: true, value: { trackingNumber: "JDVA1", state: "not_collected", events: [] } });
  });

  it("maps a non-zero _responce code through the gateway table", () => {
    const body = JSON.stringify({
      jingdong_ldop_receive_trace_get_responce: { code: "103", zh_desc: "invalid app" },
    });
    expectCarrierError(
      unwrapJdReply({ status: 200, headers: {}, body }, "jingdong.ldop.receive.trace.get", true),
      "auth_failed",
      false,
    );
  });

  it("decides outcomes only from traces at or after the submission", () => {
    const track: TrackResult = {
      trackingNumber: "JDVA1",
      state: "delivered",
      events: [
        {
          at: "2025-03-01T00:00:00.000Z",
          carrierCode: "拦截失败",
          description: "",
          state: "in_transit",
        },
        {
          at: "2025-03-02T08:00:00.000Z",
          carrierCode: "妥投",
          description: "已签收",
          state: "delivered",
        },
      ],
    };
    expect(outcomeOfTraces(track, "2025-03-02T07:30:00.000Z")).toEqual({
      outcome: "failed",
      parcelState: "delivered",
      detail: "妥投 · 已签收",
      fee: null,
    });
    // Submitted after both traces: they belong to the parcel's past, neither decides.
    expect(outcomeOfTraces(track, "2025-03-02T09:00:00.000Z").outcome).toBeNull();
  });
});
