/**
 * Kuaidi100 fixture tests: the three signatures, the outgoing requests (asserted through
 * undici's MockAgent, real network disabled), the parsing of every reply shape the adapter must
 * understand, and the verification of the signed result callback.
 */
import { MockAgent } from "undici";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  capabilitiesOf,
  type IncomingCallback,
  type InterceptCommand,
  type RedirectCommand,
} from "../../contracts/carrier-adapter.ts";
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
import { callbackSign, labelSign, querySign } from "./client.ts";
import { createKuaidi100Adapter, type Kuaidi100Settings } from "./index.ts";
import {
  buildInterceptParam,
  buildRedirectParam,
  interceptPayTypeOf,
  parseTrackReply,
} from "./mapping.ts";

const LABEL_ORIGIN = "https://api.kuaidi100.com";
const QUERY_ORIGIN = "https://poll.kuaidi100.com";
const settings: Kuaidi100Settings = {
  baseUrl: LABEL_ORIGIN,
  queryUrl: QUERY_ORIGIN,
  key: "TEST_KEY",
  secret: "TEST_SECRET",
  customer: "TEST_CUSTOMER",
  salt: "test-salt-0123456789",
  company: "yuantong",
  callbackUrl: "https://gateway.example.com/v1/carriers/kuaidi100/callbacks",
};

const fixture = (name: string): string => readFixture(import.meta.url, name);

const command: InterceptCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: "YT7500000000001",
  reason: "buyer_cancelled",
  payment: { payer: "platform", mode: "free_return" },
};

const redirectCommand: RedirectCommand = {
  ...command,
  reason: "address_error",
  note: "买家改地址",
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

describe("signatures", () => {
  const param =
    '{"kuaidicom":"jtexpress","kuaidinum":"JT12345678","interceptType":"RETURN_SEND_ADDR"}';

  it("signs the label API with the test vector of carrier-wire-formats.md §3.1", () => {
    expect(labelSign(param, "1700000000000", "KEY", "SECRET")).toBe(
      "30C2A889730F27C0E75CCBD835DCC490",
    );
  });

  it("signs callbacks with the test vector of carrier-wire-formats.md §3.4", () => {
    expect(callbackSign(param, "SALT")).toBe("AEE355AD4B93B0B379B34E53B5E29D06");
  });

  it("signs the real-time query as MD5(param + key + customer), uppercase", () => {
    // Computed here from the documented order (QueryTrackReq), not a vendor vector.
    expect(querySign('{"com":"yuantong","num":"YT1234567890123"}', "KEY", "CUSTOMER")).toBe(
      "0DE190824C4CD5F3F5EBDDFB115A250C",
    );
  });
});

describe("Kuaidi100 adapter over a MockAgent", () => {
  const mock = useMockAgentAdapter((agent) =>
    createKuaidi100Adapter(settings, { dispatcher: agent }),
  );

  const label = (body: string): SentRequest =>
    mockReply(mock.agent, { origin: LABEL_ORIGIN, path: "/label/order" }, { body });
  const query = (body: string): SentRequest =>
    mockReply(mock.agent, { origin: QUERY_ORIGIN, path: "/poll/query.do" }, { body });

  it("builds a signed interceptOrder form and reads the success reply", async () => {
    const sent = label(fixture("intercept-success.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: command.reference, fee: null },
    });

    expect(sent.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect([...sent.form.keys()].sort()).toEqual(["key", "method", "param", "sign", "t"]);
    expect(sent.form.get("method")).toBe("interceptOrder");
    expect(sent.form.get("key")).toBe("TEST_KEY");
    expect(sent.form.get("t")).toMatch(/^\d{13}$/);
    const param = sent.form.get("param") ?? "";
    expect(JSON.parse(param)).toEqual(JSON.parse(fixture("intercept-request.param.json")));
    expect(sent.form.get("sign")).toBe(
      labelSign(param, sent.form.get("t") ?? "", "TEST_KEY", "TEST_SECRET"),
    );
    // The secret signs but is never sent.
    expect(sent.form.toString()).not.toContain("TEST_SECRET");
  });

  it("sends a redirect as MODIFY_ADDR with recManInfo", async () => {
    const sent = label(fixture("intercept-success.reply.json"));
    const result = await mock.adapter.redirect(redirectCommand, callContext());
    expect(result.ok, show(result)).toBe(true);
    expect(JSON.parse(sent.form.get("param") ?? "")).toEqual(
      JSON.parse(fixture("redirect-request.param.json")),
    );
  });

  it("sends the real-time query to the poll host and maps the detailed state", async () => {
    const sent = query(fixture("query.reply.json"));
    const result = await mock.adapter.track("YT7500000000001", callContext());
    expect([...sent.form.keys()].sort()).toEqual(["customer", "param", "sign"]);
    expect(sent.form.get("customer")).toBe("TEST_CUSTOMER");
    const param = sent.form.get("param") ?? "";
    expect(JSON.parse(param)).toEqual({
      com: "yuantong",
      num: "YT7500000000001",
      resultv2: "4",
      show: "0",
      order: "desc",
    });
    expect(sent.form.get("sign")).toBe(querySign(param, "TEST_KEY", "TEST_CUSTOMER"));
    expect(result, show(result)).toEqual({
      ok: true,
      value: {
        trackingNumber: "YT7500000000001",
        state: "at_delivery_station",
        events: [
          {
            at: "2025-03-01T01:12:00.000Z",
            carrierCode: "103",
            description: "【上海青浦区公司】已揽收 · 上海",
            state: "in_transit",
          },
          {
            at: "2025-03-01T10:40:00.000Z",
            carrierCode: "1002",
            description: "快件已发往【深圳转运中心】 · 上海",
            state: "in_transit",
          },
          {
            at: "2025-03-01T23:05:00.000Z",
            carrierCode: "1001",
            description: "快件已到达【深圳南山区公司】 · 广东,深圳市",
            state: "at_delivery_station",
          },
        ],
      },
    });
  });

  it("maps a label API signature refusal to auth_failed, keeping Kuaidi100's code", async () => {
    label(fixture("label-auth-error.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("503");
  });

  it("maps a query signature refusal (returnCode 503) to auth_failed", async () => {
    query(fixture("query-auth-error.reply.json"));
    expectCarrierError(
      await mock.adapter.track("YT7500000000001", callContext()),
      "auth_failed",
      false,
    );
  });

  it("maps an unknown number (returnCode 500) to unknown_parcel", async () => {
    query(fixture("query-no-result.reply.json"));
    expectCarrierError(
      await mock.adapter.track("YT7500000000009", callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("maps an intercept of an unknown waybill to unknown_parcel", async () => {
    label(fixture("label-unknown-waybill.reply.json"));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("maps a second interception to already_intercepted", async () => {
    label(fixture("already-intercepted.reply.json"));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "already_intercepted",
      false,
    );
  });

  it("maps a signed-for parcel's refusal to rejected, not retryable", async () => {
    label(fixture("not-interceptable.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "rejected", false);
    expect(result.ok ? null : result.error.carrierMessage).toBe("快件已签收或已退回，不可拦截");
  });

  it("maps 服务器繁忙 (502) to rate_limited and 服务器错误 (501) to unavailable", async () => {
    query(JSON.stringify({ result: false, returnCode: "502", message: "服务器繁忙" }));
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "rate_limited", true);
    label(JSON.stringify({ code: 501, message: "服务器错误", data: null, time: 1 }));
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "unavailable", true);
  });

  it("maps a query needing phone digits (408) to rejected", async () => {
    query(JSON.stringify({ result: false, returnCode: "408", message: "验证码错误" }));
    expectCarrierError(await mock.adapter.track("ZT1", callContext()), "rejected", false);
  });

  it("maps unreadable replies to bad_response, or to outcome_unknown for an intercept", async () => {
    query("<html>gateway</html>");
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "bad_response", false);
    query(JSON.stringify({ message: "ok", status: "200", state: "0" }));
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "bad_response", false);
    label(JSON.stringify({ message: "no code" }));
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("maps an HTTP 503 to unavailable and a reset on an intercept to outcome_unknown", async () => {
    mock.agent
      .get(QUERY_ORIGIN)
      .intercept({ path: "/poll/query.do", method: "POST" })
      .reply(503, "");
    expectCarrierError(await mock.adapter.track("YT1", callContext()), "unavailable", true);
    const reset = Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" });
    mock.agent
      .get(LABEL_ORIGIN)
      .intercept({ path: "/label/order", method: "POST" })
      .replyWithError(reset);
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("offers no cancel (Kuaidi100 has no withdrawal), and the outcome comes by callback", () => {
    expect(capabilitiesOf(mock.adapter)).toEqual({
      actions: ["intercept", "redirect"],
      cancel: false,
      outcome: "push",
      feeQuote: false,
      pickupCancel: false,
    });
    expect(mock.adapter).not.toHaveProperty("cancel");
  });
});

describe("Kuaidi100 adapter with a separate query dispatcher", () => {
  it("sends queries through queryDispatcher and closes both", async () => {
    const labelAgent = new MockAgent();
    const queryAgent = new MockAgent();
    labelAgent.disableNetConnect();
    queryAgent.disableNetConnect();
    queryAgent
      .get(QUERY_ORIGIN)
      .intercept({ path: "/poll/query.do", method: "POST" })
      .reply(200, fixture("query-no-result.reply.json"));
    const closes = [vi.spyOn(labelAgent, "close"), vi.spyOn(queryAgent, "close")];
    const adapter = createKuaidi100Adapter(settings, {
      dispatcher: labelAgent,
      queryDispatcher: queryAgent,
    });
    expectCarrierError(await adapter.track("YT1", callContext()), "unknown_parcel", false);
    queryAgent.assertNoPendingInterceptors();
    await adapter.close();
    expect(closes.map((spy) => spy.mock.calls.length)).toEqual([1, 1]);
  });
});

describe("Kuaidi100 mapping", () => {
  it("chooses interceptPayType per the legend", () => {
    expect(interceptPayTypeOf({ payer: "platform", mode: "free_return" })).toBe("THIRDPARTY");
    expect(interceptPayTypeOf({ payer: "merchant", mode: "collect_on_delivery" })).toBe(
      "CONSIGNEE",
    );
    expect(interceptPayTypeOf({ payer: "platform", mode: "free_redirect" })).toBe("THIRDPARTY");
    expect(interceptPayTypeOf({ payer: "merchant", mode: "paid_redirect" })).toBe("SHIPPER");
    expect(interceptPayTypeOf({ payer: "none", mode: "none" })).toBe("SHIPPER");
  });

  it("builds intercept and redirect params", () => {
    const defaults = {
      company: "yuantong",
      salt: settings.salt,
      callbackUrl: settings.callbackUrl,
    };
    expect(buildInterceptParam(command, defaults)).toEqual(
      JSON.parse(fixture("intercept-request.param.json")),
    );
    expect(buildRedirectParam(redirectCommand, defaults)).toEqual(
      JSON.parse(fixture("redirect-request.param.json")),
    );
  });

  it("reads main state codes and Chinese status labels without resultv2 codes", () => {
    const body = JSON.stringify({
      message: "ok",
      nu: "YT1",
      status: "200",
      state: "3",
      data: [{ time: "2025-03-02 10:00:00", context: "已签收", status: "签收" }],
    });
    const result = parseTrackReply("YT1", { status: 200, headers: {}, body });
    expect(result.ok && result.value.state).toBe("delivered");
    expect(result.ok && result.value.events[0]?.state).toBe("delivered");
  });

  it("falls back to the latest known event, then to unknown", () => {
    const body = (state: string) =>
      JSON.stringify({
        message: "ok",
        status: "200",
        state,
        data: [{ time: "2025-03-02 10:00:00", context: "派件中", status: "派件" }],
      });
    const known = parseTrackReply("YT1", { status: 200, headers: {}, body: body("99") });
    expect(known.ok && known.value.state).toBe("out_for_delivery");
    const none = parseTrackReply("YT1", {
      status: 200,
      headers: {},
      body: JSON.stringify({ message: "ok", status: "200", state: "99", data: [] }),
    });
    expect(none.ok && none.value.state).toBe("unknown");
  });

  it("refuses a reply about another number as bad_response, that number in the diagnostic", () => {
    const body = JSON.stringify({ message: "ok", nu: "YT2", status: "200", state: "0", data: [] });
    const result = parseTrackReply("YT1", { status: 200, headers: {}, body });
    expectCarrierError(result, "bad_response", false);
    expect(result.ok ? null : result.error, show(result)).toMatchObject({
      message: "Kuaidi100 answered for another tracking number",
      diagnostic: "nu YT2, asked for YT1",
    });
  });

  it("converts Kuaidi100's China-time timestamps to UTC", () => {
    expect(chinaTimeToIso("2025-03-02 15:30:00")).toBe("2025-03-02T07:30:00.000Z");
  });
});

describe("Kuaidi100 intercept result callback", () => {
  const adapter = createKuaidi100Adapter(settings, { dispatcher: new MockAgent() });
  const url = "http://127.0.0.1/v1/carriers/kuaidi100/callbacks";
  const param = JSON.stringify(JSON.parse(fixture("intercept-callback.param.json")));

  function push(fields: Record<string, string>): IncomingCallback {
    return {
      url,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      receivedAt: new Date(),
    };
  }

  afterAll(async () => {
    await adapter.close();
  });

  it("verifies the salt signature and reads one decisive report", () => {
    const parsed = adapter.parseCallback(push({ param, sign: callbackSign(param, settings.salt) }));
    expect(parsed, show(parsed)).toEqual({
      ok: true,
      value: {
        reports: [
          {
            eventId: "icp_01JTEST0000000000000000001:YT7500000000001:success",
            reference: "icp_01JTEST0000000000000000001",
            trackingNumber: "YT7500000000001",
            at: "2025-03-02T07:30:00.000Z",
            outcome: "succeeded",
            parcelState: "returned",
            detail: "拦截成功",
            diagnostic: "拦截成功",
            fee: null,
          },
        ],
        reply: {
          status: 200,
          contentType: "application/json;charset=UTF-8",
          body: '{"result":true,"returnCode":"200","message":"成功"}',
        },
      },
    });
  });

  it("reads a failure as failed, and a cancellation as cancelled", () => {
    for (const [status, outcome] of [
      ["failure", "failed"],
      ["cancelled", "cancelled"],
    ] as const) {
      const text = JSON.stringify({ ...JSON.parse(param), status, state: undefined });
      const parsed = adapter.parseCallback(
        push({ param: text, sign: callbackSign(text, settings.salt) }),
      );
      expect(parsed.ok && parsed.value.reports[0], show(parsed)).toMatchObject({
        outcome,
        parcelState: "unknown",
      });
    }
  });

  it("keeps Kuaidi100's own message out of the merchant-visible detail, in the diagnostic", () => {
    const text = JSON.stringify({
      ...JSON.parse(param),
      status: "failure",
      message: "拦截失败：网点系统异常 at 10.2.3.4:8080",
    });
    const parsed = adapter.parseCallback(
      push({ param: text, sign: callbackSign(text, settings.salt) }),
    );
    expect(parsed.ok && parsed.value.reports[0], show(parsed)).toMatchObject({
      outcome: "failed",
      detail: "拦截失败",
      diagnostic: "拦截失败：网点系统异常 at 10.2.3.4:8080",
    });
  });

  it("refuses a wrong signature, a tampered param and a missing signature", () => {
    const sign = callbackSign(param, settings.salt);
    const tampered = param.replace('"success"', '"failure"');
    for (const forged of [
      push({ param, sign: callbackSign(param, "another-salt") }),
      push({ param: tampered, sign }),
      push({ param }),
      { url, headers: {}, body: param, receivedAt: new Date() },
    ]) {
      expectCarrierError(adapter.parseCallback(forged), "auth_failed", false);
    }
  });

  it("answers bad_response for a signed param that is not an intercept result", () => {
    const text = JSON.stringify({ status: "polling", lastResult: {} });
    expectCarrierError(
      adapter.parseCallback(push({ param: text, sign: callbackSign(text, settings.salt) })),
      "bad_response",
      false,
    );
  });
});
