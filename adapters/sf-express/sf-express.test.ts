/**
 * SF fixture tests: the signature, the outgoing request (asserted through undici's MockAgent,
 * real network disabled) and the parsing of every reply shape the adapter must understand.
 * Also covers the shared HTTP helper's error classification, seen through the SF client.
 */
import { MockAgent } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import type { InterceptCommand, RedirectCommand } from "../../contracts/carrier-adapter.ts";
import {
  callContext,
  expectCarrierError,
  mockReply,
  readFixture,
  type SentRequest,
  show,
  useMockAgentAdapter,
} from "../../contracts/testing.ts";
import { chinaTimeToIso } from "../china-time.ts";
import { classifyTransportError, parseRetryAfter, sendCarrierRequest } from "../http.ts";
import { javaUrlEncode, sfMsgDigest } from "./client.ts";
import { createSfExpressAdapter, type SfExpressSettings } from "./index.ts";
import {
  buildCancel,
  buildIntercept,
  buildRedirect,
  parseRoutePush,
  parseTrackReply,
  payModeOf,
  unwrapSfReply,
} from "./mapping.ts";

const ORIGIN = "https://sfapi-sbox.sf-express.com";
const settings: SfExpressSettings = {
  baseUrl: `${ORIGIN}/std/service`,
  partnerId: "TEST_PARTNER",
  checkWord: "TEST_CHECKWORD",
  monthlyCardNo: "7551234567",
  pushToken: "push-token-0123456789",
};

const fixture = (name: string): string => readFixture(import.meta.url, name);

const command: InterceptCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: "SF1400000000001",
  reason: "buyer_cancelled",
  payment: { payer: "platform", mode: "free_return" },
};

const redirectCommand: RedirectCommand = {
  ...command,
  reason: "address_error",
  payment: { payer: "merchant", mode: "paid_redirect" },
  redirectTo: {
    name: "Li Lei",
    phone: "+86 138 0013 8000",
    country: "CN",
    province: "广东省",
    city: "深圳市",
    district: "南山区",
    line1: "科技园路 1 号",
    line2: "A 栋 1201",
  },
};

describe("msgDigest", () => {
  it("matches the test vector of carrier-wire-formats.md §1.3", () => {
    expect(sfMsgDigest('{"waybillNo":"SF1040275268927"}', "1700000000000", "TEST_CHECKWORD")).toBe(
      "iNPHGSoSIKFwQlxGAfcyvg==",
    );
  });

  it("URL-encodes with Java URLEncoder rules (* kept, ~ escaped, space as +)", () => {
    expect(javaUrlEncode('{"a":"x*y~z 中"}')).toBe("%7B%22a%22%3A%22x*y%7Ez+%E4%B8%AD%22%7D");
    expect(javaUrlEncode("AZaz09.-*_")).toBe("AZaz09.-*_");
  });
});

describe("SF adapter over a MockAgent", () => {
  const mock = useMockAgentAdapter((agent) =>
    createSfExpressAdapter(settings, { dispatcher: agent }),
  );

  const replyOnce = (body: string): SentRequest =>
    mockReply(mock.agent, { origin: ORIGIN, path: "/std/service" }, { body });

  it("builds a signed intercept form and reads a plain success", async () => {
    const sent = replyOnce(fixture("intercept-success.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: command.reference, fee: null },
    });

    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect([...sent.form.keys()].sort()).toEqual(
      ["msgData", "msgDigest", "partnerID", "requestID", "serviceCode", "timestamp"].sort(),
    );
    expect(sent.form.get("partnerID")).toBe("TEST_PARTNER");
    expect(sent.form.get("serviceCode")).toBe("EXP_RECE_WANTED_INTERCEPT");
    expect(sent.form.get("requestID")).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.form.get("timestamp")).toMatch(/^\d{13}$/);
    const msgData = sent.form.get("msgData") ?? "";
    expect(JSON.parse(msgData)).toEqual(JSON.parse(fixture("intercept-request.msgData.json")));
    expect(sent.form.get("msgDigest")).toBe(
      sfMsgDigest(msgData, sent.form.get("timestamp") ?? "", "TEST_CHECKWORD"),
    );
  });

  it("reads the fee variant: SF's cusId becomes the carrier reference, amount the fee", async () => {
    replyOnce(fixture("intercept-fee.reply.json"));
    const result = await mock.adapter.redirect(redirectCommand, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: "SF-CUS-778899", fee: { amount: "18.50", currency: "CNY" } },
    });
  });

  it("reads an unreadable 2xx answer to a write as outcome_unknown, and a 302 or a read as bad_response", async () => {
    const unreadableData = JSON.stringify({
      apiResultCode: "A1000",
      apiErrorMsg: "",
      apiResponseID: "X",
      apiResultData: JSON.stringify({ success: "maybe" }),
    });
    replyOnce("<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
    replyOnce(unreadableData);
    expectCarrierError(
      await mock.adapter.redirect(redirectCommand, callContext()),
      "outcome_unknown",
      false,
    );
    mockReply(mock.agent, { origin: ORIGIN, path: "/std/service" }, { body: "moved", status: 302 });
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "bad_response", false);
    replyOnce("<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.track("SF1400000000001", callContext()),
      "bad_response",
      false,
    );
  });

  it("maps A1006 to auth_failed, not retryable, keeping SF's code", async () => {
    replyOnce(fixture("auth-error.reply.json"));
    const result = await mock.adapter.track("SF1400000000001", callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("A1006");
  });

  it("maps an unknown waybill to unknown_parcel", async () => {
    replyOnce(fixture("unknown-waybill.reply.json"));
    expectCarrierError(
      await mock.adapter.track("SF1400000000009", callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("maps an already-intercepted refusal to already_intercepted", async () => {
    replyOnce(fixture("already-intercepted.reply.json"));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "already_intercepted",
      false,
    );
  });

  it("sends the route query and maps the latest known opCode", async () => {
    const sent = replyOnce(fixture("route-query.reply.json"));
    const result = await mock.adapter.track("SF1400000000001", callContext());
    expect(sent.form.get("serviceCode")).toBe("EXP_RECE_SEARCH_ROUTES");
    expect(JSON.parse(sent.form.get("msgData") ?? "")).toEqual({
      language: "0",
      trackingType: "1",
      trackingNumber: ["SF1400000000001"],
      methodType: "1",
    });
    expect(result.ok, show(result)).toBe(true);
    if (result.ok) {
      // The last route (opCode 99) is not in the legend; the one before it (44) decides.
      expect(result.value.state).toBe("out_for_delivery");
      expect(result.value.events.map((e) => e.carrierCode)).toEqual([
        "50",
        "30",
        "130",
        "44",
        "99",
      ]);
      expect(result.value.events[0]?.at).toBe("2025-03-01T01:12:00.000Z");
      expect(result.value.events[4]?.state).toBe("unknown");
    }
  });

  it("maps an HTTP 503 to unavailable, retryable", async () => {
    mock.agent.get(ORIGIN).intercept({ path: "/std/service", method: "POST" }).reply(503, "busy");
    expectCarrierError(await mock.adapter.track("SF1", callContext()), "unavailable", true);
  });

  it("maps an HTTP 429 to rate_limited with Retry-After", async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/std/service", method: "POST" })
      .reply(429, "slow down", { headers: { "retry-after": "7" } });
    const result = await mock.adapter.track("SF1", callContext());
    expectCarrierError(result, "rate_limited", true);
    expect(result.ok ? null : result.error.retryAfterMs).toBe(7_000);
  });

  it("maps a platform A1005 (HTTP 200) to rate_limited, retryable", async () => {
    replyOnce(
      JSON.stringify({
        apiResultCode: "A1005",
        apiErrorMsg: "",
        apiResponseID: "x",
        apiResultData: "",
      }),
    );
    expectCarrierError(await mock.adapter.track("SF1", callContext()), "rate_limited", true);
  });

  it("maps a non-JSON 200 to bad_response", async () => {
    replyOnce("<html>gateway</html>");
    expectCarrierError(await mock.adapter.track("SF1", callContext()), "bad_response", false);
  });

  it("maps a refused connection to unavailable, retryable even for an intercept", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), {
      code: "ECONNREFUSED",
    });
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/std/service", method: "POST" })
      .replyWithError(refused);
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "unavailable", true);
  });

  it("maps a socket error on an intercept to outcome_unknown, not retryable", async () => {
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    mock.agent
      .get(ORIGIN)
      .intercept({ path: "/std/service", method: "POST" })
      .replyWithError(reset);
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });
});

describe("SF mapping", () => {
  it("chooses payMode per the legend", () => {
    expect(payModeOf({ payer: "platform", mode: "free_return" }, "CARD")).toEqual({
      payMode: "3",
      monthlyCardNo: "CARD",
    });
    expect(payModeOf({ payer: "merchant", mode: "collect_on_delivery" }, "CARD")).toEqual({
      payMode: "2",
    });
    expect(payModeOf({ payer: "platform", mode: "free_redirect" }, "CARD")).toEqual({
      payMode: "3",
      monthlyCardNo: "CARD",
    });
    expect(payModeOf({ payer: "merchant", mode: "paid_redirect" }, "CARD")).toEqual({
      payMode: "1",
    });
  });

  it("builds intercept, redirect and cancel msgData", () => {
    expect(buildIntercept(command, "7551234567")).toEqual(
      JSON.parse(fixture("intercept-request.msgData.json")),
    );
    expect(buildRedirect(redirectCommand, "7551234567")).toEqual({
      waybillNo: "SF1400000000001",
      serviceCode: "1",
      role: "1",
      payMode: "1",
      cusId: command.reference,
      newDestAddress: {
        province: "广东省",
        city: "深圳市",
        county: "南山区",
        address: "科技园路 1 号 A 栋 1201",
        contact: "Li Lei",
        phone: "+86 138 0013 8000",
        countryCode: "CN",
      },
    });
    expect(
      buildCancel({
        reference: command.reference,
        trackingNumber: "SF1400000000001",
        carrierReference: "SF-CUS-778899",
        action: "redirect",
      }),
    ).toEqual({
      waybillNo: "SF1400000000001",
      serviceCode: "1",
      role: "1",
      cancel: true,
      cusId: "SF-CUS-778899",
    });
  });

  it("reads a route list with no routes as not_collected", () => {
    expect(parseTrackReply("SF1", { routeResps: [{ mailNo: "SF1", routes: [] }] })).toEqual({
      ok: true,
      value: { trackingNumber: "SF1", state: "not_collected", events: [] },
    });
  });

  it("tolerates an already-parsed apiResultData object", () => {
    const body = JSON.stringify({
      apiResultCode: "A1000",
      apiErrorMsg: "",
      apiResponseID: "x",
      apiResultData: { success: "true", errorCode: "S0000", errorMsg: null, msgData: null },
    });
    expect(unwrapSfReply({ status: 200, headers: {}, body })).toEqual({ ok: true, value: null });
  });

  it("maps inner S0001 to unavailable, retryable", () => {
    const body = JSON.stringify({
      apiResultCode: "A1000",
      apiErrorMsg: "",
      apiResponseID: "x",
      apiResultData: JSON.stringify({
        success: false,
        errorCode: "S0001",
        errorMsg: "系统异常",
        msgData: null,
      }),
    });
    expectCarrierError(unwrapSfReply({ status: 200, headers: {}, body }), "unavailable", true);
  });

  it("converts SF's China-time timestamps to UTC", () => {
    expect(chinaTimeToIso("2025-03-02 15:30:00")).toBe("2025-03-02T07:30:00.000Z");
  });
});

describe("SF route push", () => {
  const adapter = createSfExpressAdapter(settings, { dispatcher: new MockAgent() });
  const url = `http://127.0.0.1/v1/carriers/sf-express/callbacks?token=${settings.pushToken}`;

  afterAll(async () => {
    await adapter.close();
  });

  it("parses one report per route, deciding only on outcome codes", () => {
    const parsed = adapter.parseCallback({
      url,
      headers: {},
      body: fixture("route-push.json"),
      receivedAt: new Date(),
    });
    expect(parsed, show(parsed)).toEqual({
      ok: true,
      value: {
        reports: [
          {
            eventId: "158000001",
            trackingNumber: "SF1400000000001",
            at: "2025-03-02T02:00:00.000Z",
            outcome: null,
            parcelState: "in_transit",
            detail: "快件在【深圳宝安集散中心】完成分拣,准备发往下一站 · 深圳市",
            fee: null,
          },
          {
            eventId: "158000002",
            trackingNumber: "SF1400000000001",
            at: "2025-03-02T07:30:00.000Z",
            outcome: "succeeded",
            parcelState: "returned",
            detail: "快件已退回 · 深圳市",
            fee: null,
          },
        ],
        reply: {
          status: 200,
          contentType: "application/json;charset=UTF-8",
          body: '{"return_code":"0000","return_msg":"成功"}',
        },
      },
    });
  });

  it("refuses a push with a missing or wrong token", () => {
    for (const bad of [
      url.replace(/\?.*$/, ""),
      url.replace(/token=.*/, "token=push-token-0123456780"),
    ]) {
      expectCarrierError(
        adapter.parseCallback({
          url: bad,
          headers: {},
          body: fixture("route-push.json"),
          receivedAt: new Date(),
        }),
        "auth_failed",
        false,
      );
    }
  });

  it("reads a delivered route as a failed interception", () => {
    const body = JSON.stringify({
      Body: {
        WaybillRoute: [{ mailno: "SF1", acceptTime: "2025-03-02 15:30:00", opCode: "80", id: "9" }],
      },
    });
    const reports = parseRoutePush(body);
    expect(reports.ok && reports.value[0]).toMatchObject({
      outcome: "failed",
      parcelState: "delivered",
    });
  });

  it("answers bad_response for a body that is not a route push", () => {
    expectCarrierError(
      adapter.parseCallback({ url, headers: {}, body: '{"Body":{}}', receivedAt: new Date() }),
      "bad_response",
      false,
    );
  });
});

describe("shared HTTP helper classification", () => {
  it("refuses a reply above maxBodyBytes as bad_response, by length or by streamed size", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: "/big", method: "GET" }).reply(200, "x".repeat(100));
    pool
      .intercept({ path: "/chunked", method: "GET" })
      .reply(200, "y".repeat(100), { headers: { "content-length": "" } });
    for (const path of ["/big", "/chunked"]) {
      const result = await sendCarrierRequest("sf-express", {
        dispatcher: agent,
        url: `${ORIGIN}${path}`,
        method: "GET",
        headers: {},
        signal: callContext().signal,
        idempotent: true,
        maxBodyBytes: 10,
      });
      expectCarrierError(result, "bad_response", false);
    }
    agent.assertNoPendingInterceptors();
    await agent.close();
  });

  it("classifies connect failures as unavailable and post-send failures by idempotency", () => {
    const c = (code: string, idempotent: boolean, aborted = false) =>
      classifyTransportError("sf-express", Object.assign(new Error(code), { code }), {
        idempotent,
        aborted,
      });
    expect(c("UND_ERR_CONNECT_TIMEOUT", false)).toMatchObject({
      code: "unavailable",
      retryable: true,
    });
    expect(c("ECONNREFUSED", false)).toMatchObject({ code: "unavailable", retryable: true });
    expect(c("UND_ERR_HEADERS_TIMEOUT", true)).toMatchObject({
      code: "outcome_unknown",
      retryable: true,
    });
    expect(c("UND_ERR_BODY_TIMEOUT", false)).toMatchObject({
      code: "outcome_unknown",
      retryable: false,
    });
    expect(c("ECONNRESET", false)).toMatchObject({ code: "outcome_unknown", retryable: false });
    expect(c("UND_ERR_RES_EXCEEDED_MAX_SIZE", true)).toMatchObject({
      code: "bad_response",
      retryable: false,
    });
    // An abort by the caller's signal is never "unavailable", whatever error undici raised.
    expect(c("ECONNREFUSED", false, true)).toMatchObject({
      code: "outcome_unknown",
      retryable: false,
    });
  });

  it("keeps the transport error's address out of the message, in the diagnostic", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4010"), {
      code: "ECONNREFUSED",
    });
    const error = classifyTransportError("sf-express", refused, {
      idempotent: true,
      aborted: false,
    });
    expect(error.message).not.toMatch(/127\.0\.0\.1|4010|ECONNREFUSED/);
    expect(error.diagnostic).toBe("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:4010");
  });

  it("reads Retry-After as seconds or an HTTP-date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
