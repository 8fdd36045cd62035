/**
 * Cainiao fixture tests: the TOP sign (research test vectors), the outgoing request (asserted
 * through undici's MockAgent, real network disabled), the parsing of every reply shape the
 * adapter must understand, and the signed result notification.
 */
import { MockAgent } from "undici";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { capabilitiesOf, type InterceptCommand } from "../../contracts/carrier-adapter.ts";
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
import { topSign, verifyTopSign } from "./client.ts";
import { type CainiaoSettings, createCainiaoAdapter } from "./index.ts";
import {
  buildDeliveryCut,
  parseCutNotify,
  parseTraceReply,
  reasonOf,
  responseRootOf,
  unwrapTopReply,
} from "./mapping.ts";

const ORIGIN = "https://gw.api.tbsandbox.com";
const settings: CainiaoSettings = {
  baseUrl: `${ORIGIN}/router/rest`,
  appKey: "TEST_APP_KEY",
  appSecret: "TEST_APP_SECRET",
  session: "TEST_SESSION",
  cpCode: "YTO",
  pushWindowMs: 10 * 60_000,
};

const fixture = (name: string): string => readFixture(import.meta.url, name);

const command: InterceptCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: "YT7500000000001",
  reason: "buyer_cancelled",
  payment: { payer: "platform", mode: "free_return" },
  note: "buyer changed their mind",
};

function recordOf(form: URLSearchParams): Record<string, string> {
  return Object.fromEntries(form);
}

describe("TOP sign", () => {
  // carrier-wire-formats.md §4.1 test vector (computed by the researcher from the algorithm).
  const vector: Record<string, string> = {
    app_key: "12345678",
    cut_off_delivery_process_request:
      '{"mail_no":"YT000001","intercept_time":"2024-01-02 03:04:05","intercept_reason":"test","tms_cp_code":"YTO"}',
    format: "json",
    method: "taobao.logistics.erp.delivery.cut",
    session: "SESSION",
    sign_method: "md5",
    timestamp: "2024-01-02 03:04:05",
    v: "2.0",
  };

  it("matches the md5 test vector", () => {
    expect(topSign(vector, "SECRET", "md5")).toBe("16E0C773DE2D201FD12FA0B875D04510");
  });

  it("matches the hmac test vector", () => {
    expect(topSign({ ...vector, sign_method: "hmac" }, "SECRET", "hmac")).toBe(
      "54D46C171A01B087EBCFDFF0E0A9F669",
    );
  });

  it("verifies a signed set and refuses a changed value, a missing sign or another method", () => {
    const signed = { ...vector, sign: "16E0C773DE2D201FD12FA0B875D04510" };
    expect(verifyTopSign(signed, "SECRET", "md5")).toBe(true);
    expect(verifyTopSign({ ...signed, sign: signed.sign.toLowerCase() }, "SECRET", "md5")).toBe(
      true,
    );
    expect(verifyTopSign({ ...signed, v: "2.1" }, "SECRET", "md5")).toBe(false);
    expect(verifyTopSign(vector, "SECRET", "md5")).toBe(false);
    expect(verifyTopSign({ ...signed, sign_method: "hmac-sha256" }, "SECRET", "md5")).toBe(false);
  });

  it("accepts only the method the verifier expects, whatever the params name", () => {
    const hmac = { ...vector, sign_method: "hmac", sign: "54D46C171A01B087EBCFDFF0E0A9F669" };
    expect(verifyTopSign(hmac, "SECRET", "hmac")).toBe(true);
    expect(verifyTopSign(hmac, "SECRET", "md5")).toBe(false);
    const md5 = { ...vector, sign: "16E0C773DE2D201FD12FA0B875D04510" };
    expect(verifyTopSign(md5, "SECRET", "hmac")).toBe(false);
  });

  it("formats timestamps in GMT+8", () => {
    expect(formatChinaTime(new Date("2024-01-01T19:04:05Z"))).toBe("2024-01-02 03:04:05");
    expect(chinaTimeToIso("2024-01-02 03:04:05")).toBe("2024-01-01T19:04:05.000Z");
  });
});

describe("Cainiao adapter over a MockAgent", () => {
  beforeEach(() => {
    // Only Date is faked, so timestamps are fixed while undici's timers stay real.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2024-01-01T19:04:05Z"));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const mock = useMockAgentAdapter((agent) =>
    createCainiaoAdapter(settings, { dispatcher: agent }),
  );

  const replyOnce = (body: string): SentRequest =>
    mockReply(mock.agent, { origin: ORIGIN, path: "/router/rest" }, { body });

  it("builds a signed delivery cut form and reads suc:true", async () => {
    const sent = replyOnce(fixture("delivery-cut-success.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: command.reference, fee: null },
    });

    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=utf-8");
    const params = recordOf(sent.form);
    const { sign, cut_off_delivery_process_request: request, ...system } = params;
    expect(system).toEqual({
      method: "taobao.logistics.erp.delivery.cut",
      app_key: "TEST_APP_KEY",
      session: "TEST_SESSION",
      timestamp: "2024-01-02 03:04:05",
      format: "json",
      v: "2.0",
      sign_method: "md5",
    });
    expect(JSON.parse(request ?? "")).toEqual(JSON.parse(fixture("delivery-cut-request.json")));
    expect(sign).toBe(topSign(params, "TEST_APP_SECRET"));
    expect(verifyTopSign(params, "TEST_APP_SECRET", "md5")).toBe(true);
  });

  it("sends the trace query and maps the latest listed action", async () => {
    const sent = replyOnce(fixture("trace.reply.json"));
    const result = await mock.adapter.track("YT7500000000001", callContext());
    expect(sent.form.get("method")).toBe("taobao.logistics.trace.get");
    expect(sent.form.get("mail_no")).toBe("YT7500000000001");
    expect(sent.form.get("tms_cp_code")).toBe("YTO");
    expect(verifyTopSign(recordOf(sent.form), "TEST_APP_SECRET", "md5")).toBe(true);
    expect(result.ok, show(result)).toBe(true);
    if (result.ok) {
      // The last step (OTHER) is not in the legend; the one before it (SENT_SCAN) decides.
      expect(result.value.state).toBe("out_for_delivery");
      expect(result.value.events.map((e) => e.carrierCode)).toEqual([
        "TMS_COLLECT",
        "ARRIVE",
        "TMS_STATION_IN",
        "SENT_SCAN",
        "OTHER",
      ]);
      expect(result.value.events[0]).toEqual({
        at: "2025-03-01T01:12:00.000Z",
        carrierCode: "TMS_COLLECT",
        description: "【杭州市】快件已揽收",
        state: "in_transit",
      });
      expect(result.value.events[4]?.state).toBe("unknown");
    }
  });

  it("maps error_response 25 (Invalid Signature) to auth_failed, keeping TOP's code", async () => {
    replyOnce(fixture("auth-error.reply.json"));
    const result = await mock.adapter.track("YT7500000000001", callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("25");
  });

  it("maps error_response 27 (Invalid Session) to auth_failed", async () => {
    replyOnce(JSON.stringify({ error_response: { code: 27, msg: "Invalid session" } }));
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "auth_failed", false);
  });

  it("maps an unknown waybill on trace to unknown_parcel", async () => {
    replyOnce(fixture("trace-unknown-waybill.reply.json"));
    const result = await mock.adapter.track("YT7500000000009", callContext());
    expectCarrierError(result, "unknown_parcel", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("15/isv.waybill-not-exist");
  });

  it("maps an unknown waybill on the delivery cut to unknown_parcel", async () => {
    replyOnce(fixture("delivery-cut-unknown-waybill.reply.json"));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("maps a repeated delivery cut to already_intercepted, not retryable", async () => {
    replyOnce(fixture("delivery-cut-repeat.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "already_intercepted", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("REPEAT_INTERCEPT");
  });

  it("maps a delivered parcel's refusal to rejected, not retryable", async () => {
    replyOnce(fixture("delivery-cut-already-signed.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "rejected", false);
    expect(result.ok ? null : result.error.carrierMessage).toBe("快件已签收或已退回，不可拦截");
  });

  it("honours retry:true on suc:false as a retryable unavailable", async () => {
    replyOnce(fixture("delivery-cut-retry.reply.json"));
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "unavailable", true);
  });

  it("maps error_response 7 (App Call Limited) to rate_limited with the ban's length", async () => {
    replyOnce(fixture("throttled.reply.json"));
    const result = await mock.adapter.track("YT7500000000001", callContext());
    expectCarrierError(result, "rate_limited", true);
    expect(result.ok ? null : result.error.retryAfterMs).toBe(3_000);
  });

  it("maps an isp.* remote service error to unavailable, retryable", async () => {
    replyOnce(
      JSON.stringify({
        error_response: {
          code: 15,
          msg: "Remote service error",
          sub_code: "isp.top-remote-connection-timeout",
          sub_msg: "远程连接超时",
        },
      }),
    );
    expectCarrierError(
      await mock.adapter.track("YT7500000000001", callContext()),
      "unavailable",
      true,
    );
  });

  it("maps a non-JSON 200 and a reply without its root to bad_response; a malformed cut reply to outcome_unknown", async () => {
    replyOnce("<html>gateway</html>");
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "bad_response", false);
    replyOnce(JSON.stringify({ something_else_response: {} }));
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "bad_response", false);
    // A 2xx to a write that cannot be read: Cainiao took the call, what it did is unknown.
    replyOnce(JSON.stringify({ logistics_erp_delivery_cut_response: { retry: false } }));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("maps a non-JSON 200 to a delivery cut to outcome_unknown", async () => {
    replyOnce("<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("maps an HTTP 503 to unavailable, retryable", async () => {
    mock.agent.get(ORIGIN).intercept({ path: "/router/rest", method: "POST" }).reply(503, "busy");
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "unavailable", true);
  });

  it("maps a socket error on a delivery cut to outcome_unknown, not retryable", async () => {
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/router/rest", method: "POST" })
      .replyWithError(reset);
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("offers no redirect and no cancel: TOP's delivery cut has neither", () => {
    expect(capabilitiesOf(mock.adapter)).toEqual({
      actions: ["intercept"],
      cancel: false,
      outcome: "push",
      feeQuote: false,
      pickupCancel: false,
    });
    expect(mock.adapter).not.toHaveProperty("redirect");
    expect(mock.adapter).not.toHaveProperty("cancel");
  });
});

describe("Cainiao mapping", () => {
  it("builds the delivery cut with our reference as outer_order_id", () => {
    expect(buildDeliveryCut(command, "YTO", new Date("2024-01-01T19:04:05Z"))).toEqual(
      JSON.parse(fixture("delivery-cut-request.json")),
    );
    expect(reasonOf({ ...command, reason: "address_error", note: "  " })).toBe("收货地址错误");
  });

  it("names reply roots as TOP does", () => {
    expect(responseRootOf("taobao.logistics.erp.delivery.cut")).toBe(
      "logistics_erp_delivery_cut_response",
    );
    expect(responseRootOf("taobao.logistics.express.delivery.cut.notify")).toBe(
      "logistics_express_delivery_cut_notify_response",
    );
  });

  it("reads simplified (bare array) lists, an empty trace as not_collected, a missing entry as unknown_parcel", () => {
    const simplified = {
      result: [
        {
          out_sid: "YT1",
          trace_list: [{ status_time: "2025-03-02 15:30:00", action: "SIGN" }],
        },
        { out_sid: "YT2" },
      ],
    };
    expect(parseTraceReply("YT1", simplified)).toMatchObject({
      ok: true,
      value: { state: "delivered" },
    });
    expect(parseTraceReply("YT2", simplified)).toEqual({
      ok: true,
      value: { trackingNumber: "YT2", state: "not_collected", events: [] },
    });
    expectCarrierError(parseTraceReply("YT3", simplified), "unknown_parcel", false);
    expectCarrierError(parseTraceReply("YT1", { result: "nope" }), "bad_response", false);
  });

  it("maps 401/403 to auth_failed and other non-2xx to bad_response", () => {
    const method = "taobao.logistics.trace.get";
    expectCarrierError(
      unwrapTopReply({ status: 403, headers: {}, body: "" }, method),
      "auth_failed",
      false,
    );
    expectCarrierError(
      unwrapTopReply({ status: 404, headers: {}, body: "" }, method),
      "bad_response",
      false,
    );
  });

  it("refuses a push for another method, its name in the diagnostic only", () => {
    const result = parseCutNotify({ method: "taobao.<script>.notify" });
    expectCarrierError(result, "bad_response", false);
    expect(result.ok ? null : result.error, show(result)).toMatchObject({
      message: "TOP push for an unexpected method",
      diagnostic: "method taobao.<script>.notify",
    });
  });
});

describe("Cainiao result notification (push)", () => {
  const adapter = createCainiaoAdapter(settings, { dispatcher: new MockAgent() });
  const url = "http://127.0.0.1/v1/carriers/cainiao/callbacks";
  const genuine: Record<string, string> = JSON.parse(fixture("cut-notify-success.push.json"));
  // The fixture is stamped 2025-03-02 15:30:00 (GMT+8): received at that moment by default.
  const stampedAt = new Date("2025-03-02T07:30:00.000Z");
  const received = (body: string, receivedAt = stampedAt) => ({
    url,
    headers: {},
    body,
    receivedAt,
  });

  afterAll(async () => {
    await adapter.close();
  });

  /** Re-signs a notification with `status` and an optional message, as TOP would. */
  function notify(status: string, message?: string, signMethod: "md5" | "hmac" = "md5"): string {
    const { sign: _sign, ...params } = genuine;
    const body = JSON.parse(params.notify_cut_off_delivery_process_status_request ?? "{}");
    params.notify_cut_off_delivery_process_status_request = JSON.stringify({
      ...body,
      intercept_status: status,
      ...(message === undefined ? {} : { intercept_status_message: message }),
    });
    params.sign_method = signMethod;
    params.sign = topSign(params, settings.appSecret, signMethod);
    return new URLSearchParams(params).toString();
  }

  it("reads a signed success as one report and answers in TOP's reply shape", () => {
    const parsed = adapter.parseCallback(received(new URLSearchParams(genuine).toString()));
    expect(parsed, show(parsed)).toEqual({
      ok: true,
      value: {
        reports: [
          {
            eventId: "YT7500000000001:icp_01JTEST0000000000000000001:1",
            reference: "icp_01JTEST0000000000000000001",
            trackingNumber: "YT7500000000001",
            at: "2025-03-02T07:30:00.000Z",
            outcome: "succeeded",
            parcelState: "returned",
            detail: "拦截成功",
            fee: null,
          },
        ],
        reply: {
          status: 200,
          contentType: "application/json;charset=utf-8",
          body: '{"logistics_express_delivery_cut_notify_response":{"suc":true,"retry":false}}',
        },
      },
    });
  });

  it("reads status 2 as failed (delivered) and 3 as cancelled", () => {
    const failed = adapter.parseCallback(received(notify("2", "已派送签收")));
    // TOP's reason is free text: the merchant sees only our label, the log gets the reason.
    expect(failed.ok && failed.value.reports[0], show(failed)).toMatchObject({
      outcome: "failed",
      parcelState: "delivered",
      detail: "拦截失败",
      diagnostic: "已派送签收",
    });
    const cancelled = adapter.parseCallback(received(notify("3", "")));
    expect(cancelled.ok && cancelled.value.reports[0], show(cancelled)).toMatchObject({
      eventId: "YT7500000000001:icp_01JTEST0000000000000000001:3",
      outcome: "cancelled",
      parcelState: "in_transit",
    });
  });

  it("refuses a tampered, unsigned, wrongly signed or foreign-app notification", () => {
    const tampered = { ...genuine, timestamp: "2025-03-02 15:31:00" };
    const { sign: _sign, ...unsigned } = genuine;
    const wrongSecret = { ...unsigned, sign: topSign(unsigned, "OTHER_SECRET") };
    const foreign: Record<string, string> = { ...unsigned, app_key: "OTHER_APP" };
    foreign.sign = topSign(foreign, settings.appSecret);
    for (const params of [tampered, unsigned, wrongSecret, foreign]) {
      expectCarrierError(
        adapter.parseCallback(received(new URLSearchParams(params).toString())),
        "auth_failed",
        false,
      );
    }
  });

  it("refuses a push signed with a method the caller chose (hmac), though the sign is right", () => {
    const hmacSigned = notify("1", undefined, "hmac");
    expect(
      verifyTopSign(
        Object.fromEntries(new URLSearchParams(hmacSigned)),
        settings.appSecret,
        "hmac",
      ),
    ).toBe(true);
    expectCarrierError(adapter.parseCallback(received(hmacSigned)), "auth_failed", false);
  });

  it("accepts a push stamped within 10 minutes of its arrival, either way", () => {
    const body = new URLSearchParams(genuine).toString();
    for (const offsetMs of [-10 * 60_000, -60_000, 0, 60_000, 10 * 60_000]) {
      const parsed = adapter.parseCallback(
        received(body, new Date(stampedAt.getTime() + offsetMs)),
      );
      expect(parsed.ok, `${offsetMs} ms: ${show(parsed)}`).toBe(true);
    }
  });

  it("refuses a genuinely signed push stamped more than 10 minutes from its arrival", () => {
    const body = new URLSearchParams(genuine).toString();
    for (const offsetMs of [-10 * 60_000 - 1_000, 10 * 60_000 + 1_000, 86_400_000]) {
      const late = adapter.parseCallback(received(body, new Date(stampedAt.getTime() + offsetMs)));
      expectCarrierError(late, "auth_failed", false);
    }
    const { sign: _sign, ...unsigned } = genuine;
    const undated: Record<string, string> = { ...unsigned, timestamp: "yesterday" };
    undated.sign = topSign(undated, settings.appSecret);
    expectCarrierError(
      adapter.parseCallback(received(new URLSearchParams(undated).toString())),
      "auth_failed",
      false,
    );
  });

  it("answers bad_response for a signed notification with an unknown status", () => {
    expectCarrierError(adapter.parseCallback(received(notify("9"))), "bad_response", false);
  });
});
