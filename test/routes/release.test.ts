/** POST /v1/interceptions/release: bulk release of locks by order ids and/or lock age. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
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
let clock: ManualClock;
let parcels = 0;
const minute = 60_000;

beforeEach(async () => {
  carrier = new FakeCarrier();
  clock = manualClock(new Date("2026-11-21T08:00:00.000Z"));
  gateway = await createTestGateway(carrier.adapter, {}, { now: clock.now });
});
afterEach(async () => {
  await gateway.close();
});

/**
 * Intercepts a parcel of `orderId` for `merchant` now: locked when the carrier has not collected
 * it, submitted when it is in transit. Returns the interception's id.
 */
async function intercept(
  merchant: TestMerchant,
  orderId: string,
  state: "not_collected" | "in_transit" = "not_collected",
): Promise<string> {
  parcels += 1;
  const trackingNumber = `SF88${String(parcels).padStart(9, "0")}`;
  carrier.states.set(trackingNumber, state);
  const response = await json(
    await gateway.intercept(
      merchant,
      `release-${parcels}`,
      interceptBody({ trackingNumber, orderId }),
    ),
  );
  expect(response.status, response.text).toBe(201);
  expect(response.body.status).toBe(state === "not_collected" ? "locked" : "submitted");
  return String(response.body.id);
}

function release(body: unknown, merchant: TestMerchant = gateway.merchantA) {
  return gateway.call(merchant, "POST", "/v1/interceptions/release", { body });
}

async function statusOf(id: string, merchant: TestMerchant = gateway.merchantA) {
  const response = await json(await gateway.call(merchant, "GET", `/v1/interceptions/${id}`));
  return String(response.body.status);
}

describe("POST /v1/interceptions/release", () => {
  it("releases the merchant's locks of the given orders, as a single cancel would, and nothing else", async () => {
    const a1 = await intercept(gateway.merchantA, "ORD-1");
    const a1Submitted = await intercept(gateway.merchantA, "ORD-1", "in_transit");
    const a2 = await intercept(gateway.merchantA, "ORD-2");
    const a3 = await intercept(gateway.merchantA, "ORD-3");
    const b1 = await intercept(gateway.merchantB, "ORD-1");
    const single = await intercept(gateway.merchantA, "ORD-4");

    const response = await json(await release({ orderIds: ["ORD-1", "ORD-2", "ORD-none"] }));
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ released: [a1, a2], skipped: [], more: false });

    expect(await statusOf(a1)).toBe("released");
    expect(await statusOf(a2)).toBe("released");
    expect(await statusOf(a1Submitted), "not a lock: not matched").toBe("submitted");
    expect(await statusOf(a3), "another order").toBe("locked");
    expect(await statusOf(b1, gateway.merchantB), "another merchant's").toBe("locked");
    expect(carrier.callsOf("cancel"), "a submitted one is never withdrawn").toEqual([]);

    // The same transition and event as POST /v1/interceptions/{id}/cancel on a lock.
    const cancelled = await json(
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${single}/cancel`),
    );
    const bulk = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${a1}`),
    );
    expect(cancelled.body.status).toBe("released");
    expect(bulk.body.events).toEqual([
      expect.objectContaining({ status: "locked" }),
      expect.objectContaining({ status: "released" }),
    ]);
    expect(lastEventDetail(bulk.body)).toBe(lastEventDetail(cancelled.body));
  });

  it("releases by age: locks taken strictly before lockedBefore", async () => {
    const oldest = await intercept(gateway.merchantA, "ORD-1");
    clock.advance(10 * minute);
    const boundary = clock.now().toISOString();
    const atBoundary = await intercept(gateway.merchantA, "ORD-2");
    clock.advance(10 * minute);
    const newest = await intercept(gateway.merchantA, "ORD-3");

    const response = await json(await release({ lockedBefore: boundary }));
    expect(response.body, response.text).toEqual({ released: [oldest], skipped: [], more: false });
    expect(await statusOf(atBoundary)).toBe("locked");

    // Any offset names the same instant: a minute after the boundary, written at +08:00.
    const oneMinuteLater = new Date(Date.parse(boundary) + minute + 8 * 3600_000)
      .toISOString()
      .replace("Z", "+08:00");
    const again = await json(await release({ lockedBefore: oneMinuteLater }));
    expect(again.body, again.text).toEqual({ released: [atBoundary], skipped: [], more: false });
    expect(await statusOf(newest)).toBe("locked");
  });

  it("dates a lock from when it became locked, not from when it was stored", async () => {
    // Accepted while the carrier could not be asked: pending, then locked by the worker later.
    // (Three tries for the request's assessment, three for its job's late one.)
    carrier.scriptedErrors.track.push(...Array.from({ length: 6 }, () => "unavailable" as const));
    const trackingNumber = "SF8800000000999";
    carrier.states.set(trackingNumber, "not_collected");
    const created = await json(
      await gateway.intercept(gateway.merchantA, "late-lock", interceptBody({ trackingNumber })),
    );
    expect(created.body.status, created.text).toBe("pending");
    const storedAt = clock.now().toISOString();
    clock.advance(30 * minute);
    const lockedAt = clock.now().toISOString();
    await gateway.worker.runOnce();
    expect(await statusOf(String(created.body.id))).toBe("locked");

    const beforeLock = await json(
      await release({ lockedBefore: new Date(Date.parse(storedAt) + minute).toISOString() }),
    );
    expect(beforeLock.body, "stored before, locked after").toEqual({
      released: [],
      skipped: [],
      more: false,
    });
    const afterLock = await json(
      await release({ lockedBefore: new Date(Date.parse(lockedAt) + 1).toISOString() }),
    );
    expect(afterLock.body, afterLock.text).toEqual({
      released: [created.body.id],
      skipped: [],
      more: false,
    });
  });

  it("given both, releases only the locks matching both", async () => {
    const oldOfOrder = await intercept(gateway.merchantA, "ORD-1");
    const oldOfOther = await intercept(gateway.merchantA, "ORD-2");
    clock.advance(10 * minute);
    const newOfOrder = await intercept(gateway.merchantA, "ORD-1");

    const response = await json(
      await release({ orderIds: ["ORD-1"], lockedBefore: clock.now().toISOString() }),
    );
    expect(response.body, response.text).toEqual({
      released: [oldOfOrder],
      skipped: [],
      more: false,
    });
    expect(await statusOf(oldOfOther)).toBe("locked");
    expect(await statusOf(newOfOrder)).toBe("locked");
  });

  it("is harmless to repeat: nothing left to release gives empty lists", async () => {
    const lock = await intercept(gateway.merchantA, "ORD-1");
    const first = await json(await release({ orderIds: ["ORD-1"] }));
    expect(first.body.released).toEqual([lock]);
    const events = (
      await json(await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${lock}`))
    ).body.events;

    const again = await json(await release({ orderIds: ["ORD-1"] }));
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual({ released: [], skipped: [], more: false });
    const after = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${lock}`),
    );
    expect(after.body.events, "no second event").toEqual(events);
  });

  it("skips, with the reason, a lock that moved on between being found and being released", async () => {
    const movesOn = await intercept(gateway.merchantA, "ORD-1");
    const stays = await intercept(gateway.merchantA, "ORD-1");
    // Another request releases one just after this one found both.
    const lockedOf = gateway.store.interceptions.lockedOf.bind(gateway.store.interceptions);
    gateway.store.interceptions.lockedOf = async (...args) => {
      const found = await lockedOf(...args);
      await gateway.call(gateway.merchantA, "POST", `/v1/interceptions/${movesOn}/cancel`);
      return found;
    };

    const response = await json(await release({ orderIds: ["ORD-1"] }));
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      released: [stays],
      skipped: [
        {
          id: movesOn,
          code: "invalid_transition",
          reason: "The interception is released, no longer locked.",
        },
      ],
      more: false,
    });
  });

  it("never touches another merchant's locks, whatever it names", async () => {
    const ofA = await intercept(gateway.merchantA, "ORD-1");
    const response = await json(
      await release(
        { orderIds: ["ORD-1"], lockedBefore: "2099-01-01T00:00:00Z" },
        gateway.merchantB,
      ),
    );
    expect(response.body, response.text).toEqual({ released: [], skipped: [], more: false });
    expect(await statusOf(ofA)).toBe("locked");
  });
});

describe("POST /v1/interceptions/release refuses a request it cannot read", () => {
  const tooMany = Array.from({ length: 101 }, (_, i) => `ORD-${i}`);
  it.each([
    ["neither orderIds nor lockedBefore", {}],
    ["an empty list of order ids", { orderIds: [] }],
    ["more than 100 order ids", { orderIds: tooMany }],
    ["an empty order id", { orderIds: [""] }],
    ["a date without a time", { lockedBefore: "2026-11-21" }],
    ["a field it does not know", { orderIds: ["ORD-1"], status: "locked" }],
    ["ids instead of order ids", { ids: ["icp_x"] }],
  ])("400 validation_failed for %s, and nothing changes", async (_name, body) => {
    const lock = await intercept(gateway.merchantA, "ORD-1");
    const response = await json(await release(body));
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ code: "validation_failed", status: 400 });
    expect(await statusOf(lock)).toBe("locked");
  });

  it("415 for a body that is not JSON, and 401 without a key", async () => {
    const lock = await intercept(gateway.merchantA, "ORD-1");
    const notJson = await gateway.call(gateway.merchantA, "POST", "/v1/interceptions/release", {
      rawBody: "orderIds=ORD-1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(notJson.status).toBe(415);
    const anonymous = await gateway.call(null, "POST", "/v1/interceptions/release", {
      body: { orderIds: ["ORD-1"] },
    });
    expect(anonymous.status).toBe(401);
    expect(await statusOf(lock)).toBe("locked");
  });
});
