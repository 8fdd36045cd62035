/**
 * Bounded trust in carriers, through the routes with a real adapter over undici's MockAgent: a
 * carrier's Retry-After is capped, a merchant sees a plain message for a carrier failure while
 * the log keeps the detail, every carrier attempt (retries too) is counted, and a Cainiao push
 * must be fresh and signed the adapter's way.
 */
import { MockAgent } from "undici";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TOP_SIGN_METHOD, type TopSignMethod, topSign } from "../../adapters/cainiao/client.ts";
import { createCainiaoAdapter } from "../../adapters/cainiao/index.ts";
import { formatChinaTime } from "../../adapters/china-time.ts";
import { createSfExpressAdapter } from "../../adapters/sf-express/index.ts";
import { readFixture } from "../../contracts/testing.ts";
import type { LogFields, Logger } from "../../src/logger.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

const SF_ORIGIN = "https://sfapi-sbox.sf-express.com";
const TOP_ORIGIN = "https://gw.api.tbsandbox.com";
const sfFixture = (name: string) =>
  readFixture(new URL("../../adapters/sf-express/", import.meta.url), name);
const cainiaoFixture = (name: string) =>
  readFixture(new URL("../../adapters/cainiao/", import.meta.url), name);

/** A parcel outside every refused category, so only the carrier decides. */
const parcel = { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" };

/** Collects log lines, so a test can find the detail the merchant does not see. */
function recordingLogger(): Logger & { lines: Array<{ message: string } & LogFields> } {
  const lines: Array<{ message: string } & LogFields> = [];
  const record = (message: string, fields?: LogFields) => {
    lines.push({ message, ...fields });
  };
  return { lines, debug: record, info: record, warn: record, error: record };
}

/** Matches SF calls by their service code: every call is a POST to the same path. */
function sfCall(agent: MockAgent, serviceCode: string) {
  return agent.get(SF_ORIGIN).intercept({
    path: "/std/service",
    method: "POST",
    body: (body) => new URLSearchParams(body).get("serviceCode") === serviceCode,
  });
}

const TRACK = "EXP_RECE_SEARCH_ROUTES";
const INTERCEPT = "EXP_RECE_WANTED_INTERCEPT";

let agent: MockAgent;
let gateway: TestGateway;
let logger: ReturnType<typeof recordingLogger>;

async function startSf(env: Record<string, string> = {}): Promise<void> {
  const adapter = createSfExpressAdapter(
    {
      baseUrl: `${SF_ORIGIN}/std/service`,
      partnerId: "TEST_PARTNER",
      checkWord: "TEST_CHECKWORD",
      monthlyCardNo: "7551234567",
      pushToken: "push-token-0123456789",
    },
    { dispatcher: agent },
  );
  gateway = await createTestGateway(adapter, env, { logger });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  logger = recordingLogger();
});

afterEach(async () => {
  vi.useRealTimers();
  try {
    agent.assertNoPendingInterceptors();
  } finally {
    await gateway.close();
  }
});

describe("Retry-After", () => {
  it("parks a job for at most CARRIER_RETRY_AFTER_CAP_MS (15 min) when the carrier asks for 31 years", async () => {
    // Only Date is faked: the clock stands still while undici's timers stay real.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-21T08:00:00.000Z"));
    await startSf();
    sfCall(agent, TRACK).reply(200, sfFixture("route-query.reply.json"));
    sfCall(agent, INTERCEPT).reply(503, "busy", { headers: { "retry-after": "999999999" } });

    const created = await json(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ parcel })),
    );
    expect(created.status, created.text).toBe(201);
    expect(created.body.status, created.text).toBe("pending");
    const job = await gateway.store.jobs.forInterception(String(created.body.id));
    expect(job?.runAt, JSON.stringify(job)).toBe("2026-11-21T08:15:00.000Z");
  });

  it("follows the configured cap", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-21T08:00:00.000Z"));
    await startSf({ CARRIER_RETRY_AFTER_CAP_MS: "120000" });
    sfCall(agent, TRACK).reply(200, sfFixture("route-query.reply.json"));
    sfCall(agent, INTERCEPT).reply(429, "slow down", { headers: { "retry-after": "999999999" } });

    const created = await json(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ parcel })),
    );
    const job = await gateway.store.jobs.forInterception(String(created.body.id));
    expect(job?.runAt, JSON.stringify(job)).toBe("2026-11-21T08:02:00.000Z");
  });
});

describe("what a merchant sees of a carrier failure", () => {
  /** Reads the interception as its merchant does, and the log lines about it. */
  async function seen(id: string) {
    const resource = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
    );
    const logged = logger.lines.filter((line) => line.interceptionId === id);
    return { resource, logged: JSON.stringify(logged) };
  }

  it("a refused connection: a plain message; host, port and error code only in the log", async () => {
    await startSf({ JOB_MAX_ATTEMPTS: "1" });
    sfCall(agent, TRACK).reply(200, sfFixture("route-query.reply.json"));
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4010"), {
      code: "ECONNREFUSED",
    });
    sfCall(agent, INTERCEPT).replyWithError(refused).times(3);

    const created = await json(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ parcel })),
    );
    const id = String(created.body.id);
    const { resource, logged } = await seen(id);
    expect(resource.body, resource.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_unreachable" },
    });
    expect(resource.text).toContain("could not be reached");
    for (const leak of ["127.0.0.1", "4010", "ECONNREFUSED", "connect "]) {
      expect(resource.text, `merchant sees "${leak}"`).not.toContain(leak);
    }
    // The log keeps it, under the interception and the job that made the call.
    expect(logged).toContain("ECONNREFUSED 127.0.0.1:4010");
    const job = logger.lines.find(
      (line) => line.interceptionId === id && typeof line.diagnostic === "string",
    );
    expect(job?.jobId, logged).toEqual(expect.stringMatching(/\S/));
  });

  it("a 500 with a stack trace in its body: no body excerpt for the merchant, all of it in the log", async () => {
    await startSf({ JOB_MAX_ATTEMPTS: "1" });
    sfCall(agent, TRACK).reply(200, sfFixture("route-query.reply.json"));
    const body =
      "java.lang.IllegalStateException: pool exhausted\n\tat com.sf.api.InterceptService.submit(InterceptService.java:88)\n\tdb-7.sf.internal:5432";
    sfCall(agent, INTERCEPT).reply(500, body);

    const created = await json(
      await gateway.intercept(gateway.merchantA, "k1", interceptBody({ parcel })),
    );
    const id = String(created.body.id);
    const { resource, logged } = await seen(id);
    expect(resource.body, resource.text).toMatchObject({
      status: "failed",
      failure: { code: "outcome_unknown" },
    });
    for (const leak of ["IllegalStateException", "InterceptService", "db-7", "5432", "java"]) {
      expect(resource.text, `merchant sees "${leak}"`).not.toContain(leak);
    }
    expect(logged).toContain("java.lang.IllegalStateException: pool exhausted");
    expect(logged).toContain("db-7.sf.internal:5432");
  });
});

describe("gateway_carrier_calls_total", () => {
  it("counts a 500 that a retry then hid, with its outcome, beside the attempt that succeeded", async () => {
    await startSf();
    sfCall(agent, TRACK).reply(500, "oops");
    sfCall(agent, TRACK).reply(200, sfFixture("route-query.reply.json"));

    const answer = await json(
      await gateway.call(gateway.merchantA, "POST", "/v1/eligibility", {
        body: { ...interceptBody({ parcel }) },
      }),
    );
    expect(answer.status, answer.text).toBe(200);
    const scraped = gateway.metrics.render();
    expect(scraped).toContain(
      'gateway_carrier_calls_total{carrier="sf-express",operation="track",outcome="unavailable"} 1',
    );
    expect(scraped).toContain(
      'gateway_carrier_calls_total{carrier="sf-express",operation="track",outcome="ok"} 1',
    );
  });
});

describe("Cainiao pushes", () => {
  const appSecret = "TEST_APP_SECRET";
  const trackingNumber = "YT7500000000001";
  const now = new Date("2026-11-21T08:00:00.000Z");

  /** A cut.notify push for `reference`, stamped `stampedAt` and signed with `method`. */
  function push(reference: string, stampedAt: Date, method: TopSignMethod = TOP_SIGN_METHOD) {
    const params: Record<string, string> = {
      method: "taobao.logistics.express.delivery.cut.notify",
      app_key: "TEST_APP_KEY",
      timestamp: formatChinaTime(stampedAt),
      format: "json",
      v: "2.0",
      sign_method: method,
      notify_cut_off_delivery_process_status_request: JSON.stringify({
        mail_no: trackingNumber,
        outer_order_id: reference,
        intercept_status: "1",
        tms_cp_code: "YTO",
      }),
    };
    params.sign = topSign(params, appSecret, method);
    return gateway.call(null, "POST", "/v1/carriers/cainiao/callbacks", {
      rawBody: new URLSearchParams(params).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8" },
    });
  }

  async function submittedInterception(): Promise<string> {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    const adapter = createCainiaoAdapter(
      {
        baseUrl: `${TOP_ORIGIN}/router/rest`,
        appKey: "TEST_APP_KEY",
        appSecret,
        session: "TEST_SESSION",
        cpCode: "YTO",
        pushWindowMs: 10 * 60_000,
      },
      { dispatcher: agent },
    );
    gateway = await createTestGateway(adapter, {}, { logger });
    const top = agent.get(TOP_ORIGIN);
    top
      .intercept({ path: "/router/rest", method: "POST" })
      .reply(200, cainiaoFixture("trace.reply.json"));
    top
      .intercept({ path: "/router/rest", method: "POST" })
      .reply(200, cainiaoFixture("delivery-cut-success.reply.json"));
    const created = await json(
      await gateway.intercept(
        gateway.merchantA,
        "k1",
        interceptBody({ carrier: "cainiao", trackingNumber, parcel }),
      ),
    );
    expect(created.body.status, created.text).toBe("submitted");
    return String(created.body.id);
  }

  async function read(id: string) {
    return json(await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`));
  }

  it("accepts a push stamped within 10 minutes of now, either way", async () => {
    const id = await submittedInterception();
    const early = await push(id, new Date(now.getTime() + 9 * 60_000));
    expect(early.status, await early.text()).toBe(200);
    expect((await read(id)).body.status).toBe("succeeded");
  });

  it("refuses a push stamped outside the window with 401, changing nothing", async () => {
    const id = await submittedInterception();
    const before = await read(id);
    for (const stampedAt of [
      new Date(now.getTime() - 11 * 60_000),
      new Date(now.getTime() + 11 * 60_000),
    ]) {
      const answer = await json(await push(id, stampedAt));
      expect(answer.status, answer.text).toBe(401);
      expect(answer.body.code, answer.text).toBe("unauthorized");
    }
    const after = await read(id);
    expect(after.text).toBe(before.text);

    const fresh = await push(id, new Date(now.getTime() - 60_000));
    expect(fresh.status, await fresh.text()).toBe(200);
  });

  it("refuses a push signed with a method the caller chose, though its sign is right", async () => {
    const id = await submittedInterception();
    const before = await read(id);
    const answer = await json(await push(id, now, "hmac"));
    expect(answer.status, answer.text).toBe(401);
    expect((await read(id)).text).toBe(before.text);
  });
});
