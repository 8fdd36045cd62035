/**
 * The outcome machinery for carriers that differ from SF: polled outcomes, pickup cancels,
 * actions a carrier does not offer, destination countries, and a carrier-cancelled report.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import { silentLogger } from "../../src/logger.ts";
import { checkForMissedPushes } from "../../src/services/missed-pushes.ts";
import type { JobRecord } from "../../src/store/store.ts";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  failNthTransition,
  interceptBody,
  json,
  lastEventDetail,
  type TestGateway,
} from "../harness.ts";
import { makeJobsDue, postponeJobs, setJobAttempts, setJobLeases } from "../support/jobs.ts";

/** Every attempt of one call (the harness allows 2 retries) refused before the carrier saw it. */
const unreachable = ["unavailable", "unavailable", "unavailable"] as const;

let gateway: TestGateway | null = null;
afterEach(async () => {
  await gateway?.close();
  gateway = null;
});

async function start(
  carrier: FakeCarrier,
  env: Record<string, string> = {},
  clock?: ManualClock,
): Promise<TestGateway> {
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter, env, clock ? { now: clock.now } : {});
  return gateway;
}

/** A poll horizon of one minute, on a clock the test moves past it. */
const horizonMs = 60_000;

/** Makes every job due now and runs one worker pass. */
async function runDueJobs(target: TestGateway): Promise<number> {
  await makeJobsDue(target.store);
  return target.worker.runOnce();
}

async function read(target: TestGateway, id: unknown) {
  return json(await target.call(target.merchantA, "GET", `/v1/interceptions/${String(id)}`));
}

describe("a carrier whose outcome must be polled", () => {
  it("schedules a poll with the acceptance and records the polled outcome", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("submitted");
    const job = await target.store.jobs.forInterception(String(created.body.id));
    expect(job?.kind).toBe("poll");
    expect(Date.parse(String(job?.runAt))).toBeGreaterThan(Date.now() + 20_000);

    // Not decided yet: the job is rescheduled, further out.
    expect(await runDueJobs(target)).toBe(1);
    const again = await target.store.jobs.forInterception(String(created.body.id));
    expect(again).toMatchObject({ kind: "poll", attempts: 1 });

    carrier.polls.push({
      outcome: "succeeded",
      parcelState: "returned",
      detail: "returned to sender",
      fee: { amount: "8.00", currency: "CNY" },
    });
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({
      status: "succeeded",
      parcelState: "returned",
      cost: { final: { amount: "8.00", currency: "CNY" } },
    });
    expect(await target.store.jobs.forInterception(String(created.body.id))).toBeNull();
    expect(carrier.callsOf("poll")).toHaveLength(2);
  });

  it("keeps polling after a crash late in a long poll: its attempts count polls, not crashes", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier, { JOB_MAX_ATTEMPTS: "30" });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    // 29 ordinary polls have run; the next one crashes once.
    await setJobAttempts(target.store, 29);
    const pollOutcome = carrier.adapter.pollOutcome?.bind(carrier.adapter);
    let crashes = 1;
    carrier.adapter.pollOutcome = async (query, ctx) => {
      if (crashes > 0) {
        crashes -= 1;
        throw new Error("transient bug");
      }
      return pollOutcome?.(query, ctx) as ReturnType<NonNullable<typeof pollOutcome>>;
    };
    await runDueJobs(target);
    expect((await read(target, id)).body.status).toBe("submitted");
    expect(await target.store.jobs.forInterception(id)).toMatchObject({
      kind: "poll",
      lastError: expect.stringContaining("transient bug"),
    });
  });

  it("still ends a poll that crashes before it can look at its horizon (its carrier is gone)", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier, { JOB_MAX_ATTEMPTS: "30" });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    await setJobAttempts(target.store, 29);
    // The carrier is no longer registered: the run throws before the poll starts.
    const registry = target.services.carriers;
    const get = registry.get.bind(registry);
    registry.get = (carrierId: string) => (carrierId === "sf-express" ? null : get(carrierId));
    await runDueJobs(target);
    registry.get = get;
    // The carrier accepted it: the outcome is unknown, not an internal failure.
    expect((await read(target, id)).body).toMatchObject({
      status: "failed",
      failure: { code: "outcome_unknown" },
    });
  });

  it("fails a poll that crashes past its horizon as outcome_unknown", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const clock = manualClock();
    const target = await start(carrier, { POLL_HORIZON_MS: String(horizonMs) }, clock);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    clock.advance(horizonMs + 1);
    // The poll finds itself past its horizon; recording that fails once, and the run crashes.
    failNthTransition(target.store);
    await runDueJobs(target);
    expect((await read(target, id)).body).toMatchObject({
      status: "failed",
      failure: { code: "outcome_unknown" },
    });
  });

  it("asks about the interception from its acceptance, whatever events came after", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const clock = manualClock();
    const target = await start(carrier, {}, clock);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const accepted = (await read(target, id)).body.events as Array<{ status: string; at: string }>;
    const acceptedAt = accepted.find((event) => event.status === "submitted")?.at;
    clock.advance(20_000);
    // A later event in the same status: the carrier refused to cancel.
    carrier.scriptedErrors.cancel.push("rejected");
    const refused = await json(
      await target.call(target.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(refused.status, refused.text).toBe(409);
    await runDueJobs(target);
    const polls = carrier.callsOf("poll");
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.at(-1)?.submittedAt).toBe(acceptedAt);
  });

  it("records a parcel that moved without an outcome together with the next poll", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const first = await target.store.jobs.forInterception(id);
    carrier.polls.push({
      outcome: null,
      parcelState: "out_for_delivery",
      detail: "out for delivery",
      fee: null,
    });
    await runDueJobs(target);
    const after = await read(target, id);
    expect(after.body, after.text).toMatchObject({
      status: "submitted",
      parcelState: "out_for_delivery",
      successLikelihood: "low",
    });
    // The poll that saw the move was replaced, in the same commit, by the next one.
    const next = await target.store.jobs.forInterception(id);
    expect(next).toMatchObject({ kind: "poll", attempts: 1, leaseUntil: null });
    expect(next?.id).not.toBe(first?.id);
    expect(Date.parse(String(next?.runAt))).toBeGreaterThan(Date.now());
  });

  it("records a polled failure with advice", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    carrier.polls.push({
      outcome: "failed",
      parcelState: "delivered",
      detail: "delivered to the buyer",
      fee: null,
    });
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_failed", advice: expect.stringContaining("refuse delivery") },
    });
  });

  it("keeps polling through carrier errors, then gives up at the horizon as outcome_unknown", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const clock = manualClock();
    const target = await start(carrier, { POLL_HORIZON_MS: String(horizonMs) }, clock);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    clock.advance(horizonMs + 1);
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({
      status: "failed",
      failure: { code: "outcome_unknown", advice: expect.stringContaining("refuse delivery") },
    });
    expect(carrier.callsOf("poll")).toHaveLength(0);
  });

  it("survives a restart: the poll job is in the database, not in memory", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    carrier.scriptedErrors.poll.push("unavailable", "unavailable", "unavailable");
    await runDueJobs(target);
    expect(await target.store.jobs.forInterception(String(created.body.id))).toMatchObject({
      kind: "poll",
      lastError: expect.stringContaining("unavailable"),
    });
  });
});

describe("a carrier that can cancel pickups", () => {
  it("locks a parcel not collected yet and cancels its pickup at the carrier", async () => {
    const carrier = new FakeCarrier({ pickupCancel: true, actions: [] });
    const target = await start(carrier);
    carrier.states.set("ZT1000", "not_collected");
    const locked = await json(
      await target.intercept(target.merchantA, "k2", interceptBody({ trackingNumber: "ZT1000" })),
    );
    expect(locked.body, locked.text).toMatchObject({ status: "locked", cost: { mode: "none" } });
    expect(carrier.callsOf("cancel_pickup")).toHaveLength(1);
    expect((locked.body.events as Array<{ detail: string }>).at(-1)?.detail).toContain(
      "Pickup cancelled",
    );

    const released = await json(
      await target.call(target.merchantA, "POST", `/v1/interceptions/${locked.body.id}/cancel`),
    );
    expect(released.body.status, released.text).toBe("released");
    expect(target.metrics.render()).toContain(
      'gateway_interceptions_total{carrier="sf-express",status="released"} 1',
    );
  });

  it("after a lost reply, a refused repeat does not fail the lock, and the lock is not released meanwhile", async () => {
    const carrier = new FakeCarrier({ pickupCancel: true, actions: [] });
    const target = await start(carrier);
    carrier.states.set("ZT3000", "not_collected");
    carrier.scriptedErrors.cancel_pickup.push("outcome_unknown");
    const locked = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: "ZT3000" })),
    );
    expect(locked.body.status, locked.text).toBe("locked");
    const id = String(locked.body.id);
    expect(await target.store.jobs.forInterception(id)).toMatchObject({
      kind: "cancel_pickup",
      maybeSent: true,
    });
    const release = await json(
      await target.call(target.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(release.status, release.text).toBe(409);
    expect(release.body.detail).toContain("may already have acted");

    carrier.scriptedErrors.cancel_pickup.push("rejected");
    await runDueJobs(target);
    const after = await read(target, id);
    expect(after.body.status, after.text).toBe("locked");
    expect(lastEventDetail(after.body)).toContain("refused a repeated pickup cancel");
    expect(carrier.callsOf("cancel_pickup")).toHaveLength(2);
  });

  it("fails the lock when the carrier collected the parcel first", async () => {
    const carrier = new FakeCarrier({ pickupCancel: true, actions: [] });
    const target = await start(carrier);
    carrier.states.set("ZT2000", "not_collected");
    carrier.scriptedErrors.cancel_pickup.push("rejected");
    const locked = await json(
      await target.intercept(target.merchantA, "k1", interceptBody({ trackingNumber: "ZT2000" })),
    );
    expect(locked.body, locked.text).toMatchObject({
      status: "failed",
      failure: { code: "pickup_cancel_refused" },
    });
  });

  it("refuses a collected parcel with action_not_supported, without an intercept call", async () => {
    const carrier = new FakeCarrier({ pickupCancel: true, actions: [] });
    const target = await start(carrier);
    const refused = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.reasons).toEqual([
      expect.objectContaining({ code: "action_not_supported" }),
    ]);
    expect(carrier.calls.map((call) => call.operation)).toEqual(["track"]);
  });
});

describe("actions and countries", () => {
  it("refuses an action the carrier cannot take at all before any carrier call", async () => {
    const carrier = new FakeCarrier({ actions: ["intercept"] });
    const target = await start(carrier);
    const redirectTo = { name: "A", phone: "123", country: "CN", city: "X", line1: "Y" };
    const refused = await json(
      await target.intercept(
        target.merchantA,
        "k1",
        interceptBody({ action: "redirect", redirectTo }),
      ),
    );
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.code).toBe("action_not_supported");
    expect(carrier.calls).toEqual([]);
    const eligibility = await json(
      await target.call(target.merchantA, "POST", "/v1/eligibility", {
        body: interceptBody({ action: "redirect", redirectTo }),
      }),
    );
    expect(eligibility.status, eligibility.text).toBe(200);
    expect(eligibility.body).toMatchObject({
      eligible: false,
      reasons: [{ code: "action_not_supported" }],
    });
    expect(carrier.calls).toEqual([]);
  });

  it("fails a submit queued before the carrier stopped offering the action, as refused", async () => {
    // As after a restart with ZTO_VIA_KUAIDI100 turned off: the job outlives the operation.
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("pending");
    const attempts = carrier.callsOf("intercept").length;
    delete carrier.adapter.intercept;
    await runDueJobs(target);
    const after = await read(target, String(created.body.id));
    expect(after.body, after.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_rejected", message: "SF Express (fake) offers no interception." },
    });
    expect(carrier.callsOf("intercept")).toHaveLength(attempts);
  });

  it("refuses a destination outside the carrier's countries as not_eligible", async () => {
    const directory = mkdtempSync(join(tmpdir(), "carrier-config-"));
    const file = join(directory, "carriers.json");
    writeFileSync(file, JSON.stringify({ "sf-express": { rules: { countries: ["US", "PR"] } } }));
    const carrier = new FakeCarrier();
    const target = await start(carrier, { CARRIER_CONFIG_FILE: file });
    carrier.countries.set("SF1400000000001", "CA");
    const refused = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.reasons).toEqual([
      expect.objectContaining({ code: "country_not_supported" }),
    ]);

    // Another parcel: the first one's tracking answer is cached for TRACKING_CACHE_MS.
    carrier.states.set("SF1400000000002", "in_transit");
    carrier.countries.set("SF1400000000002", "PR");
    const accepted = await json(
      await target.intercept(
        target.merchantA,
        "k2",
        interceptBody({ trackingNumber: "SF1400000000002" }),
      ),
    );
    expect(accepted.status, accepted.text).toBe(201);
    rmSync(directory, { recursive: true, force: true });
  });
});

describe("a carrier-cancelled report", () => {
  it("moves the interception to cancelled", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const report: CarrierReport = {
      eventId: "cancel-1",
      trackingNumber: "SF1400000000001",
      at: new Date().toISOString(),
      outcome: "cancelled",
      parcelState: "in_transit",
      detail: "cancelled by the carrier",
      fee: null,
    };
    const pushed = await target.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=fake-token",
      {
        rawBody: JSON.stringify([report]),
      },
    );
    expect(pushed.status).toBe(200);
    const after = await read(target, created.body.id);
    expect(after.body.status, after.text).toBe("cancelled");
  });
});

describe("a submit whose reply was lost", () => {
  it("asks a pollable carrier first and records its outcome instead of sending again", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("pending");
    expect(carrier.callsOf("intercept")).toHaveLength(1);

    carrier.polls.push({
      outcome: "succeeded",
      parcelState: "returned",
      detail: "returned to sender",
      fee: null,
    });
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body.status, after.text).toBe("succeeded");
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("sends again under the same reference when the carrier shows nothing", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body.status, after.text).toBe("submitted");
    const references = carrier.callsOf("intercept").map((call) => call.reference);
    expect(references).toEqual([created.body.id, created.body.id]);
  });

  it("asks a push carrier's tracking first: a returned parcel is decided without a second submit", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("pending");
    const tracksBefore = carrier.callsOf("track").length;

    carrier.states.set("SF1400000000001", "returned");
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({ status: "succeeded", parcelState: "returned" });
    expect(carrier.callsOf("track").length).toBe(tracksBefore + 1);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("sends a push carrier's submit again when its tracking shows nothing decided", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const tracksBefore = carrier.callsOf("track").length;

    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body.status, after.text).toBe("submitted");
    expect(carrier.callsOf("track").length).toBe(tracksBefore + 1);
    const references = carrier.callsOf("intercept").map((call) => call.reference);
    expect(references).toEqual([created.body.id, created.body.id]);
  });
});

describe("a submit that may have reached the carrier, found out otherwise than by its reply", () => {
  it("does not send again while the carrier cannot be asked: the job waits, still maybe-sent", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);

    carrier.scriptedErrors.poll.push("bad_response");
    await runDueJobs(target);
    expect(carrier.callsOf("poll")).toHaveLength(1);
    expect(carrier.callsOf("intercept"), "not sent again").toHaveLength(1);
    const job = await target.store.jobs.forInterception(id);
    expect(job).toMatchObject({ kind: "submit", maybeSent: true, attempts: 2 });
    expect(job?.lastError).toContain("could not ask the carrier");

    // Once the carrier can be asked and shows nothing, the submit goes again.
    await runDueJobs(target);
    expect((await read(target, id)).body.status).toBe("submitted");
    expect(carrier.callsOf("intercept").map((call) => call.reference)).toEqual([id, id]);
  });

  it("asks first after taking over the job of a holder that vanished mid-run", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    // The request's own attempts never reach the carrier, so the job is not maybe-sent...
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    expect((await target.store.jobs.forInterception(id))?.maybeSent).toBe(false);
    // ...then a worker leases it and dies (its lease runs out with nobody giving the job back).
    const past = new Date(Date.now() - 1_000).toISOString();
    await setJobLeases(target.store, past);
    await makeJobsDue(target.store);

    carrier.polls.push({
      outcome: "succeeded",
      parcelState: "returned",
      detail: "returned to sender",
      fee: null,
    });
    await target.worker.runOnce();
    expect((await read(target, id)).body.status).toBe("succeeded");
    expect(carrier.callsOf("intercept"), "decided by asking, not sent again").toHaveLength(3);
  });

  it("asks first after a run that crashed once its request had gone", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);

    // The worker's submit reaches the carrier, then the gateway fails recording the acceptance.
    const store = target.store;
    failNthTransition(store);
    await runDueJobs(target);
    expect(carrier.callsOf("intercept")).toHaveLength(4);
    const job = await store.jobs.forInterception(id);
    expect(job).toMatchObject({ kind: "submit", maybeSent: true });
    expect(job?.lastError).toContain("disk went away");

    carrier.polls.push({
      outcome: "succeeded",
      parcelState: "returned",
      detail: "returned to sender",
      fee: null,
    });
    await runDueJobs(target);
    expect((await read(target, id)).body.status).toBe("succeeded");
    expect(carrier.callsOf("intercept"), "decided by asking, not sent again").toHaveLength(4);
  });
});

describe("a request whose own job run crashes", () => {
  it("answers 500 with the key released even when handing the job over fails too", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const store = target.store;
    // The carrier accepts; recording it fails, and so does giving the job back.
    failNthTransition(store);
    const reschedule = store.jobs.reschedule.bind(store);
    store.jobs.reschedule = async () => {
      throw new Error("disk still gone");
    };
    const failed = await target.intercept(target.merchantA, "k1", interceptBody());
    expect(failed.status).toBe(500);
    store.jobs.reschedule = reschedule;

    // A retry with the same key is answered from the stored interception, not 409.
    const retried = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(retried.status, retried.text).toBe(201);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });
});

describe("a submit whose run crashes on its last attempt", () => {
  it("fails as outcome_unknown: the crash may have come after the request left", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier, { JOB_MAX_ATTEMPTS: "2" });
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const store = target.store;
    failNthTransition(store);
    await runDueJobs(target);
    const after = await read(target, id);
    expect(after.body, after.text).toMatchObject({
      status: "failed",
      failure: { code: "outcome_unknown" },
    });
    // The crash's error and stack are for the log, not for the merchant.
    expect(after.text).not.toContain("disk went away");
    expect(after.text).not.toMatch(/\bat .*\.ts:\d+/);
  });
});

describe("withdrawing a pending interception the carrier may already hold", () => {
  async function cancel(target: TestGateway, id: string) {
    return json(await target.call(target.merchantA, "POST", `/v1/interceptions/${id}/cancel`));
  }

  it("refuses while a lost reply leaves the submit maybe-sent", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const refused = await cancel(target, id);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.code).toBe("invalid_transition");
    expect((await read(target, id)).body.status).toBe("pending");
  });

  it("refuses when the job is marked maybe-sent between the withdrawal's read and its claim", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const job = await target.store.jobs.forInterception(id);
    // A worker holds the job; its reply is lost, and its maybe-sent reschedule is queued for the
    // same commit as the withdrawal's claim.
    const at = new Date();
    const held = await target.store.jobs.claim(
      String(job?.id),
      at.toISOString(),
      new Date(at.getTime() + 30_000).toISOString(),
    );
    expect(held).not.toBeNull();
    const lost = target.store.jobs.reschedule(
      held as JobRecord,
      new Date(at.getTime() + 1_000).toISOString(),
      "outcome_unknown: lost",
      true,
    );
    const refused = await cancel(target, id);
    await lost;
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.detail).toContain("may already have acted");
    expect((await read(target, id)).body.status).toBe("pending");
    expect(await target.store.jobs.forInterception(id)).toMatchObject({
      maybeSent: true,
      leaseUntil: null,
    });
  });

  it("refuses while the job's holder vanished mid-run, and withdraws an untouched one", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push(...unreachable);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const past = new Date(Date.now() - 1_000).toISOString();

    await setJobLeases(target.store, past);
    const refused = await cancel(target, id);
    expect(refused.status, refused.text).toBe(409);
    expect((await read(target, id)).body.status).toBe("pending");

    await setJobLeases(target.store, null);
    const withdrawn = await cancel(target, id);
    expect(withdrawn.status, withdrawn.text).toBe(200);
    expect(withdrawn.body.status).toBe("cancelled");
    expect(carrier.callsOf("intercept")).toHaveLength(3);
  });
});

describe("a carrier's cancel whose reply was lost", () => {
  async function cancel(target: TestGateway, id: string) {
    return json(await target.call(target.merchantA, "POST", `/v1/interceptions/${id}/cancel`));
  }

  /** Runs the cancel job alone: the interception's poll job stays out of the way. */
  async function runCancelJob(target: TestGateway): Promise<void> {
    await makeJobsDue(target.store, "cancel");
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await postponeJobs(target.store, later, { except: "cancel" });
    await target.worker.runOnce();
  }

  it("is not repeated when the polled carrier already shows the interception cancelled", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("outcome_unknown");
    const answer = await cancel(target, id);
    expect(answer.status, answer.text).toBe(202);
    expect(await target.store.jobs.forInterception(id, "cancel")).toMatchObject({
      maybeSent: true,
    });

    carrier.polls.push({
      outcome: "cancelled",
      parcelState: "in_transit",
      detail: "interception cancelled",
      fee: null,
    });
    await runCancelJob(target);
    expect((await read(target, id)).body.status).toBe("cancelled");
    expect(carrier.callsOf("poll")).toHaveLength(1);
    expect(carrier.callsOf("cancel"), "asked, not sent again").toHaveLength(1);
    expect(await target.store.jobs.forInterception(id), "no job left").toBeNull();
  });

  it("waits, sending nothing, while the polled carrier cannot be asked", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("outcome_unknown");
    expect((await cancel(target, id)).status).toBe(202);

    carrier.scriptedErrors.poll.push(...unreachable);
    await runCancelJob(target);
    expect(carrier.callsOf("poll")).toHaveLength(3);
    expect(carrier.callsOf("cancel"), "not sent again").toHaveLength(1);
    expect(await target.store.jobs.forInterception(id, "cancel")).toMatchObject({
      attempts: 2,
      maybeSent: true,
    });
  });

  it("is sent again under the same reference when the carrier shows nothing yet", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("outcome_unknown");
    expect((await cancel(target, id)).status).toBe(202);

    await runCancelJob(target);
    expect(carrier.callsOf("poll"), "asked first").toHaveLength(1);
    expect((await read(target, id)).body.status).toBe("cancelled");
    expect(carrier.callsOf("cancel").map((call) => call.reference)).toEqual([id, id]);
  });

  it("answers 409 with the reason when the request itself gives up", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier, { JOB_MAX_ATTEMPTS: "1" });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push(...unreachable);
    const answer = await cancel(target, id);
    expect(answer.status, answer.text).toBe(409);
    expect(answer.body.detail).toContain("Gave up cancelling at the carrier");
    expect((await read(target, id)).body.status).toBe("submitted");
  });

  it("takes a refused repeat as no answer: the first cancel may have gone through", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("outcome_unknown");
    expect((await cancel(target, id)).status).toBe(202);

    // A push carrier cannot be asked: the cancel goes again, and the carrier refuses it.
    carrier.scriptedErrors.cancel.push("rejected");
    await runDueJobs(target);
    const after = await read(target, id);
    expect(after.body.status, after.text).toBe("submitted");
    expect(lastEventDetail(after.body)).toContain("refused a repeated cancel");
    expect(await target.store.jobs.forInterception(id, "cancel")).toBeNull();
    expect(carrier.callsOf("cancel").map((call) => call.reference)).toEqual([id, id]);
  });

  it("gives up after its attempts with an event, and the interception goes on", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier, { JOB_MAX_ATTEMPTS: "2" });
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push(...Array(6).fill("unavailable"));
    expect((await cancel(target, id)).status).toBe(202);
    await runDueJobs(target);
    const after = await read(target, id);
    expect(after.body.status, after.text).toBe("submitted");
    expect(lastEventDetail(after.body)).toContain("Gave up cancelling at the carrier");
    expect(await target.store.jobs.forInterception(id, "cancel")).toBeNull();
  });
});

describe("a push carrier whose push never arrives", () => {
  it("checks tracking after the fallback delay: a returned parcel means the interception worked", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const job = await target.store.jobs.forInterception(String(created.body.id));
    expect(job?.kind).toBe("poll");
    expect(Date.parse(String(job?.runAt))).toBeGreaterThan(Date.now() + 10 * 60_000);

    await runDueJobs(target);
    expect((await read(target, created.body.id)).body.status).toBe("submitted");

    carrier.states.set("SF1400000000001", "returned");
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({ status: "succeeded", parcelState: "returned" });
    expect((after.body.events as Array<{ detail: string }>).at(-1)?.detail).toContain(
      "no push received",
    );
  });

  it("after a restart, checks tracking within the window, not after the fallback delay", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    // The carrier decided and pushed while the gateway was down: the push is lost.
    carrier.states.set("SF1400000000001", "returned");
    expect(await target.worker.runOnce(), "its check is 15 min away").toBe(0);

    const restartedAt = new Date();
    const moved = await checkForMissedPushes({
      store: target.store,
      carriers: target.services.carriers,
      logger: silentLogger,
      now: () => restartedAt,
      windowMs: target.config.pushRestartWindowMs,
    });
    expect(moved).toBe(1);
    expect((await target.store.jobs.forInterception(id))?.runAt).toBe(restartedAt.toISOString());
    expect(await target.worker.runOnce()).toBe(1);
    const after = await read(target, id);
    expect(after.body, after.text).toMatchObject({ status: "succeeded", parcelState: "returned" });
    expect(lastEventDetail(after.body)).toContain("no push received");
  });

  it("leaves a polled carrier's schedule alone at a restart", async () => {
    const carrier = new FakeCarrier({ outcome: "poll" });
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const before = await target.store.jobs.forInterception(String(created.body.id));
    const moved = await checkForMissedPushes({
      store: target.store,
      carriers: target.services.carriers,
      logger: silentLogger,
      now: () => new Date(),
      windowMs: target.config.pushRestartWindowMs,
    });
    expect(moved).toBe(0);
    expect(await target.store.jobs.forInterception(String(created.body.id))).toEqual(before);
  });

  it("never decides a redirect from tracking alone", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const redirectTo = { name: "A", phone: "123", country: "CN", city: "X", line1: "Y" };
    const created = await json(
      await target.intercept(
        target.merchantA,
        "k1",
        interceptBody({ action: "redirect", redirectTo }),
      ),
    );
    carrier.states.set("SF1400000000001", "delivered");
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({ status: "submitted", parcelState: "delivered" });
  });
});

describe("races and lost replies", () => {
  it("two requests with different keys for one parcel: one interception, one carrier call", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    // Both requests pass eligibility (tracking held until both asked), then race to store.
    const release = carrier.holdTracks();
    const pending = [
      target.intercept(target.merchantA, "key-a", interceptBody()),
      target.intercept(target.merchantA, "key-b", interceptBody()),
    ];
    while (carrier.callsOf("track").length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    release();
    const [first, second] = await Promise.all(pending);
    if (!first || !second) {
      throw new Error("both requests must answer");
    }
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 422]);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("one open interception per parcel across merchants: to another, the parcel is unknown", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    expect((await target.intercept(target.merchantA, "k1", interceptBody())).status).toBe(201);
    const refused = await json(await target.intercept(target.merchantB, "k1", interceptBody()));
    expect(refused.status, refused.text).toBe(422);
    // Not "already intercepted": that would tell B that someone else has the parcel.
    expect(refused.body.reasons).toEqual([expect.objectContaining({ code: "unknown_parcel" })]);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("remembers a lost reply: a later 'already intercepted' is our acceptance, and cancel waits", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    carrier.scriptedErrors.intercept.push("outcome_unknown");
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    expect(created.body.status, created.text).toBe("pending");

    const cancel = await json(
      await target.call(target.merchantA, "POST", `/v1/interceptions/${created.body.id}/cancel`),
    );
    expect(cancel.status, cancel.text).toBe(409);
    expect(cancel.body.code).toBe("invalid_transition");

    carrier.scriptedErrors.intercept.push(
      "unavailable",
      "unavailable",
      "unavailable",
      "unavailable",
    );
    await runDueJobs(target);
    carrier.scriptedErrors.intercept.push("already_intercepted");
    await runDueJobs(target);
    const after = await read(target, created.body.id);
    expect(after.body, after.text).toMatchObject({
      status: "submitted",
      carrierReference: created.body.id,
    });
  });
});

describe("a push that names its interception", () => {
  it("applies only to the interception it names", async () => {
    const carrier = new FakeCarrier();
    const target = await start(carrier);
    const created = await json(await target.intercept(target.merchantA, "k1", interceptBody()));
    const report = (reference: string, eventId: string): CarrierReport => ({
      eventId,
      reference,
      trackingNumber: "SF1400000000001",
      at: new Date().toISOString(),
      outcome: "succeeded",
      parcelState: "returned",
      detail: "returned",
      fee: null,
    });
    const push = (reports: CarrierReport[]) =>
      target.call(null, "POST", "/v1/carriers/sf-express/callbacks?token=fake-token", {
        rawBody: JSON.stringify(reports),
      });

    await push([report("icp_an_earlier_one", "e1")]);
    expect((await read(target, created.body.id)).body.status).toBe("submitted");
    await push([report(String(created.body.id), "e2")]);
    expect((await read(target, created.body.id)).body.status).toBe("succeeded");
  });
});
