/**
 * UPS fixture tests: the OAuth token handling, the outgoing requests (asserted through undici's
 * MockAgent, real network disabled) and the parsing of every reply shape the adapter must
 * understand, plus Track Alert push authentication.
 */
import { readFileSync } from "node:fs";
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  CarrierAdapter,
  CarrierResult,
  IncomingCallback,
  InterceptCommand,
  RedirectCommand,
} from "../../contracts/carrier-adapter.ts";
import { basicAuthorization, createUpsClient, transIdOf } from "./client.ts";
import { createUpsAdapter, type UpsSettings } from "./index.ts";
import {
  decideOutcome,
  parseTrackReply,
  reasonForReturnOf,
  toUpsPhone,
  upsTimeToIso,
} from "./mapping.ts";

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

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

function show(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function ctx(): { signal: AbortSignal } {
  return { signal: AbortSignal.timeout(2_000) };
}

function expectError(result: CarrierResult<unknown>, code: string, retryable: boolean): void {
  expect(result.ok, show(result)).toBe(false);
  if (!result.ok) {
    expect({ code: result.error.code, retryable: result.error.retryable }, show(result)).toEqual({
      code,
      retryable,
    });
  }
}

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

interface Seen {
  headers: Record<string, string>;
  body: string;
}

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
  let agent: MockAgent;
  let adapter: CarrierAdapter;

  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
    adapter = createUpsAdapter(settings, { dispatcher: agent });
  });

  afterEach(async () => {
    agent.assertNoPendingInterceptors();
    // adapter.close() closes the dispatcher it owns: the MockAgent.
    await adapter.close();
  });

  /** Expects one call and records what was sent. */
  function expectCall(
    method: "GET" | "POST",
    path: string | ((path: string) => boolean),
    status: number,
    body: string,
    seen?: Seen,
  ): void {
    let headers: Record<string, string> = {};
    agent
      .get(ORIGIN)
      .intercept({
        path,
        method,
        headers: (h) => {
          headers = h;
          return true;
        },
        body: (raw) => {
          if (seen) {
            seen.headers = headers;
            seen.body = raw;
          }
          return true;
        },
      })
      .reply(status, body, { headers: { "content-type": "application/json" } });
  }

  function expectToken(seen?: Seen): void {
    expectCall("POST", "/security/v1/oauth/token", 200, fixture("token.reply.json"), seen);
  }

  const trackPath = (p: string): boolean => p.startsWith(`/api/track/v1/details/${TN}?`);

  it("intercepts: token, eligibility, charges, then the return, with the spec's headers", async () => {
    const token: Seen = { headers: {}, body: "" };
    const eligibility: Seen = { headers: {}, body: "" };
    const charges: Seen = { headers: {}, body: "" };
    const submit: Seen = { headers: {}, body: "" };
    expectToken(token);
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-eligible.reply.json"),
      eligibility,
    );
    expectCall("POST", `${DI}/charges/${TN}`, 200, fixture("charges-rs.reply.json"), charges);
    expectCall("POST", `${DI}/return/${TN}`, 200, fixture("submit-success.reply.json"), submit);

    const result = await adapter.intercept(command, ctx());
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

  it("refuses an intercept UPS finds ineligible, with UPS's reason, before any charge", async () => {
    expectToken();
    expectCall(
      "GET",
      `${DI}/eligibility/intercept/${TN}`,
      200,
      fixture("eligibility-delivered.reply.json"),
    );
    const result = await adapter.intercept(command, ctx());
    expectError(result, "rejected", false);
    expect(result.ok ? null : result.error).toMatchObject({
      carrierCode: "9410",
      carrierMessage: "Package has been delivered",
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
    expectError(await adapter.intercept(command, ctx()), "already_intercepted", false);
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
    const result = await adapter.intercept(command, ctx());
    expectError(result, "unavailable", true);
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
    const result = await adapter.intercept(command, ctx());
    expectError(result, "rejected", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("710");
  });

  it("maps a malformed eligibility reply to bad_response", async () => {
    expectToken();
    expectCall("GET", `${DI}/eligibility/intercept/${TN}`, 200, JSON.stringify({ response: {} }));
    expectError(await adapter.intercept(command, ctx()), "bad_response", false);
  });

  it("redirects with the address mapped and the phone normalized", async () => {
    const submit: Seen = { headers: {}, body: "" };
    expectToken();
    expectCall(
      "POST",
      `${DI}/redirect/address/${TN}`,
      200,
      fixture("submit-success.reply.json"),
      submit,
    );
    const result = await adapter.redirect(redirectCommand, ctx());
    expect(result, show(result)).toEqual({
      ok: true,
      value: { carrierReference: "00000000000001", fee: null },
    });
    expect(JSON.parse(submit.body)).toEqual(JSON.parse(fixture("redirect-request.json")));
  });

  it("refuses a redirect outside the US and Puerto Rico without calling UPS", async () => {
    const result = await adapter.redirect(
      { ...redirectCommand, redirectTo: { ...redirectCommand.redirectTo, country: "CA" } },
      ctx(),
    );
    expectError(result, "rejected", false);
  });

  it("refuses a non-1Z number without calling UPS", async () => {
    expectError(
      await adapter.intercept({ ...command, trackingNumber: "SF1" }, ctx()),
      "rejected",
      false,
    );
    expectError(await adapter.track("9400111899223197428490", ctx()), "unknown_parcel", false);
  });

  it("cancels with the requestType of the earlier intercept", async () => {
    const submit: Seen = { headers: {}, body: "" };
    expectToken();
    expectCall("POST", `${DI}/cancel/${TN}`, 200, fixture("submit-success.reply.json"), submit);
    const result = await adapter.cancel(
      {
        reference: command.reference,
        trackingNumber: TN,
        carrierReference: "x",
        action: "redirect",
      },
      ctx(),
    );
    expect(result).toEqual({ ok: true, value: { cancelled: true } });
    expect(header(submit.headers, "transId")).toBe("C0000000000001");
    expect(JSON.parse(submit.body)).toEqual({
      requestType: "AA",
      requesterContactInfo: settings.requester,
      specialInstructions: null,
    });
  });

  it("tracks: the latest listed status decides, events oldest first, destination country", async () => {
    const seen: Seen = { headers: {}, body: "" };
    expectToken();
    expectCall("GET", trackPath, 200, fixture("track.reply.json"), seen);
    const result = await adapter.track(TN, ctx());
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
    expectError(await adapter.track(TN, ctx()), "unknown_parcel", false);
    expectError(await adapter.track(TN, ctx()), "unknown_parcel", false);
  });

  it("maps refused credentials at the token endpoint to auth_failed, keeping UPS's code", async () => {
    expectCall("POST", "/security/v1/oauth/token", 401, fixture("token-auth-error.reply.json"));
    const result = await adapter.track(TN, ctx());
    expectError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("250002");
  });

  it("fetches the token once for concurrent calls and reuses it", async () => {
    expectToken();
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const [a, b] = await Promise.all([adapter.track(TN, ctx()), adapter.track(TN, ctx())]);
    const c = await adapter.track(TN, ctx());
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, true]);
  });

  it("refreshes the token once on a 401 and repeats the call", async () => {
    const retried: Seen = { headers: {}, body: "" };
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    expectCall(
      "POST",
      "/security/v1/oauth/token",
      200,
      fixture("token.reply.json").replace("TOKEN-1", "TOKEN-2"),
    );
    expectCall("GET", trackPath, 200, fixture("track.reply.json"), retried);
    const result = await adapter.track(TN, ctx());
    expect(result.ok, show(result)).toBe(true);
    expect(header(retried.headers, "authorization")).toBe("Bearer TOKEN-2");
  });

  it("gives up after one refresh: a second 401 is auth_failed", async () => {
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    expectToken();
    expectCall("GET", trackPath, 401, fixture("api-auth-error.reply.json"));
    const result = await adapter.track(TN, ctx());
    expectError(result, "auth_failed", false);
    expect(result.ok ? null : result.error.carrierCode).toBe("UJ0001");
  });

  it("maps HTTP 429 to rate_limited and 503 to unavailable, both retryable", async () => {
    expectToken();
    expectCall("GET", trackPath, 429, '{"response":{"errors":[{"code":"9429","message":"x"}]}}');
    expectCall("GET", trackPath, 503, "busy");
    expectError(await adapter.track(TN, ctx()), "rate_limited", true);
    expectError(await adapter.track(TN, ctx()), "unavailable", true);
  });

  it("polls the outcome from tracking in poll mode; parseCallback refuses everything", async () => {
    expect(adapter.capabilities.outcome).toBe("poll");
    expect(typeof adapter.pollOutcome).toBe("function");
    const push = {
      url: "https://gw.example/v1/carriers/ups/callbacks?token=anything",
      headers: { "x-api-key": "TEST_CLIENT_ID" },
      body: fixture("track-alert-delivered.json"),
    };
    expectError(adapter.parseCallback(push), "auth_failed", false);
    expectToken();
    expectCall("GET", trackPath, 200, fixture("track.reply.json"));
    const polled = await adapter.pollOutcome?.(
      {
        reference: command.reference,
        trackingNumber: TN,
        carrierReference: "00000000000001",
        action: "intercept",
        submittedAt: "2025-02-18T00:00:00.000Z",
      },
      ctx(),
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
  };

  it("declares push and has no pollOutcome", () => {
    expect(adapter.capabilities.outcome).toBe("push");
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
      expectError(adapter.parseCallback(push), "auth_failed", false);
    }
  });

  it("answers bad_response for an authenticated push it cannot read", () => {
    expectError(adapter.parseCallback({ ...genuine, body: "{}" }), "bad_response", false);
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
    expect(await client.token(ctx().signal)).toEqual({ ok: true, value: "A" });
    // 600 s lifetime, refreshed 60 s early.
    now += 539_000;
    expect(await client.token(ctx().signal)).toEqual({ ok: true, value: "A" });
    now += 2_000;
    expect(await client.token(ctx().signal)).toEqual({ ok: true, value: "B" });
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
