import { afterEach, describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/rate-limiter.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

describe("token bucket", () => {
  it("allows a burst, refuses the next, and refills at the sustained rate", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3].map(() => limiter.take("a").retryAfterMs)).toEqual([0, 0, 0]);
    const refused = limiter.take("a");
    expect(refused.retryAfterMs).toBeCloseTo(500, 5);
    now += 500;
    expect(limiter.take("a").retryAfterMs).toBe(0);
    expect(limiter.take("a").retryAfterMs).toBeGreaterThan(0);
    // Another key has its own bucket.
    expect(limiter.take("b").retryAfterMs).toBe(0);
  });
});

describe("token bucket, several tokens at once", () => {
  it("takes all or none, waits for the whole count, and takes back what was not used", () => {
    let now = 0;
    const limiter = new RateLimiter({ burst: 3, perSecond: 1 }, () => now);
    expect(limiter.take("a", 2)).toEqual({ remaining: 1, retryAfterMs: 0 });
    // One token is there, two are asked: nothing is taken, the wait is for the missing one.
    expect(limiter.take("a", 2)).toEqual({ remaining: 0, retryAfterMs: 1000 });
    limiter.giveBack("a", 1);
    expect(limiter.take("a", 2)).toEqual({ remaining: 0, retryAfterMs: 0 });
    // Given back beyond the burst, a bucket holds the burst only.
    limiter.giveBack("a", 10);
    now += 10_000;
    expect(limiter.take("a", 3).retryAfterMs).toBe(0);
    expect(limiter.take("a").retryAfterMs).toBe(1000);
  });
});

describe("429 per API key", () => {
  let gateway: TestGateway | null = null;
  afterEach(async () => {
    await gateway?.close();
  });

  it("limits one merchant's key without slowing another, whatever X-Forwarded-For says", async () => {
    gateway = await createTestGateway(new FakeCarrier().adapter, {
      RATE_LIMIT_BURST: "3",
      RATE_LIMIT_PER_SECOND: "0.01",
    });
    const target = gateway;
    const statuses: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      const response = await target.call(target.merchantA, "GET", "/v1/carriers", {
        headers: { "x-forwarded-for": `10.0.0.${index}` },
      });
      statuses.push(response.status);
      if (response.status === 429) {
        const body = await json(response);
        expect(body.body.code).toBe("rate_limited");
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await target.call(target.merchantB, "GET", "/v1/carriers")).status).toBe(200);
  });
});

describe("one charge per request", () => {
  let gateway: TestGateway | null = null;
  afterEach(async () => {
    await gateway?.close();
  });

  it("takes exactly one token for each request, on every limited route", async () => {
    const burst = 12;
    gateway = await createTestGateway(new FakeCarrier().adapter, {
      RATE_LIMIT_BURST: String(burst),
      RATE_LIMIT_PER_SECOND: "0.01",
    });
    const target = gateway;
    const requests: Array<() => Response | Promise<Response>> = [
      () => target.call(target.merchantA, "GET", "/v1/interceptions"),
      () => target.call(target.merchantA, "GET", "/v1/interceptions/icp_unknown"),
      () => target.call(target.merchantA, "POST", "/v1/interceptions/icp_unknown/cancel"),
      () => target.call(target.merchantA, "POST", "/v1/eligibility", { body: interceptBody() }),
      () => target.call(target.merchantA, "GET", "/v1/carriers"),
      () => target.intercept(target.merchantA, "one-charge", interceptBody()),
    ];
    const remaining: string[] = [];
    for (const send of [...requests, ...requests]) {
      const response = await send();
      expect(response.status, await response.text()).not.toBe(429);
      remaining.push(response.headers.get("ratelimit-remaining") ?? "missing");
    }
    // N requests, N tokens: the bucket counts down by one each time and is empty after the last.
    expect(remaining).toEqual(
      Array.from({ length: burst }, (_, index) => String(burst - 1 - index)),
    );
    const refused = await target.call(target.merchantA, "GET", "/v1/carriers");
    expect(refused.status).toBe(429);
  });
});
