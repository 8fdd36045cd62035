/**
 * UPS fixture tests: the OAuth token handling, the outgoing requests (asserted through undici's
 * MockAgent, real network disabled) and the parsing of every reply shape the adapter must
 * understand, plus Track Alert push authentication.
 */
import { MockAgent } from "undici";
import { describe, expect, it } from "vitest";
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
import { basicAuthorization, createUpsClient, transIdOf } from "./client.ts";
import { createUpsAdapter, type UpsSettings } from "./index.ts";
import { reasonForReturnOf, toUpsPhone } from "./mapping.ts";
import { decideOutcome, parseTrackReply, upsTimeToIso } from "./track-mapping.ts";

const ORIGIN = "https://wwwcie.ups.com";
const TN = "1ZA2F8810719086435";
const DI = "/api/deliveryintercept/v2";
const settings: UpsSettings = {
  baseUrl: ORIGIN,
  clientId: "TEST_CLIENT_ID",
  clientSecret: "TEST_CLIENT_SECRET",
  requester: { name: "Test Shipper", telephone: "+14105550100" },
};
const pushSettings: UpsSettings = { ...settings, trackAlertToken: "track-alert-token-0123" };

const fixture = (name: string): string => readFixture(import.meta.url, name);

/** Case-insensitive header lookup (undici hands interceptors the names as sent). */
function header(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

const command: InterceptCommand = {
  reference: "icp_01JTEST0000000000000000001",
  trackingNumber: TN,
  reason: "buyer_cancelled",
  payment: { payer: "platform", mode: "free_return" },
};

const redirectCommand: RedirectCommand = {
  ...command,
  reason: "address_error",
  note: "Leave at the back door",
  payment: { payer: "merchant", mode: "paid_redirect" },
  redirectTo: {
    name: "Robert Willams",
    phone: "(988) 622-2523",
    country: "US",
    province: "md",
    city: "BALDWIN",
    line1: "12911 FORK RD",
    line2: "Ste 8",
    postalCode: "21013",
  },
};

describe("transId and Basic auth", () => {
  it("derives a spec-valid transId from the reference, the same on every repeat", () => {
    expect(transIdOf(command.reference)).toBe("00000000000001");
    expect(transIdOf(command.reference, "E")).toBe("E0000000000001");
    expect(transIdOf("ab")).toBe("ab0");
    for (const id of [transIdOf(command.reference), transIdOf("x-y_z.1", "C")]) {
      expect(id).toMatch(/^[a-zA-Z0-9-.]{3,14}$/);
    }
  });

  it("builds client_secret_basic as RFC 7617 does (its test vector)", () => {
    expect(basicAuthorization("Aladdin", "open sesame")).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  });
});

describe("UPS adapter over a MockAgent", () => {
  const mock = useMockAgentAdapter((agent) => createUpsAdapter(settings, { dispatcher: agent }));

  /** Expects one call; returns what it sent. */
  function expectCall(
    method: "GET" | "POST",
    path: string | ((path: string) => boolean),
    status: number,
    body: string,
  ): SentRequest {
    return mockReply(
      mock.agent,
      { origin: ORIGIN, path, method },
      { status, body, contentType: "application/json" },
    );
  }

  function expectToken(): SentRequest {
    return expectCall("POST", "/security/v1/oauth/token", 200, fixture("token.reply.json"));
  }

  const trackPath = (p: string): boolean => p.startsWith(`/api/track/v1/details/${TN}?`);

  it("intercepts: token, eligibility, charges, then the return, with the spec's headers", async () => {
    const token = expectToken();
    const eligibility = expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-eligible.reply.json"),
    );
    const charges = expectCall(
      "POST",
      `${DI}/charges/${TN}`,
      200,
      fixture("charges-rs.reply.json"),
    );
    const submit = expectCall(
      "POST",
      `${DI}/return/${TN}`,
      200,
      fixture("submit-success.reply.json"),
    );

    const result = await mock.adapter.intercept(command, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: "00000000000001", fee: { amount: "21.00", currency: "USD" } },
    });

    expect(header(token.headers, "authorization")).toBe(
      basicAuthorization("TEST_CLIENT_ID", "TEST_CLIENT_SECRET"),
    );
    expect(header(token.headers, "content-type")).toBe("application/x-www-form-urlencoded");
    expect(token.body).toBe("grant_type=client_credentials");

    for (const [seen, transId] of [
      [eligibility, "E0000000000001"],
      [charges, "Q0000000000001"],
      [submit, "00000000000001"],
    ] as const) {
      expect(header(seen.headers, "authorization")).toBe("Bearer TOKEN-1");
      expect(header(seen.headers, "transId")).toBe(transId);
      expect(header(seen.headers, "platformType")).toBe("XOLT");
      expect(header(seen.headers, "inquiryType")).toBe("U");
    }
    expect(JSON.parse(charges.body)).toEqual({
      ratingRequest: [{ trackInfo: { interceptOption: "RS" } }],
    });
    expect(JSON.parse(submit.body)).toEqual(JSON.parse(fixture("return-request.json")));
  });

  it("refuses an intercept UPS finds ineligible, its reason for the log only, before any charge", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-delivered.reply.json"),
    );
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "rejected", false);
    expect(result.ok ? null : result.error, show(result)).toMatchObject({
      message: "UPS: Return to Sender is NOT_ELIGIBLE",
      carrierCode: "9410",
      carrierMessage: "Package has been delivered",
      diagnostic: "UPS warnings: 9410 Package has been delivered",
    });
  });

  it("maps an eligibility saying a change already exists to already_intercepted", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-already-intercepted.reply.json"),
    );
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "already_intercepted",
      false,
    );
  });

  it("maps a System Error inside an HTTP 200 to unavailable, retryable", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-eligible.reply.json"),
    );
    expectCall("POST", `${DI}/charges/${TN}`, 200, fixture("charges-rs.reply.json"));
    expectCall("POST", `${DI}/return/${TN}`, 200, fixture("submit-system-error.reply.json"));
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "unavailable", true);
    expect(result.ok ? null : result.error.carrierCode).toBe("500");
  });

  it("maps 400 / 710 to rejected, not retryable", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      400,
      fixture("input-validation.reply.json"),
    );
    const result = await mock.adapter.intercept(command, callContext());
    expectCarrierError(result, "rejected", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("710");
  });

  it("maps a malformed eligibility reply to bad_response", async () => {
    expectToken();
    expectCall("GET", `${DI}/eligibility/intercept/${TN}`, 200, JSON.stringify({ response: {} }));
    expectCarrierError(await mock.adapter.intercept(command, callContext()), "bad_response", false);
  });

  it("maps an unreadable 200 to the return itself to outcome_unknown: UPS took the call", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-eligible.reply.json"),
    );
    expectCall("POST", `${DI}/charges/${TN}`, 200, fixture("charges-rs.reply.json"));
    expectCall("POST", `${DI}/return/${TN}`, 200, "<html>gateway</html>");
    expectCarrierError(
      await mock.adapter.intercept(command, callContext()),
      "outcome_unknown",
      false,
    );
  });

  it("redirects with the address mapped and the phone normalized", async () => {
    expectToken();
    const submit = expectCall(
      "POST",
      `${DI}/redirect/address/${TN}`,
      200,
      fixture("submit-success.reply.json"),
    );
    const result = await mock.adapter.redirect(redirectCommand, callContext());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: "00000000000001", fee: null },
    });
    expect(JSON.parse(submit.body)).toEqual(JSON.parse(fixture("redirect-request.json")));
  });

  it("refuses a redirect outside the US and Puerto Rico without calling UPS", async () => {
    const result = await mock.adapter.redirect(
      { ...redirectCommand, redirectTo: { ...redirectCommand.redirectTo, country: "CA" } },
      callContext(),
    );
    expectCarrierError(result, "rejected", false);
  });

  it("refuses a non-1Z number without calling UPS", async () => {
    expectCarrierError(
      await mock.adapter.intercept({ ...command, trackingNumber: "SF1" }, callContext()),
      "rejected",
      false,
    );
    expectCarrierError(
      await mock.adapter.track("9400111899223197428490", callContext()),
      "unknown_parcel",
      false,
    );
  });

  it("cancels with the requestType of the earlier intercept", async () => {
    expectToken();
    const submit = expectCall(
      "POST",
      `${DI}/cancel/${TN}`,
      200,
      fixture("submit-success.reply.json"),
    );
    const result = await mock.adapter.cancel(
      {
        reference: command.reference,
        trackingNumber: TN,
        carrierReference: "x",
        action: "redirect",
      },
      callContext(),
    );
    expect(result).toEqual({ ok: true, value: { cancelled: true } });
    expect(header(submit.headers, "transId")).toBe("C0000000000001");
    expect(JSON.parse(submit.body)).toEqual({
      requestType: "AA",
      requesterContactInfo: settings.requester,
      specialInstructions: null,
    });
  });

  it("maps a 200 cancel reply of the wrong shape to outcome_unknown, a 302 to bad_response", async () => {
    const cancelCommand = {
      reference: command.reference,
      trackingNumber: TN,
      carrierReference: "x",
      action: "intercept" as const,
    };
    expectToken();
    expectCall("POST", `${DI}/cancel/${TN}`, 200, JSON.stringify({ success: "yes" }));
    expectCarrierError(
      await mock.adapter.cancel(cancelCommand, callContext()),
      "outcome_unknown",
      false,
    );
    expectCall("POST", `${DI}/cancel/${TN}`, 302, "moved");
    expectCarrierError(
      await mock.adapter.cancel(cancelCommand, callContext()),
      "bad_response",
      false,
    );
  });

  it("tracks: the latest listed status decides, events oldest first, destination country", async () => {
    expectToken();
    const seen = expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const result = await mock.adapter.track(TN, callContext());
    expect(header(seen.headers, "transactionSrc")).toBe("interception-gateway");
    expect(header(seen.headers, "transId")).toMatch(/^[a-f0-9]{14}$/);
    expect(result.ok, show(result)).toBe(true);
    if (result.ok) {
      expect(result.value.state).toBe("out_for_delivery");
      expect(result.value.destinationCountry).toBe("US");
      expect(result.value.events.map((e) => e.carrierCode)).toEqual([
        "M/MP/003",
        "I/DP/005",
        "U/ZZ/154",
        "I/OT/021",
      ]);
      // Local time with its offset when no GMT fields are given; GMT fields otherwise.
      expect(result.value.events[1]?.at).toBe("2025-02-17T14:00:00.000Z");
      expect(result.value.events[2]?.at).toBe("2025-02-19T03:00:00.000Z");
    }
  });

  it("maps a 404 and a 200 without package (TW0001) to unknown_parcel", async () => {
    expectToken();
    expectCall("GET", trackPath, 404, fixture("track-not-found.reply.json"));
    expectCall("GET", trackPath, 200, fixture("track-not-found-warning.reply.json"));
    expectCarrierError(await mock.adapter.track(TN, callContext()), "unknown_parcel", false);
    expectCarrierError(await mock.adapter.track(TN, callContext()), "unknown_parcel", false);
  });

  it("maps refused credentials at the token endpoint to auth_failed, keeping UPS's code", async () => {
    expectCall("POST", "/security/v1/oauth/token", 401, fixture("token-auth-error.reply.json"));
    const result = await mock.adapter.track(TN, callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("250002");
  });

  it("fetches the token once for concurrent calls and reuses it", async () => {
    expectToken();
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const [a, b] = await Promise.all([
      mock.adapter.track(TN, callContext()),
      mock.adapter.track(TN, callContext()),
    ]);
    const c = await mock.adapter.track(TN, callContext());
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, true]);
  });

  it("refreshes the token once on a 401 and repeats the call", async () => {
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    expectCall(
      "POST",
      "/security/v1/oauth/token",
      200,
      fixture("token.reply.json").replace("TOKEN-1", "TOKEN-2"),
    );
    const retried = expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const result = await mock.adapter.track(TN, callContext());
    expect(result.ok, show(result)).toBe(true);
    expect(header(retried.headers, "authorization")).toBe("Bearer TOKEN-2");
  });

  it("gives up after one refresh: a second 401 is auth_failed", async () => {
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    const result = await mock.adapter.track(TN, callContext());
    expectCarrierError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("UJ0001");
  });

  it("maps HTTP 429 to rate_limited and 503 to unavailable, both retryable", async () => {
    expectToken();
    expectCall("GET", trackPath, 429, '{"response":{"errors":[{"code":"9429","message":"x"}]}}');
    expectCall("GET", trackPath, 503, "busy");
    expectCarrierError(await mock.adapter.track(TN, callContext()), "rate_limited", true);
    expectCarrierError(await mock.adapter.track(TN, callContext()), "unavailable", true);
  });

  it("polls the outcome from tracking in poll mode; parseCallback refuses everything", async () => {
    expect(capabilitiesOf(mock.adapter).outcome).toBe("poll");
    expect(typeof mock.adapter.pollOutcome).toBe("function");
    const push = {
      url: "https://gw.example/v1/carriers/ups/callbacks?token=anything",
      headers: { "x-api-key": "TEST_CLIENT_ID" },
      body: fixture("track-alert-delivered.json"),
      receivedAt: new Date(),
    };
    expectCarrierError(mock.adapter.parseCallback(push), "auth_failed", false);
    expectToken();
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const polled = await mock.adapter.pollOutcome?.(
      {
        reference: command.reference,
        trackingNumber: TN,
        carrierReference: "00000000000001",
        action: "intercept",
        submittedAt: "2025-02-18T00:00:00.000Z",
      },
      callContext(),
    );
    expect(polled).toEqual({
      ok: true,
      value: {
        outcome: null,
        parcelState: "out_for_delivery",
        detail: "UPS tracking shows no outcome yet",
        fee: null,
      },
    });
  });
});

describe("Track Alert push (push mode)", () => {
  const adapter = createUpsAdapter(pushSettings, { dispatcher: new MockAgent() });
  const genuine = {
    url: "https://gw.example/v1/carriers/ups/callbacks?token=track-alert-token-0123",
    headers: { "x-api-key": "TEST_CLIENT_ID", "user-agent": "UPSPubSubTrackingService" },
    body: fixture("track-alert-delivered.json"),
    receivedAt: new Date(),
  };

  it("declares push and has no pollOutcome", () => {
    expect(capabilitiesOf(adapter).outcome).toBe("push");
    expect(adapter.pollOutcome).toBeUndefined();
  });

  it("reads a genuine push: x-api-key = client id and the URL token", () => {
    const parsed = adapter.parseCallback(genuine);
    expect(parsed, show(parsed)).toEqual({
      ok: true,
      value: {
        reports: [
          {
            eventId: `${TN}|2025-02-19T19:30:00.000Z|D|FS|9`,
            trackingNumber: TN,
            at: "2025-02-19T19:30:00.000Z",
            outcome: "failed",
            parcelState: "delivered",
            detail: "Delivered · BALDWIN · MD",
            fee: null,
          },
        ],
        reply: { status: 200, contentType: "application/json", body: "{}" },
      },
    });
  });

  it("refuses a push with a wrong token, no token, no key or a wrong key", () => {
    const forged: IncomingCallback[] = [
      { ...genuine, url: genuine.url.replace("track-alert-token-0123", "wrong-token-0000") },
      { ...genuine, url: "https://gw.example/v1/carriers/ups/callbacks" },
      { ...genuine, headers: { "user-agent": "UPSPubSubTrackingService" } },
      { ...genuine, headers: { "X-API-Key": "SOMEONE_ELSE" } },
    ];
    for (const push of forged) {
      expectCarrierError(adapter.parseCallback(push), "auth_failed", false);
    }
  });

  it("answers bad_response for an authenticated push it cannot read", () => {
    expectCarrierError(adapter.parseCallback({ ...genuine, body: "{}" }), "bad_response", false);
  });
});

describe("UPS token cache", () => {
  it("refreshes shortly before expires_in", async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    let now = 1_000_000;
    const client = createUpsClient(settings, agent, () => now);
    const reply = (token: string, expires: string): void => {
      agent
        .get(ORIGIN)
        .intercept({ path: "/security/v1/oauth/token", method: "POST" })
        .reply(
          200,
          fixture("token.reply.json").replace("TOKEN-1", token).replace("14399", expires),
        );
    };
    reply("A", "600");
    reply("B", "600");
    expect(await client.token(callContext().signal)).toEqual({ ok: true, value: "A" });
    // 600 s lifetime, refreshed 60 s early.
    now += 539_000;
    expect(await client.token(callContext().signal)).toEqual({ ok: true, value: "A" });
    now += 2_000;
    expect(await client.token(callContext().signal)).toEqual({ ok: true, value: "B" });
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});

describe("UPS mapping", () => {
  it("maps every reason per the legend", () => {
    expect(
      (
        [
          "buyer_cancelled",
          "merchant_error",
          "address_error",
          "logistics_exception",
          "other",
        ] as const
      ).map(reasonForReturnOf),
    ).toEqual(["AM", "KS", "FA", "KV", "KV"]);
  });

  it("normalizes phones to +digits", () => {
    expect(toUpsPhone("(410) 555-0100")).toBe("+14105550100");
    expect(toUpsPhone("+1 410 555 0100")).toBe("+14105550100");
    expect(toUpsPhone("0086 138 0013 8000")).toBe("+8613800138000");
    expect(toUpsPhone("+86 138 0013 8000 99")).toBe("");
  });

  it("reads UPS times with GMT fields or an offset", () => {
    expect(upsTimeToIso("20250219", "74700")).toBe("2025-02-19T07:47:00.000Z");
    expect(upsTimeToIso("20250219", "153000", "-04.00")).toBe("2025-02-19T19:30:00.000Z");
    expect(upsTimeToIso("", "")).toBe("");
  });

  function trackOf(statuses: { type: string; code?: string; statusCode?: string }[]) {
    const activity = statuses.map((status, index) => ({
      gmtDate: "20250219",
      gmtTime: `1${index}0000`,
      status,
    }));
    const read = parseTrackReply(TN, {
      trackResponse: { shipment: [{ package: [{ trackingNumber: TN, activity }] }] },
    });
    if (!read.ok) {
      throw new Error(show(read));
    }
    return read.value;
  }

  it("decides an intercept from tracking: returned succeeded, delivered failed", () => {
    const returned = trackOf([{ type: "I" }, { type: "X", code: "RS", statusCode: "034" }]);
    expect(decideOutcome("intercept", returned, "2025-02-19T00:00:00Z")).toMatchObject({
      outcome: "succeeded",
      parcelState: "returned",
    });
    const delivered = trackOf([{ type: "I" }, { type: "D", code: "FS", statusCode: "011" }]);
    expect(decideOutcome("intercept", delivered, "2025-02-19T00:00:00Z")).toMatchObject({
      outcome: "failed",
      parcelState: "delivered",
    });
    const returning = trackOf([{ type: "I" }, { type: "X", statusCode: "118" }]);
    expect(decideOutcome("intercept", returning, "2025-02-19T00:00:00Z").outcome).toBe("succeeded");
  });

  it("decides a redirect: address changed succeeded, even once delivered; delivered alone failed", () => {
    const changed = trackOf([{ type: "I" }, { type: "I", statusCode: "028" }]);
    expect(decideOutcome("redirect", changed, "2025-02-19T00:00:00Z")).toMatchObject({
      outcome: "succeeded",
      parcelState: "in_transit",
    });
    const deliveredThere = trackOf([{ type: "I", statusCode: "028" }, { type: "D" }]);
    expect(decideOutcome("redirect", deliveredThere, "2025-02-19T00:00:00Z").outcome).toBe(
      "succeeded",
    );
    const deliveredHere = trackOf([{ type: "I" }, { type: "D" }]);
    expect(decideOutcome("redirect", deliveredHere, "2025-02-19T00:00:00Z").outcome).toBe("failed");
  });

  it("reads a cancelled request as cancelled only after submission", () => {
    const cancelled = trackOf([{ type: "I" }, { type: "X", statusCode: "114" }]);
    expect(decideOutcome("intercept", cancelled, "2025-02-19T00:00:00Z").outcome).toBe("cancelled");
    expect(decideOutcome("intercept", cancelled, "2025-02-20T00:00:00Z").outcome).toBeNull();
  });

  it("maps NA / unlisted statuses to unknown and no activity to not_collected", () => {
    expect(trackOf([{ type: "NA", statusCode: "000" }]).result.state).toBe("unknown");
    expect(trackOf([{ type: "QQ" }]).result.state).toBe("unknown");
    expect(trackOf([]).result.state).toBe("not_collected");
    expect(trackOf([{ type: "M" }, { type: "MV" }]).result.state).toBe("unknown");
  });
});
