import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  failNthTransition,
  interceptBody,
  json,
  lastEventDetail,
  type TestGateway,
} from "../harness.ts";
import { countJobs, makeJobsDue } from "../support/jobs.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

/** Delivers reports through the callback route as the fake carrier's push. */
function push(reports: CarrierReport[]) {
  return gateway.call(null, "POST", "/v1/carriers/sf-express/callbacks?token=fake-token", {
    rawBody: JSON.stringify(reports),
  });
}

function report(overrides: Partial<CarrierReport>): CarrierReport {
  return {
    eventId: "evt-1",
    trackingNumber: "SF1400000000001",
    at: "2026-11-21T09:00:00.000Z",
    outcome: "succeeded",
    parcelState: "returned",
    detail: "returned to sender",
    fee: null,
    ...overrides,
  };
}

describe("POST /v1/interceptions", () => {
  it("submits an in-transit parcel to the carrier and records who pays", async () => {
    const response = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({
      status: "submitted",
      parcelState: "in_transit",
      successLikelihood: "normal",
      cost: {
        payer: "platform",
        mode: "free_return",
        settlement: "none",
        quoted: null,
        final: null,
      },
      failure: null,
      orderId: "ORD-20261121-0001",
      items: [],
    });
    expect(response.body.id).toMatch(/^icp_/);
    expect(response.body.carrierReference).toBe(`FAKE-${response.body.id}`);
    expect(
      (response.body.events as Array<{ status: string }>).map((event) => event.status),
    ).toEqual(["pending", "submitted"]);
    expect(carrier.callsOf("intercept")).toEqual([
      { operation: "intercept", trackingNumber: "SF1400000000001", reference: response.body.id },
    ]);
  });

  it("makes a merchant without the pickup service pay freight on delivery", async () => {
    const response = await json(await gateway.intercept(gateway.merchantB, "k1", interceptBody()));
    expect(response.body.cost, response.text).toMatchObject({
      payer: "merchant",
      mode: "collect_on_delivery",
      settlement: "offline",
    });
  });

  it("flags a low chance when the parcel is already out for delivery", async () => {
    carrier.states.set("SF1400000000001", "out_for_delivery");
    const response = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(response.body, response.text).toMatchObject({
      status: "submitted",
      successLikelihood: "low",
    });
  });

  it("locks a parcel that is not collected yet, without calling the carrier, and releases it", async () => {
    carrier.states.set("SF1400000000001", "not_collected");
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(created.body, created.text).toMatchObject({
      status: "locked",
      parcelState: "not_collected",
      cost: { payer: "none", mode: "none" },
    });
    expect(carrier.callsOf("intercept")).toHaveLength(0);

    const released = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${created.body.id}/cancel`),
    );
    expect(released.body, released.text).toMatchObject({ status: "released" });
    expect(carrier.calls.filter((call) => call.operation !== "track")).toHaveLength(0);
  });

  it("makes a parcel's first redirect free and refuses SF a second one of the same parcel", async () => {
    const redirectTo = {
      name: "Li Lei",
      phone: "13800138000",
      country: "CN",
      city: "深圳市",
      line1: "科技园路 1 号",
    };
    const first = await json(
      await gateway.intercept(
        gateway.merchantA,
        "r1",
        interceptBody({ action: "redirect", redirectTo }),
      ),
    );
    expect(first.body, first.text).toMatchObject({
      status: "submitted",
      cost: { payer: "platform", mode: "free_redirect" },
    });
    await push([report({ eventId: "r1-done", outcome: "succeeded", parcelState: "in_transit" })]);

    // SF takes one interception per parcel, so the second redirect is refused by the rules.
    const second = await json(
      await gateway.intercept(
        gateway.merchantA,
        "r2",
        interceptBody({ action: "redirect", redirectTo }),
      ),
    );
    expect(second.status, second.text).toBe(422);
    expect(second.body.reasons).toEqual([expect.objectContaining({ code: "already_intercepted" })]);
  });

  it("answers 201 pending when the carrier cannot be reached in time, and the worker finishes it", async () => {
    carrier.scriptedErrors.intercept.push("unavailable", "unavailable", "unavailable");
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(created.status, created.text).toBe(201);
    expect(created.body.status).toBe("pending");
    expect(carrier.callsOf("intercept")).toHaveLength(3);

    const job = await gateway.store.jobs.forInterception(String(created.body.id));
    expect(job?.lastError).toContain("unavailable");
    // Make the rescheduled job due now instead of waiting for its backoff.
    await gateway.store.jobs.reschedule(
      { id: String(job?.id), leaseUntil: job?.leaseUntil ?? null },
      new Date().toISOString(),
      "test",
    );
    expect(await gateway.worker.runOnce()).toBe(1);

    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${created.body.id}`),
    );
    expect(after.body, after.text).toMatchObject({ status: "submitted" });
    expect(carrier.callsOf("intercept")).toHaveLength(4);
  });

  it("fails the interception with advice when the carrier refuses it", async () => {
    carrier.scriptedErrors.intercept.push("rejected");
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(created.body, created.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_rejected", advice: expect.stringContaining("refuse delivery") },
    });
  });
});

describe("carrier outcome callbacks", () => {
  it("moves a submitted interception to succeeded, ignores a repeat and never moves back", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);

    const first = await push([
      report({ eventId: "e1", fee: { amount: "12.00", currency: "CNY" } }),
    ]);
    expect(first.status).toBe(200);
    expect((await push([report({ eventId: "e1" })])).status).toBe(200);
    await push([
      report({ eventId: "e2", outcome: "failed", parcelState: "delivered", detail: "delivered" }),
    ]);

    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
    );
    expect(after.body, after.text).toMatchObject({
      status: "succeeded",
      parcelState: "returned",
      cost: { final: { amount: "12.00", currency: "CNY" } },
    });
    expect((after.body.events as Array<{ status: string }>).map((event) => event.status)).toEqual([
      "pending",
      "submitted",
      "succeeded",
    ]);
  });

  it("records a failure reported by the carrier, with advice", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    await push([
      report({ outcome: "failed", parcelState: "delivered", detail: "signed for by the buyer" }),
    ]);
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${created.body.id}`),
    );
    expect(after.body, after.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_failed", message: "signed for by the buyer" },
    });
  });

  it("refuses a push with bad credentials and changes nothing", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const refused = await gateway.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=wrong",
      {
        rawBody: JSON.stringify([report({})]),
      },
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${created.body.id}`),
    );
    expect(after.body.status).toBe("submitted");
  });
});

describe("POST /v1/interceptions/{id}/cancel", () => {
  it("cancels a submitted interception at the carrier", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const cancelled = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${created.body.id}/cancel`),
    );
    expect(cancelled.body, cancelled.text).toMatchObject({ status: "cancelled" });
    expect(carrier.callsOf("cancel")).toHaveLength(1);
  });

  it("stores the cancel first: 202 while the carrier is down, cancelled once the worker gets through", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("unavailable", "unavailable", "unavailable");
    const response = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(response.status, response.text).toBe(202);
    expect(response.body.status).toBe("submitted");
    expect(lastEventDetail(response.body)).toContain("Cancellation asked by the merchant");
    expect(await gateway.store.jobs.forInterception(id, "cancel")).toMatchObject({
      attempts: 1,
    });

    // Asking again while it is under way neither calls the carrier nor stores a second job.
    const again = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(again.status, again.text).toBe(202);
    expect(carrier.callsOf("cancel")).toHaveLength(3);
    expect(await countJobs(gateway.store, "cancel")).toBe(1);

    await makeJobsDue(gateway.store);
    await gateway.worker.runOnce();
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
    );
    expect(after.body.status, after.text).toBe("cancelled");
    expect(carrier.callsOf("cancel")).toHaveLength(4);
    expect(await gateway.store.jobs.forInterception(id, "cancel")).toBeNull();
  });

  it("answers the carrier's refusal with 409 and its reason, and the interception goes on", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    carrier.scriptedErrors.cancel.push("rejected");
    const response = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(response.status, response.text).toBe(409);
    expect(response.body.code).toBe("invalid_transition");
    expect(response.body.detail).toContain("The carrier refused to cancel");
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
    );
    expect(after.body.status).toBe("submitted");
    expect(await gateway.store.jobs.forInterception(id, "cancel")).toBeNull();
  });

  it("two cancels at once: one job, one carrier call; the second answers 202 at once", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const release = carrier.hold();
    const first = gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`);
    while (carrier.callsOf("cancel").length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const second = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(second.status, second.text).toBe(202);
    expect(await countJobs(gateway.store, "cancel")).toBe(1);
    release();
    const done = await json(await first);
    expect(done.status, done.text).toBe(200);
    expect(done.body.status).toBe("cancelled");
    expect(carrier.callsOf("cancel")).toHaveLength(1);
    expect(await countJobs(gateway.store, "cancel")).toBe(0);
  });

  it.each([
    { carrierSays: "cancelled", errors: [] },
    { carrierSays: "nothing (down)", errors: ["unavailable", "unavailable", "unavailable"] },
  ] as const)(
    "a push that decides the interception while the carrier is asked to cancel ($carrierSays): 409, no job left",
    async ({ errors }) => {
      const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
      const id = String(created.body.id);
      carrier.scriptedErrors.cancel.push(...errors);
      const release = carrier.hold();
      const cancelling = gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`);
      while (carrier.callsOf("cancel").length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect((await push([report({})])).status).toBe(200);
      release();
      const answer = await json(await cancelling);
      expect(answer.status, answer.text).toBe(409);
      expect(answer.body.detail).toContain("became succeeded");
      const after = await json(
        await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
      );
      expect(after.body.status).toBe("succeeded");
      expect(await countJobs(gateway.store, "cancel")).toBe(0);
    },
  );

  it("a cancel whose run crashes after the carrier call answers 202 and is left to the worker", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    const id = String(created.body.id);
    const store = gateway.store;
    // The first transition stores the cancel job; the second would record the carrier's answer.
    failNthTransition(store, 2);
    const answer = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${id}/cancel`),
    );
    expect(answer.status, answer.text).toBe(202);
    expect(carrier.callsOf("cancel")).toHaveLength(1);
    const job = await store.jobs.forInterception(id, "cancel");
    expect(job).toMatchObject({ maybeSent: true, leaseUntil: null, attempts: 1 });
    // The error, stack and all, is kept on the job for operators; the merchant's view has none.
    expect(job?.lastError).toContain("Error: disk went away");
    expect(job?.lastError).toContain("    at ");
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${id}`),
    );
    expect(after.text).not.toContain("disk went away");
  });

  it("refuses to cancel a finished interception", async () => {
    const created = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    await push([report({})]);
    const response = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${created.body.id}/cancel`),
    );
    expect(response.status, response.text).toBe(409);
    expect(response.body.code).toBe("invalid_transition");
  });
});

describe("reading", () => {
  it("lists newest first with filters and a cursor", async () => {
    const ids: string[] = [];
    for (let index = 1; index <= 5; index += 1) {
      const trackingNumber = `SF14000000000${10 + index}`;
      carrier.states.set(trackingNumber, "in_transit");
      const created = await json(
        await gateway.intercept(
          gateway.merchantA,
          `k${index}`,
          interceptBody({ trackingNumber, orderId: `ORD-${index % 2}` }),
        ),
      );
      ids.push(String(created.body.id));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await json(
        await gateway.call(gateway.merchantA, "GET", `/v1/interceptions${query}`),
      );
      const data = page.body.data as Array<{ id: string }>;
      expect(data.length, page.text).toBeLessThanOrEqual(2);
      seen.push(...data.map((item) => item.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const filtered = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        "/v1/interceptions?orderId=ORD-1&status=submitted",
      ),
    );
    expect((filtered.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual([
      ids[4],
      ids[2],
      ids[0],
    ]);
    const none = await json(
      await gateway.call(gateway.merchantA, "GET", "/v1/interceptions?status=failed"),
    );
    expect(none.body).toEqual({ data: [], nextCursor: null });
  });

  it("answers eligibility without side effects", async () => {
    const response = await json(
      await gateway.call(gateway.merchantB, "POST", "/v1/eligibility", { body: interceptBody() }),
    );
    expect(response.body, response.text).toEqual({
      eligible: true,
      reasons: [],
      parcelState: "in_transit",
      successLikelihood: "normal",
      cost: {
        payer: "merchant",
        mode: "collect_on_delivery",
        quoted: null,
        final: null,
        settlement: "offline",
      },
    });
    expect(carrier.calls.map((call) => call.operation)).toEqual(["track"]);
    const list = await json(await gateway.call(gateway.merchantB, "GET", "/v1/interceptions"));
    expect(list.body.data).toEqual([]);
  });

  it("lists carriers with their actions, rules and circuit state", async () => {
    const response = await json(await gateway.call(gateway.merchantA, "GET", "/v1/carriers"));
    expect(response.body, response.text).toEqual({
      data: [
        expect.objectContaining({
          id: "sf-express",
          actions: ["intercept", "redirect"],
          circuitState: "closed",
          rules: expect.objectContaining({
            valueCeiling: { amount: "1000.00", currency: "CNY" },
            blockedCategories: [
              "fresh",
              "virtual",
              "jewellery",
              "antiques",
              "second_hand",
              "tea",
              "large_appliance",
              "custom_made",
            ],
            freeRedirectsPerOrder: 1,
          }),
        }),
      ],
    });
  });

  it("serves health, readiness, metrics and the OpenAPI document", async () => {
    expect((await gateway.call(null, "GET", "/healthz")).status).toBe(200);
    expect((await gateway.call(null, "GET", "/readyz")).status).toBe(200);
    await gateway.intercept(gateway.merchantA, "k1", interceptBody());
    const metrics = await (await gateway.call(null, "GET", "/metrics")).text();
    expect(metrics).toContain(
      'gateway_interceptions_total{carrier="sf-express",status="submitted"} 1',
    );
    expect(metrics).toContain('gateway_circuit_open{carrier="sf-express"} 0');
    // The intercept's eligibility check tracked the parcel once; that answer is held for reuse.
    expect(metrics).toContain("gateway_tracking_cache_entries 1\n");
    expect(metrics).toContain(
      'gateway_http_request_duration_seconds_count{method="POST",route="/v1/interceptions"} 1',
    );
    // The intercept's writes were committed, each commit timed.
    const commits = /^gateway_store_commit_seconds_count (\d+)$/m.exec(metrics);
    expect(Number(commits?.[1])).toBeGreaterThan(0);
    const openapi = await json(await gateway.call(null, "GET", "/openapi.json"));
    const paths = Object.keys(openapi.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/interceptions",
        "/v1/interceptions/{id}",
        "/v1/interceptions/{id}/cancel",
        "/v1/eligibility",
        "/v1/carriers",
        "/v1/carriers/{carrier}/callbacks",
        "/admin/merchants",
      ]),
    );
    expect((await gateway.call(null, "GET", "/docs")).status).toBe(200);
  });
});
