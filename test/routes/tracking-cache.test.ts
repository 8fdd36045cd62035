import { afterEach, describe, expect, it } from "vitest";
import type { TrackResult } from "../../contracts/carrier-adapter.ts";
import { TrackingCache } from "../../src/services/tracking.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";
import { makeJobsDue } from "../support/jobs.ts";

let gateway: TestGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

/**
 * A gateway on a clock the test moves. It starts at the real time and only moves forward: the
 * carrier calls' deadlines are still compared with the real clock.
 */
async function start(carrier: FakeCarrier, env: Record<string, string> = {}) {
  const clock = { at: Date.now() };
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter, env, { now: () => new Date(clock.at) });
  return { target: gateway, clock };
}

function checkEligibility(target: TestGateway, body = interceptBody()) {
  return target.call(target.merchantA, "POST", "/v1/eligibility", { body });
}

describe("tracking cache", () => {
  it("an eligibility check then the intercept of the same parcel track it once", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    const eligibility = await json(await checkEligibility(target));
    expect(eligibility.body, eligibility.text).toMatchObject({ eligible: true });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body, created.text).toMatchObject({
      status: "submitted",
      parcelState: "in_transit",
    });
    expect(carrier.calls.map((call) => call.operation)).toEqual(["track", "intercept"]);
  });

  it("asks the carrier again once TRACKING_CACHE_MS has passed, and sees the parcel move", async () => {
    const carrier = new FakeCarrier();
    const { target, clock } = await start(carrier, { TRACKING_CACHE_MS: "30000" });
    await checkEligibility(target);
    carrier.states.set("SF1400000000001", "delivered");

    clock.at += 29_999;
    const cached = await json(await checkEligibility(target));
    expect(cached.body, cached.text).toMatchObject({ eligible: true, parcelState: "in_transit" });
    expect(carrier.callsOf("track")).toHaveLength(1);

    clock.at += 1;
    const fresh = await json(await checkEligibility(target));
    expect(fresh.body, fresh.text).toMatchObject({ eligible: false, parcelState: "delivered" });
    expect(carrier.callsOf("track")).toHaveLength(2);
  });

  it("never keeps 'not collected': the parcel may be scanned in before the intercept", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    carrier.states.set("SF1400000000001", "not_collected");
    const eligibility = await json(await checkEligibility(target));
    expect(eligibility.body, eligibility.text).toMatchObject({ parcelState: "not_collected" });
    carrier.states.set("SF1400000000001", "in_transit");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body, created.text).toMatchObject({
      status: "submitted",
      parcelState: "in_transit",
    });
    expect(carrier.calls.map((call) => call.operation)).toEqual(["track", "track", "intercept"]);
  });

  it("keeps nothing with TRACKING_CACHE_MS=0", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier, { TRACKING_CACHE_MS: "0" });
    await checkEligibility(target);
    await target.intercept(target.merchantA, "k1", interceptBody());
    expect(carrier.calls.map((call) => call.operation)).toEqual(["track", "track", "intercept"]);
  });

  it("shares no answer between parcels or between merchants", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    carrier.states.set("SF1400000000002", "delivered");
    await checkEligibility(target);
    const other = await json(
      await checkEligibility(target, interceptBody({ trackingNumber: "SF1400000000002" })),
    );
    expect(other.body, other.text).toMatchObject({ parcelState: "delivered" });
    // Merchant B asks the carrier itself: A's requests neither answer nor speed up B's.
    const asB = await json(
      await target.call(target.merchantB, "POST", "/v1/eligibility", { body: interceptBody() }),
    );
    expect(asB.status, asB.text).toBe(200);
    expect(carrier.callsOf("track").map((call) => call.trackingNumber)).toEqual([
      "SF1400000000001",
      "SF1400000000002",
      "SF1400000000001",
    ]);
  });

  it("does not keep a parcel the carrier does not know yet, nor a failed tracking call", async () => {
    const carrier = new FakeCarrier();
    const { target } = await start(carrier);
    carrier.states.delete("SF1400000000001");
    const unknown = await json(await checkEligibility(target));
    expect(unknown.body.reasons, unknown.text).toEqual([
      expect.objectContaining({ code: "unknown_parcel" }),
    ]);
    // The waybill is registered a moment later; then tracking is out of reach once.
    carrier.states.set("SF1400000000001", "in_transit");
    carrier.scriptedErrors.track.push("auth_failed");
    const failed = await json(await checkEligibility(target));
    expect(failed.body, failed.text).toMatchObject({ parcelState: "unknown" });

    const known = await json(await checkEligibility(target));
    expect(known.body, known.text).toMatchObject({ eligible: true, parcelState: "in_transit" });
    expect(carrier.callsOf("track")).toHaveLength(3);
  });

  it("the worker's tracking check of a pushed outcome asks the carrier, even within the window", async () => {
    const carrier = new FakeCarrier();
    const { target, clock } = await start(carrier, {
      TRACKING_CACHE_MS: "300000",
      POLL_PUSH_FALLBACK_DELAY_MS: "1000",
    });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("submitted");
    carrier.states.set("SF1400000000001", "returned");

    clock.at += 1_000;
    // PostgreSQL's job queue goes by the database's clock, not this one: the job is due there too.
    await makeJobsDue(target.store);
    await target.worker.runOnce();
    const after = await json(
      await target.call(target.merchantA, "GET", `/v1/interceptions/${String(created.body.id)}`),
    );
    expect(after.body, after.text).toMatchObject({ status: "succeeded", parcelState: "returned" });
    expect(carrier.callsOf("track")).toHaveLength(2);
  });
});

describe("TrackingCache", () => {
  const tracking = (trackingNumber: string): TrackResult => ({
    trackingNumber,
    state: "in_transit",
    events: [],
  });

  it("keeps at most 10 000 answers, forgetting the oldest first", () => {
    const cache = new TrackingCache(60_000, () => new Date(0));
    for (let index = 0; index <= 10_000; index += 1) {
      cache.remember("mer_a", "sf-express", `SF${index}`, tracking(`SF${index}`));
    }
    expect(cache.fresh("mer_a", "sf-express", "SF0")).toBeNull();
    expect(cache.fresh("mer_a", "sf-express", "SF1")).toEqual(tracking("SF1"));
    expect(cache.fresh("mer_a", "sf-express", "SF10000")).toEqual(tracking("SF10000"));
  });

  it("lets expired answers go as new ones come, so it holds one window's worth", () => {
    const clock = { at: 0 };
    const cache = new TrackingCache(30_000, () => new Date(clock.at));
    // 50 parcels a second, each tracked once, for 5 minutes.
    for (let second = 0; second < 300; second += 1) {
      clock.at = second * 1_000;
      for (let index = 0; index < 50; index += 1) {
        cache.remember("mer_a", "sf-express", `SF${second}-${index}`, tracking("SF"));
      }
    }
    expect(cache.freshCount()).toBe(30 * 50);
    expect(cache.fresh("mer_a", "sf-express", "SF270-0")).toEqual(tracking("SF"));
    expect(cache.fresh("mer_a", "sf-express", "SF269-49")).toBeNull();
    // Traffic stops: the count says what is still fresh, not what the last window left.
    clock.at += 30_000;
    expect(cache.freshCount()).toBe(0);
  });

  it("keys by carrier too", () => {
    const cache = new TrackingCache(60_000, () => new Date(0));
    cache.remember("mer_a", "sf-express", "X1", tracking("X1"));
    expect(cache.fresh("mer_a", "jd", "X1")).toBeNull();
  });
});
