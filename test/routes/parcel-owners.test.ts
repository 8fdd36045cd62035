/**
 * Parcels belong to merchants (API.md): a parcel is bound to the merchant whose interception of
 * it was accepted first; to every other merchant the intercept and eligibility endpoints answer
 * exactly as for a parcel the carrier does not know, without calling the carrier.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InterceptionRequest } from "../../contracts/interception.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  interceptBody,
  json,
  lastEventDetail,
  type TestGateway,
  type TestMerchant,
} from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;

const inTransit = "SF1400000000001";
const notCollected = "SF1400000000002";
const free = "SF1400000000003";
/** A tracking number the carrier does not know. */
const unknown = "SF9999999999999";
const redirectTo = {
  name: "Han Meimei",
  phone: "13900139000",
  country: "CN",
  city: "上海市",
  line1: "南京西路 2 号",
};

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set(inTransit, "in_transit");
  carrier.states.set(notCollected, "not_collected");
  carrier.states.set(free, "in_transit");
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

let keys = 0;
async function intercept(merchant: TestMerchant, body: InterceptionRequest) {
  keys += 1;
  return json(await gateway.intercept(merchant, `key-${keys}`, body));
}

async function eligibility(merchant: TestMerchant, body: InterceptionRequest) {
  return json(await gateway.call(merchant, "POST", "/v1/eligibility", { body }));
}

/** A body with everything but the request id, which differs between any two answers. */
function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = body;
  return rest;
}

/** The requests B tries on a parcel: intercept, redirect, and a refused category too. */
function requestsFor(trackingNumber: string): InterceptionRequest[] {
  return [
    interceptBody({ trackingNumber }),
    interceptBody({ trackingNumber, action: "redirect", redirectTo }),
    interceptBody({
      trackingNumber,
      parcel: { declaredValue: { amount: "1500.00", currency: "CNY" }, category: " Fresh " },
    }),
  ];
}

describe("merchant B against merchant A's parcel", () => {
  beforeEach(async () => {
    expect(
      (await intercept(gateway.merchantA, interceptBody({ trackingNumber: inTransit }))).status,
    ).toBe(201);
    const lock = await intercept(
      gateway.merchantA,
      interceptBody({ trackingNumber: notCollected }),
    );
    expect(lock.body, lock.text).toMatchObject({ status: "locked" });
  });

  it("intercept and redirect answer exactly as for an unknown parcel, with no carrier call", async () => {
    for (const trackingNumber of [inTransit, notCollected]) {
      const requests = requestsFor(trackingNumber);
      const callsBefore = carrier.calls.length;
      const answers = [];
      for (const request of requests) {
        answers.push(await intercept(gateway.merchantB, request));
      }
      expect(carrier.calls.slice(callsBefore), "B's requests reached the carrier").toEqual([]);

      for (const [index, request] of requests.entries()) {
        const answer = answers[index];
        const asUnknown = await intercept(gateway.merchantB, {
          ...request,
          trackingNumber: unknown,
        });
        expect(answer?.status, answer?.text).toBe(422);
        expect(answer?.status).toBe(asUnknown.status);
        expect(withoutRequestId(answer?.body ?? {}), answer?.text).toEqual(
          withoutRequestId(asUnknown.body),
        );
        expect(answer?.body.reasons).toContainEqual(
          expect.objectContaining({ code: "unknown_parcel" }),
        );
      }
    }
    // The category and value reasons an unknown parcel gets come too.
    const fresh = await intercept(
      gateway.merchantB,
      requestsFor(inTransit)[2] as InterceptionRequest,
    );
    expect((fresh.body.reasons as Array<{ code: string }>).map((r) => r.code).sort()).toEqual([
      "category_not_interceptable",
      "unknown_parcel",
      "value_above_limit",
    ]);
    // Nothing of B's was stored, and A's interceptions are as they were.
    const listB = await json(await gateway.call(gateway.merchantB, "GET", "/v1/interceptions"));
    expect(listB.body.data).toEqual([]);
    const listA = await json(await gateway.call(gateway.merchantA, "GET", "/v1/interceptions"));
    expect((listA.body.data as Array<{ status: string }>).map((i) => i.status).sort()).toEqual([
      "locked",
      "submitted",
    ]);
  });

  it("eligibility answers exactly as for an unknown parcel, with no carrier call", async () => {
    for (const trackingNumber of [inTransit, notCollected]) {
      for (const request of requestsFor(trackingNumber)) {
        const callsBefore = carrier.calls.length;
        const answer = await eligibility(gateway.merchantB, request);
        expect(carrier.calls.slice(callsBefore)).toEqual([]);
        const asUnknown = await eligibility(gateway.merchantB, {
          ...request,
          trackingNumber: unknown,
        });
        expect(answer.status, answer.text).toBe(200);
        expect(answer.body, answer.text).toEqual(asUnknown.body);
        expect(answer.body).toMatchObject({ eligible: false, parcelState: "unknown" });
      }
    }
  });

  it("stays A's after A's interception ended, and A is still served", async () => {
    const [record] = (
      await json(
        await gateway.call(
          gateway.merchantA,
          "GET",
          `/v1/interceptions?trackingNumber=${notCollected}`,
        ),
      )
    ).body.data as Array<{ id: string }>;
    const released = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${record?.id}/cancel`),
    );
    expect(released.body, released.text).toMatchObject({ status: "released" });
    const asB = await eligibility(
      gateway.merchantB,
      interceptBody({ trackingNumber: notCollected }),
    );
    expect(asB.body.reasons).toEqual([expect.objectContaining({ code: "unknown_parcel" })]);
    const asA = await eligibility(
      gateway.merchantA,
      interceptBody({ trackingNumber: notCollected }),
    );
    expect(asA.body, asA.text).toMatchObject({ eligible: true, parcelState: "not_collected" });
  });
});

describe("while the carrier's circuit breaker is open", () => {
  it("B's request on A's parcel reads like any parcel then: unreachable, not unknown", async () => {
    await gateway.close();
    gateway = await createTestGateway(carrier.adapter, {
      CARRIER_RETRIES: "0",
      BREAKER_VOLUME_THRESHOLD: "1",
    });
    const ofA = await intercept(gateway.merchantA, interceptBody({ trackingNumber: inTransit }));
    expect(ofA.status, ofA.text).toBe(201);
    // Failed tracking calls open the breaker once they are half of the calls in its window.
    for (let failures = 0; failures < 3; failures += 1) {
      carrier.scriptedErrors.track.push("unavailable");
      await eligibility(gateway.merchantA, interceptBody({ trackingNumber: free }));
    }
    expect(gateway.services.carriers.get("sf-express")?.resilient.circuitState).toBe("open");

    const callsBefore = carrier.calls.length;
    const onAs = await eligibility(gateway.merchantB, interceptBody({ trackingNumber: inTransit }));
    const onUnknown = await eligibility(
      gateway.merchantB,
      interceptBody({ trackingNumber: unknown }),
    );
    expect(carrier.calls.slice(callsBefore)).toEqual([]);
    expect(onAs.body, onAs.text).toEqual(onUnknown.body);
    expect(onAs.body).toMatchObject({ eligible: true, parcelState: "unknown" });
  });
});

describe("binding a parcel", () => {
  it("a refusal binds nothing: B may intercept a parcel A was refused for", async () => {
    const refused = await intercept(
      gateway.merchantA,
      interceptBody({
        trackingNumber: free,
        parcel: { declaredValue: { amount: "10.00", currency: "CNY" }, category: "tea" },
      }),
    );
    expect(refused.status, refused.text).toBe(422);
    expect(await gateway.store.interceptions.parcelOwner("sf-express", free)).toBeNull();
    const accepted = await intercept(gateway.merchantB, interceptBody({ trackingNumber: free }));
    expect(accepted.status, accepted.text).toBe(201);
    expect(await gateway.store.interceptions.parcelOwner("sf-express", free)).toBe(
      gateway.merchantB.id,
    );
  });

  it("of two merchants racing past the check, the loser gets the unknown-parcel answer", async () => {
    // Both requests ask the carrier's tracking before either is stored.
    const release = carrier.holdTracks();
    const pending = [
      intercept(gateway.merchantA, interceptBody({ trackingNumber: free })),
      intercept(gateway.merchantB, interceptBody({ trackingNumber: free })),
    ];
    while (carrier.callsOf("track").length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    release();
    const answers = await Promise.all(pending);
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses, JSON.stringify(answers.map((answer) => answer.text))).toEqual([201, 422]);
    const loserIndex = answers.findIndex((answer) => answer.status === 422);
    const [loserMerchant, winnerMerchant] =
      loserIndex === 0
        ? [gateway.merchantA, gateway.merchantB]
        : [gateway.merchantB, gateway.merchantA];
    // Not "another interception is under way": the same answer as for an unknown parcel.
    const asUnknown = await intercept(loserMerchant, interceptBody({ trackingNumber: unknown }));
    const lost = answers[loserIndex];
    expect(withoutRequestId(lost?.body ?? {}), lost?.text).toEqual(
      withoutRequestId(asUnknown.body),
    );
    expect(carrier.callsOf("intercept")).toHaveLength(1);
    expect(await gateway.store.interceptions.parcelOwner("sf-express", free)).toBe(
      winnerMerchant.id,
    );
  });
});

describe("a request accepted while the carrier's tracking was down", () => {
  /** Registered with the carrier only once tracking is back. */
  const late = "SF1400000000004";

  beforeEach(async () => {
    // One tracking call per assessment, and a breaker that stays closed through the outage.
    await gateway.close();
    gateway = await createTestGateway(carrier.adapter, {
      CARRIER_RETRIES: "0",
      BREAKER_VOLUME_THRESHOLD: "1000",
    });
  });

  /** B's intercept while every tracking call fails: accepted as pending, the carrier not asked. */
  async function interceptWhileTrackingDown(merchant: TestMerchant, trackingNumber: string) {
    carrier.scriptedErrors.track.push(...Array<"unavailable">(10).fill("unavailable"));
    const created = await intercept(merchant, interceptBody({ trackingNumber }));
    carrier.scriptedErrors.track.length = 0;
    expect(created.body, created.text).toMatchObject({ status: "pending", parcelState: "unknown" });
    return String(created.body.id);
  }

  /** Makes the jobs of these interceptions due now and lets the worker run them. */
  async function runJobsNow(...ids: string[]) {
    for (const id of ids) {
      const job = await gateway.store.jobs.forInterception(id);
      await gateway.store.jobs.reschedule(
        { id: String(job?.id), leaseUntil: job?.leaseUntil ?? null },
        new Date().toISOString(),
        "test: due now",
      );
    }
    await gateway.worker.runOnce();
  }

  async function read(merchant: TestMerchant, id: string) {
    return (await json(await gateway.call(merchant, "GET", `/v1/interceptions/${id}`))).body;
  }

  it("binds nothing: the merchant the carrier confirms the parcel for first gets it", async () => {
    const ofB = await interceptWhileTrackingDown(gateway.merchantB, late);
    const unknownOfB = await interceptWhileTrackingDown(gateway.merchantB, unknown);
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBeNull();

    // The waybill is registered; A's intercept of the real parcel is accepted and sent.
    carrier.states.set(late, "in_transit");
    const ofA = await intercept(gateway.merchantA, interceptBody({ trackingNumber: late }));
    expect(ofA.body, ofA.text).toMatchObject({ status: "submitted" });
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBe(
      gateway.merchantA.id,
    );

    // The carrier reports A's parcel moving: about A's interception, not B's, which it never saw.
    const report = {
      eventId: "evt-moved",
      at: new Date().toISOString(),
      trackingNumber: late,
      outcome: null,
      parcelState: "at_delivery_station",
      detail: "at the delivery station",
      fee: null,
    };
    const pushed = await gateway.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=fake-token",
      { rawBody: JSON.stringify([report]) },
    );
    expect(pushed.status).toBe(200);
    expect(await read(gateway.merchantB, ofB)).toMatchObject({ parcelState: "unknown" });

    const callsBefore = carrier.calls.length;
    await runJobsNow(ofB, unknownOfB);
    // B's job did not ask the carrier about A's parcel, nor send B's intercept.
    expect(carrier.calls.slice(callsBefore)).toEqual([
      { operation: "track", trackingNumber: unknown },
    ]);
    const failedB = await read(gateway.merchantB, ofB);
    const failedUnknown = await read(gateway.merchantB, unknownOfB);
    expect(failedB, JSON.stringify(failedB)).toMatchObject({
      status: "failed",
      parcelState: "unknown",
      failure: { code: "unknown_parcel" },
    });
    // Refused as any parcel the carrier does not know: nothing says that A has it.
    expect(failedB.failure).toEqual(failedUnknown.failure);
    expect(failedUnknown.status).toBe("failed");
    expect(lastEventDetail(failedB)).toBe(lastEventDetail(failedUnknown));
    expect(await read(gateway.merchantA, String(ofA.body.id))).toMatchObject({
      status: "submitted",
    });
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBe(
      gateway.merchantA.id,
    );
  });

  it("binds the parcel once the worker's late assessment has the carrier's answer", async () => {
    carrier.states.set(late, "in_transit");
    const ofB = await interceptWhileTrackingDown(gateway.merchantB, late);
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBeNull();
    await runJobsNow(ofB);
    expect(await read(gateway.merchantB, ofB)).toMatchObject({
      status: "submitted",
      parcelState: "in_transit",
    });
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBe(
      gateway.merchantB.id,
    );

    const callsBefore = carrier.calls.length;
    const asA = await intercept(gateway.merchantA, interceptBody({ trackingNumber: late }));
    const asUnknown = await intercept(
      gateway.merchantA,
      interceptBody({ trackingNumber: unknown }),
    );
    expect(withoutRequestId(asA.body), asA.text).toEqual(withoutRequestId(asUnknown.body));
    expect(carrier.calls.slice(callsBefore)).toEqual([
      { operation: "track", trackingNumber: unknown },
    ]);
  });

  it("waits, rather than loops, when the parcel was taken meanwhile and the breaker opened", async () => {
    carrier.states.set(late, "in_transit");
    const ofB = await interceptWhileTrackingDown(gateway.merchantB, late);
    const ofA = await intercept(gateway.merchantA, interceptBody({ trackingNumber: late }));
    expect(ofA.body, ofA.text).toMatchObject({ status: "submitted" });
    // B's job looks before A's binding is visible to it, then finds the parcel taken, and the
    // carrier's breaker opens before it looks again.
    vi.spyOn(gateway.store.interceptions, "parcelOwner").mockResolvedValueOnce(null);
    const resilient = gateway.services.carriers.get("sf-express")?.resilient;
    if (!resilient) {
      throw new Error("no sf-express carrier");
    }
    vi.spyOn(resilient, "shortCircuit", "get").mockReturnValue({
      carrier: "sf-express",
      code: "unavailable",
      message: "The circuit breaker is open.",
      retryable: true,
    });

    await runJobsNow(ofB);
    const stillB = await read(gateway.merchantB, ofB);
    expect(stillB, JSON.stringify(stillB)).toMatchObject({ status: "pending" });
    const job = await gateway.store.jobs.forInterception(ofB);
    expect(job?.lastError).toBe("the carrier's tracking could not be reached");
    expect(await gateway.store.interceptions.parcelOwner("sf-express", late)).toBe(
      gateway.merchantA.id,
    );
  });
});
