import { afterEach, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  interceptBody,
  json,
  type TestGateway,
  type TestMerchant,
} from "../harness.ts";
import { makeJobsDue } from "../support/jobs.ts";

let gateway: TestGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

/**
 * A gateway with a budget of 3 carrier calls per merchant per minute (one call back every 20 s),
 * on a clock the test moves forward from the real time, and parcels SF…1 to SF…9 in transit.
 */
async function start(carrier: FakeCarrier, env: Record<string, string> = {}) {
  const clock = { at: Date.now() };
  for (let index = 1; index <= 9; index += 1) {
    carrier.states.set(parcel(index), "in_transit");
  }
  gateway = await createTestGateway(
    carrier.adapter,
    { CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: "3", ...env },
    { now: () => new Date(clock.at) },
  );
  return { target: gateway, clock };
}

function parcel(index: number): string {
  return `SF140000000000${index}`;
}

function checkEligibility(target: TestGateway, index: number, merchant?: TestMerchant) {
  return target.call(merchant ?? target.merchantA, "POST", "/v1/eligibility", {
    body: interceptBody({ trackingNumber: parcel(index) }),
  });
}

async function expectBudgetRefusal(response: Response, perMinute = 3): Promise<number> {
  const refused = await json(response);
  expect(refused.status, refused.text).toBe(429);
  expect(refused.body.code).toBe("rate_limited");
  expect(refused.body.detail).toContain(`carrier-call budget (${perMinute} calls per minute)`);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return Number(response.headers.get("retry-after"));
}

describe("carrier-call budget per merchant", () => {
  it("refuses the request past the budget with 429 and Retry-After, calling nothing, until the clock gives room", async () => {
    const carrier = new FakeCarrier();
    // No refill of the HTTP rate limit during the test: its count shows what it charged.
    const { target, clock } = await start(carrier, { RATE_LIMIT_PER_SECOND: "0.01" });
    for (const index of [1, 2, 3]) {
      expect((await checkEligibility(target, index)).status).toBe(200);
    }
    const retryAfter = await expectBudgetRefusal(await checkEligibility(target, 4));
    expect(retryAfter).toBe(20);
    expect(carrier.callsOf("track")).toHaveLength(3);

    // A cached answer costs no carrier call, so it is not refused.
    expect((await checkEligibility(target, 1)).status).toBe(200);
    // The HTTP rate limit counted each of the five requests once, and has room for more; other
    // merchants have their own budget.
    const carriers = await target.call(target.merchantA, "GET", "/v1/carriers");
    expect(carriers.status).toBe(200);
    expect(carriers.headers.get("ratelimit-remaining")).toBe("94");
    expect((await checkEligibility(target, 4, target.merchantB)).status).toBe(200);

    clock.at += 19_000;
    await expectBudgetRefusal(await checkEligibility(target, 4));
    clock.at += 1_000;
    expect((await checkEligibility(target, 4)).status).toBe(200);
    expect(carrier.callsOf("track")).toHaveLength(5);
  });

  it("an intercept takes its tracking and intercept calls together: refused, it stores nothing", async () => {
    const carrier = new FakeCarrier();
    const { target, clock } = await start(carrier);
    expect((await checkEligibility(target, 1)).status).toBe(200);
    // Two calls left: tracking SF…2 and intercepting it.
    const first = await json(
      await target.intercept(target.merchantA, "k2", interceptBody({ trackingNumber: parcel(2) })),
    );
    expect(first.body.status, first.text).toBe("submitted");

    const body = interceptBody({ trackingNumber: parcel(3) });
    const retryAfter = await expectBudgetRefusal(
      await target.intercept(target.merchantA, "k3", body),
    );
    expect(retryAfter).toBe(40);
    expect(carrier.calls.filter((call) => call.trackingNumber === parcel(3))).toEqual([]);
    expect(await target.store.idempotency.has(target.merchantA.id, "k3")).toBe(false);
    const listed = await json(
      await target.call(target.merchantA, "GET", `/v1/interceptions?trackingNumber=${parcel(3)}`),
    );
    expect(listed.body.data, listed.text).toEqual([]);

    // SF…1's tracking is cached: its intercept needs one call only, which 20 s brings back.
    clock.at += 20_000;
    const cached = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: parcel(1) })),
    );
    expect(cached.body.status, cached.text).toBe("submitted");

    clock.at += 40_000;
    const retried = await json(await target.intercept(target.merchantA, "k3", body));
    expect(retried.body.status, retried.text).toBe("submitted");
  });

  it("gives back the call a refused intercept did not make", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    carrier.states.set(parcel(1), "delivered");
    const refused = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: parcel(1) })),
    );
    expect(refused.status, refused.text).toBe(422);
    // One call made, two left.
    expect((await checkEligibility(target, 2)).status).toBe(200);
    expect((await checkEligibility(target, 3)).status).toBe(200);
    await expectBudgetRefusal(await checkEligibility(target, 4));
  });

  it("gives back the intercept call of a duplicate that lost the race for its key", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier, { CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: "4" });
    const releaseTracks = carrier.holdTracks();
    const racing = [1, 2].map(() => target.intercept(target.merchantA, "k1", interceptBody()));
    while (carrier.callsOf("track").length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    releaseTracks();
    const statuses = (await Promise.all(racing)).map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409]);
    // Two tracking calls and one intercept made: one call left.
    expect(carrier.calls.map((call) => call.operation).sort()).toEqual([
      "intercept",
      "track",
      "track",
    ]);
    expect((await checkEligibility(target, 2)).status).toBe(200);
    await expectBudgetRefusal(await checkEligibility(target, 3), 4);
  });

  it("a carrier-side cancel counts one call; refused, it stores nothing", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    const created = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: parcel(1) })),
    );
    expect(created.body.status, created.text).toBe("submitted");
    expect((await checkEligibility(target, 2)).status).toBe(200);

    const path = `/v1/interceptions/${String(created.body.id)}/cancel`;
    await expectBudgetRefusal(await target.call(target.merchantA, "POST", path));
    expect(carrier.callsOf("cancel")).toEqual([]);
    const after = await json(
      await target.call(target.merchantA, "GET", `/v1/interceptions/${String(created.body.id)}`),
    );
    expect(after.body.status, after.text).toBe("submitted");
    expect(after.body.events, after.text).toHaveLength(2);
  });

  it("the worker's calls for accepted interceptions are not refused", async () => {
    const carrier = new FakeCarrier();
    const { target, clock } = await start(carrier);
    // Every attempt of the request fails: the interception is accepted as pending.
    carrier.scriptedErrors.intercept.push("unavailable", "unavailable", "unavailable");
    const created = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: parcel(1) })),
    );
    expect(created.body.status, created.text).toBe("pending");
    expect((await checkEligibility(target, 2)).status).toBe(200);
    await expectBudgetRefusal(await checkEligibility(target, 3));

    clock.at += 1_000;
    // PostgreSQL's job queue goes by the database's clock, not this one: the job is due there too.
    await makeJobsDue(target.store);
    await target.worker.runOnce();
    const after = await json(
      await target.call(target.merchantA, "GET", `/v1/interceptions/${String(created.body.id)}`),
    );
    expect(after.body.status, after.text).toBe("submitted");
    expect(carrier.callsOf("intercept")).toHaveLength(4);
  });
});
