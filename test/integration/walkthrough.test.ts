/**
 * The README's curl walk-through, driven over real HTTP on loopback: the gateway server and
 * the carrier sandboxes run as they do under `npm start`, with a database file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../adapters/sandbox-kit/server.ts";
import type { RunningGateway } from "../../src/server.ts";
import { http } from "./loopback.ts";
import { type LoopbackGateway, startLoopbackGateway } from "./loopback-gateway.ts";

let stack: LoopbackGateway;
let sandbox: RunningSandbox;
let gateway: RunningGateway;
let apiKey: string;
let waybillCounter = 0;

const asMerchant = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${apiKey}`,
  ...extra,
});

/** Creates a sandbox parcel and returns its waybill number. */
async function sandboxParcel(
  state: string,
  interceptOutcome: "success" | "failure" = "success",
): Promise<string> {
  waybillCounter += 1;
  const trackingNumber = `SF15${String(Date.now()).slice(-7)}${String(waybillCounter).padStart(4, "0")}`;
  const created = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
    carrier: "sf-express",
    trackingNumber,
    state,
    interceptOutcome,
    outcomeDelayMs: 50,
  });
  expect(created.status, created.text).toBe(201);
  return trackingNumber;
}

function interceptRequest(trackingNumber: string, overrides: Record<string, unknown> = {}) {
  return {
    carrier: "sf-express",
    trackingNumber,
    orderId: `ORD-${trackingNumber}`,
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    ...overrides,
  };
}

async function intercept(trackingNumber: string, overrides: Record<string, unknown> = {}) {
  return http(
    "POST",
    `${gateway.url}/v1/interceptions`,
    interceptRequest(trackingNumber, overrides),
    asMerchant({
      "idempotency-key": `key-${trackingNumber}-${String(overrides.action ?? "intercept")}`,
    }),
  );
}

/** Polls the interception until its status is one of `statuses` (the carrier pushes the outcome). */
async function waitForStatus(id: string, statuses: string[]) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const current = await http(
      "GET",
      `${gateway.url}/v1/interceptions/${id}`,
      undefined,
      asMerchant(),
    );
    if (statuses.includes(current.body.status) || Date.now() > deadline) {
      return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function carrierCalls(trackingNumber: string) {
  const seen = await http("GET", `${sandbox.url}/_sandbox/parcels/sf-express/${trackingNumber}`);
  return seen.body.calls as Array<{
    operation: string;
    accepted?: boolean;
    body: Record<string, unknown>;
  }>;
}

beforeAll(async () => {
  stack = await startLoopbackGateway({
    env: {
      WORKER_INTERVAL_MS: "50",
      CARRIER_RETRY_MIN_DELAY_MS: "10",
      CARRIER_RETRY_MAX_DELAY_MS: "50",
    },
    merchant: { name: "Integration merchant", pickupService: true },
  });
  ({ gateway, sandbox, apiKey } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe("the README walk-through over loopback", () => {
  it("intercepts an in-transit parcel, follows the carrier's push to succeeded, records who pays", async () => {
    const trackingNumber = await sandboxParcel("in_transit");
    const eligibility = await http(
      "POST",
      `${gateway.url}/v1/eligibility`,
      interceptRequest(trackingNumber),
      asMerchant(),
    );
    expect(eligibility.body, eligibility.text).toMatchObject({
      eligible: true,
      parcelState: "in_transit",
    });

    const created = await intercept(trackingNumber);
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({
      status: "submitted",
      cost: { payer: "platform", mode: "free_return" },
    });

    const outcome = await waitForStatus(created.body.id, ["succeeded", "failed"]);
    expect(outcome.body, outcome.text).toMatchObject({
      status: "succeeded",
      parcelState: "returned",
    });

    const calls = await carrierCalls(trackingNumber);
    // The intercept reused the eligibility check's tracking answer (TRACKING_CACHE_MS).
    expect(calls.filter((call) => call.operation === "track")).toHaveLength(1);
    const intercepts = calls.filter((call) => call.operation === "intercept");
    expect(intercepts).toHaveLength(1);
    expect(intercepts[0]?.body).toMatchObject({
      waybillNo: trackingNumber,
      serviceCode: "2",
      cusId: created.body.id,
    });

    const listed = await http(
      "GET",
      `${gateway.url}/v1/interceptions?trackingNumber=${trackingNumber}`,
      undefined,
      asMerchant(),
    );
    expect(listed.body.data.map((item: { id: string }) => item.id)).toEqual([created.body.id]);
  });

  it("survives two carrier 500s: retries, then succeeds with exactly one accepted intercept", async () => {
    const trackingNumber = await sandboxParcel("in_transit");
    const fault = await http("POST", `${sandbox.url}/_sandbox/faults`, {
      carrier: "sf-express",
      mode: "error500",
      count: 2,
    });
    expect(fault.status, fault.text).toBeLessThan(300);

    const created = await intercept(trackingNumber);
    expect(created.status, created.text).toBe(201);
    const outcome = await waitForStatus(created.body.id, ["succeeded", "failed"]);
    expect(outcome.body.status, outcome.text).toBe("succeeded");
    const accepted = (await carrierCalls(trackingNumber)).filter(
      (call) => call.operation === "intercept" && call.accepted !== false,
    );
    expect(accepted).toHaveLength(1);
  });

  it("records a failed interception with advice when the parcel could not be stopped", async () => {
    const trackingNumber = await sandboxParcel("in_transit", "failure");
    const created = await intercept(trackingNumber);
    const outcome = await waitForStatus(created.body.id, ["succeeded", "failed"]);
    expect(outcome.body, outcome.text).toMatchObject({
      status: "failed",
      failure: { advice: expect.stringContaining("refuse delivery") },
    });
  });

  it("redirects a parcel to a new address (the parcel's free redirect)", async () => {
    const trackingNumber = await sandboxParcel("in_transit");
    const created = await intercept(trackingNumber, {
      action: "redirect",
      reason: "address_error",
      redirectTo: {
        name: "Li Lei",
        phone: "13800138000",
        country: "CN",
        province: "广东省",
        city: "深圳市",
        district: "南山区",
        line1: "科技园路 1 号",
      },
    });
    expect(created.body, created.text).toMatchObject({
      status: "submitted",
      cost: { payer: "platform", mode: "free_redirect" },
    });
    const outcome = await waitForStatus(created.body.id, ["succeeded", "failed"]);
    expect(outcome.body.status, outcome.text).toBe("succeeded");
    const redirects = (await carrierCalls(trackingNumber)).filter(
      (call) => call.operation === "redirect",
    );
    expect(redirects).toHaveLength(1);
    expect(redirects[0]?.body).toMatchObject({
      serviceCode: "1",
      newDestAddress: expect.objectContaining({ city: "深圳市" }),
    });
  });

  it("refuses a delivered parcel with 422 and never calls the carrier's intercept", async () => {
    const trackingNumber = await sandboxParcel("delivered");
    const refused = await intercept(trackingNumber);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.reasons).toEqual([expect.objectContaining({ code: "already_delivered" })]);
    expect((await carrierCalls(trackingNumber)).map((call) => call.operation)).toEqual(["track"]);
  });

  it("locks a parcel the carrier has not collected, then releases it", async () => {
    const trackingNumber = await sandboxParcel("not_collected");
    const locked = await intercept(trackingNumber);
    expect(locked.body, locked.text).toMatchObject({ status: "locked", cost: { mode: "none" } });
    const released = await http(
      "POST",
      `${gateway.url}/v1/interceptions/${locked.body.id}/cancel`,
      undefined,
      asMerchant(),
    );
    expect(released.body.status, released.text).toBe("released");
    expect((await carrierCalls(trackingNumber)).map((call) => call.operation)).toEqual(["track"]);
  });

  it("cancels a submitted interception at the carrier", async () => {
    const trackingNumber = await sandboxParcel("in_transit");
    await http("POST", `${sandbox.url}/_sandbox/parcels`, {
      carrier: "sf-express",
      trackingNumber,
      state: "in_transit",
      interceptOutcome: "success",
      outcomeDelayMs: 60_000,
    });
    const created = await intercept(trackingNumber);
    expect(created.body.status, created.text).toBe("submitted");
    const cancelled = await http(
      "POST",
      `${gateway.url}/v1/interceptions/${created.body.id}/cancel`,
      undefined,
      asMerchant(),
    );
    expect(cancelled.body.status, cancelled.text).toBe("cancelled");
    expect((await carrierCalls(trackingNumber)).map((call) => call.operation)).toContain("cancel");
  });

  it("stays pending while the carrier is unreachable and finishes once it is back", async () => {
    const trackingNumber = await sandboxParcel("in_transit");
    // Every attempt of this request fails; the worker's later attempt succeeds.
    await http("POST", `${sandbox.url}/_sandbox/faults`, {
      carrier: "sf-express",
      mode: "error500",
      count: 8,
    });
    const created = await intercept(trackingNumber);
    expect(created.status, created.text).toBe(201);
    expect(["pending", "submitted"]).toContain(created.body.status);
    const outcome = await waitForStatus(created.body.id, ["succeeded", "failed"]);
    expect(outcome.body.status, outcome.text).toBe("succeeded");
    const accepted = (await carrierCalls(trackingNumber)).filter(
      (call) => call.operation === "intercept" && call.accepted !== false,
    );
    expect(accepted).toHaveLength(1);
  });
});
