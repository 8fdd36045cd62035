/**
 * The shipments routes (API.md "Shipments and shipping obligations") in-process, on the store the
 * project runs (SQLite, or PostgreSQL in the `postgres` project): register, ship, refund, read,
 * list; refusals that change nothing; the scheduler's deadlines acting on them.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, json, type TestGateway, type TestMerchant } from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF100", "not_collected");
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

const hour = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();

function body(overrides: Record<string, unknown> = {}) {
  return {
    orderId: "ORD-1",
    category: "apparel",
    paidAt: ago(hour),
    shipBy: ahead(47 * hour),
    ...overrides,
  };
}

async function create(merchant: TestMerchant, key: string, payload: unknown) {
  return json(
    await gateway.call(merchant, "POST", "/v1/shipments", {
      body: payload,
      headers: { "idempotency-key": key },
    }),
  );
}

async function post(merchant: TestMerchant, path: string, payload: unknown) {
  return json(await gateway.call(merchant, "POST", path, { body: payload }));
}

async function read(merchant: TestMerchant, id: string) {
  return json(await gateway.call(merchant, "GET", `/v1/shipments/${id}`));
}

describe("registering a shipment", () => {
  it("stores it awaiting shipment, and replays the answer for the same key", async () => {
    const first = await create(
      gateway.merchantA,
      "k1",
      body({ items: [{ subOrderId: "S1", quantity: 1 }] }),
    );
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({
      orderId: "ORD-1",
      status: "awaiting_shipment",
      carrier: null,
      trackingNumber: null,
      collectedAt: null,
      overdue: false,
      proposals: [],
      items: [{ subOrderId: "S1", quantity: 1 }],
    });
    expect(String(first.body.id)).toMatch(/^shp_/);
    const replay = await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
      body: body({
        items: [{ subOrderId: "S1", quantity: 1 }],
        paidAt: first.body.paidAt,
        shipBy: first.body.shipBy,
      }),
      headers: { "idempotency-key": "k1" },
    });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(first.text);
    const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/shipments"));
    expect((list.body.data as unknown[]).length, "one shipment, not two").toBe(1);
  });

  it("requires an Idempotency-Key and refuses one reused with another body", async () => {
    const missing = await json(
      await gateway.call(gateway.merchantA, "POST", "/v1/shipments", { body: body() }),
    );
    expect(missing.body.code, missing.text).toBe("idempotency_key_required");
    await create(gateway.merchantA, "k2", body());
    const reused = await create(gateway.merchantA, "k2", body({ orderId: "ORD-2" }));
    expect(reused.status, reused.text).toBe(422);
    expect(reused.body.code).toBe("idempotency_key_reused");
  });

  it("refuses malformed and contradictory dates, storing nothing", async () => {
    const malformed = await create(gateway.merchantA, "k3", body({ shipBy: "tomorrow" }));
    expect(malformed.status, malformed.text).toBe(400);
    expect(malformed.body.code).toBe("validation_failed");
    const backwards = await create(gateway.merchantA, "k4", body({ shipBy: ago(2 * hour) }));
    expect(backwards.status, backwards.text).toBe(422);
    expect(backwards.body).toMatchObject({ code: "validation_failed", status: 422 });
    const future = await create(
      gateway.merchantA,
      "k5",
      body({ paidAt: ahead(hour), shipBy: ahead(2 * hour) }),
    );
    expect(future.status, future.text).toBe(422);
    const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/shipments"));
    expect(list.body.data).toEqual([]);
  });
});

describe("shipping and refunding", () => {
  it("ships once, binding the parcel; a second ship is an invalid transition", async () => {
    const { body: created } = await create(gateway.merchantA, "k1", body());
    const id = String(created.id);
    const shipped = await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(shipped.status, shipped.text).toBe(200);
    expect(shipped.body).toMatchObject({
      status: "shipped",
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(await gateway.store.interceptions.parcelOwner("sf-express", "SF100")).toBe(
      gateway.merchantA.id,
    );
    const again = await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF101",
    });
    expect(again.status, again.text).toBe(409);
    expect(again.body.code).toBe("invalid_transition");
    expect(again.body.reasons).toEqual([expect.objectContaining({ code: "wrong_status" })]);
    expect((await read(gateway.merchantA, id)).body.trackingNumber, "nothing changed").toBe(
      "SF100",
    );
  });

  it("refuses another merchant's parcel as an intercept does, and changes nothing", async () => {
    const { body: mine } = await create(gateway.merchantA, "k1", body());
    await post(gateway.merchantA, `/v1/shipments/${String(mine.id)}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    const { body: theirs } = await create(gateway.merchantB, "k1", body());
    const refused = await post(gateway.merchantB, `/v1/shipments/${String(theirs.id)}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({
      code: "not_eligible",
      reasons: [
        { code: "unknown_parcel", message: "The carrier does not know this tracking number." },
      ],
    });
    const after = await read(gateway.merchantB, String(theirs.id));
    expect(after.body).toMatchObject({ status: "awaiting_shipment", trackingNumber: null });
    expect(after.body.events).toHaveLength(1);
  });

  it("refunds a shipped shipment once; unknown carriers, future and early dates are refused", async () => {
    const { body: created } = await create(gateway.merchantA, "k1", body());
    const id = String(created.id);
    const unknown = await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "pigeon-post",
      trackingNumber: "P1",
    });
    expect(unknown.body.code, unknown.text).toBe("unknown_carrier");
    const early = await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
      shippedAt: ago(2 * hour),
    });
    expect(early.status, early.text).toBe(422);
    const refunded = await post(gateway.merchantA, `/v1/shipments/${id}/refund`, {});
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body.status).toBe("refunded");
    expect(refunded.body.refundedAt).toEqual(expect.any(String));
    const twice = await post(gateway.merchantA, `/v1/shipments/${id}/refund`, {});
    expect(twice.status, twice.text).toBe(409);
    const future = await post(gateway.merchantA, `/v1/shipments/${id}/refund`, {
      refundedAt: ahead(hour),
    });
    expect(future.status, future.text).toBe(422);
  });
});

describe("reading", () => {
  it("keeps each merchant's shipments to that merchant", async () => {
    const { body: created } = await create(gateway.merchantA, "k1", body());
    const id = String(created.id);
    expect((await read(gateway.merchantB, id)).status).toBe(404);
    expect((await read(gateway.merchantA, "shp_missing")).status).toBe(404);
    const foreignShip = await post(gateway.merchantB, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(foreignShip.status, foreignShip.text).toBe(404);
    const foreignRefund = await post(gateway.merchantB, `/v1/shipments/${id}/refund`, {});
    expect(foreignRefund.status).toBe(404);
    const theirs = await json(await gateway.call(gateway.merchantB, "GET", "/v1/shipments"));
    expect(theirs.body.data).toEqual([]);
  });

  it("lists newest first, filtered by order and status, a page at a time", async () => {
    const ids: string[] = [];
    for (const [key, orderId] of [
      ["a", "ORD-1"],
      ["b", "ORD-2"],
      ["c", "ORD-1"],
    ] as const) {
      ids.push(String((await create(gateway.merchantA, key, body({ orderId }))).body.id));
    }
    await post(gateway.merchantA, `/v1/shipments/${ids[0]}/refund`, {});
    const page = await json(await gateway.call(gateway.merchantA, "GET", "/v1/shipments?limit=2"));
    expect((page.body.data as Array<{ id: string }>).map((each) => each.id)).toEqual([
      ids[2],
      ids[1],
    ]);
    const next = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        `/v1/shipments?limit=2&cursor=${String(page.body.nextCursor)}`,
      ),
    );
    expect((next.body.data as Array<{ id: string }>).map((each) => each.id)).toEqual([ids[0]]);
    expect(next.body.nextCursor).toBeNull();
    const filtered = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        "/v1/shipments?orderId=ORD-1&status=awaiting_shipment",
      ),
    );
    expect((filtered.body.data as Array<{ id: string }>).map((each) => each.id)).toEqual([ids[2]]);
    const bad = await json(
      await gateway.call(gateway.merchantA, "GET", "/v1/shipments?status=lost"),
    );
    expect(bad.status).toBe(400);
  });
});

describe("the scheduler's deadlines", () => {
  it("acts at once on a shipBy already past: overdue, status unchanged", async () => {
    const { body: created } = await create(
      gateway.merchantA,
      "k1",
      body({ paidAt: ago(3 * hour), shipBy: ago(hour) }),
    );
    expect(await gateway.deadlineWorker.runDue()).toBe(1);
    const after = await read(gateway.merchantA, String(created.id));
    expect(after.body).toMatchObject({ status: "awaiting_shipment", overdue: true });
    expect((after.body.events as Array<{ type: string }>).map((each) => each.type)).toEqual([
      "created",
      "overdue",
    ]);
    expect(await gateway.deadlineWorker.runDue(), "acted on once").toBe(0);
  });

  it("does nothing at shipBy for a shipment refunded before it", async () => {
    const { body: created } = await create(
      gateway.merchantA,
      "k1",
      body({ paidAt: ago(3 * hour), shipBy: ago(hour) }),
    );
    await post(gateway.merchantA, `/v1/shipments/${String(created.id)}/refund`, {});
    expect(await gateway.deadlineWorker.runDue()).toBe(1);
    const after = await read(gateway.merchantA, String(created.id));
    expect(after.body).toMatchObject({ status: "refunded", overdue: false });
  });

  it("follows a shipped parcel until the carrier scans it: collected at the scan time", async () => {
    const scannedAt = ago(5 * 60_000);
    carrier.states.set("SF100", "in_transit");
    carrier.events.set("SF100", [
      { at: ago(60_000), carrierCode: "30", description: "in transit", state: "in_transit" },
      { at: scannedAt, carrierCode: "50", description: "collected", state: "in_transit" },
    ]);
    const { body: created } = await create(gateway.merchantA, "k1", body());
    const id = String(created.id);
    await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
      shippedAt: ago(10 * 60_000),
    });
    expect(await gateway.deadlineWorker.runDue()).toBe(1);
    const after = await read(gateway.merchantA, id);
    expect(after.body, after.text).toMatchObject({ status: "collected", collectedAt: scannedAt });
    expect((after.body.events as Array<{ actor: unknown }>).at(-1)?.actor).toEqual({
      type: "carrier",
      id: "sf-express",
    });
    const open = await gateway.store.deadlines.openFor(id);
    expect(
      open.map((each) => each.kind),
      "no more looks; shipBy still due",
    ).toEqual(["ship_by"]);
  });
});

describe("a carrier's push", () => {
  it("records a shipped parcel collected at the pushed scan time, without waiting for a look", async () => {
    const { body: created } = await create(gateway.merchantA, "k1", body());
    const id = String(created.id);
    await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    const report = (parcelState: string, at: string, eventId: string) => ({
      eventId,
      trackingNumber: "SF100",
      at,
      outcome: null,
      parcelState,
      detail: "route",
      fee: null,
    });
    const push = (reports: unknown[]) =>
      gateway.call(null, "POST", "/v1/carriers/sf-express/callbacks?token=fake-token", {
        body: reports,
      });
    expect((await push([report("not_collected", ago(120_000), "r0")])).status).toBe(200);
    expect((await read(gateway.merchantA, id)).body.status, "not collected yet").toBe("shipped");
    const scannedAt = ago(60_000);
    expect((await push([report("in_transit", scannedAt, "r1")])).status).toBe(200);
    const after = await read(gateway.merchantA, id);
    expect(after.body, after.text).toMatchObject({ status: "collected", collectedAt: scannedAt });
    expect((await push([report("in_transit", ago(1_000), "r2")])).status, "a repeat").toBe(200);
    expect((await read(gateway.merchantA, id)).body.collectedAt, "first scan kept").toBe(scannedAt);
  });
});

describe("shipBy passing for a shipped parcel", () => {
  it("looks at the tracking first: a scan by shipBy is collected on time, not overdue", async () => {
    const scannedAt = ago(90 * 60_000);
    carrier.states.set("SF100", "in_transit");
    carrier.events.set("SF100", [
      { at: scannedAt, carrierCode: "50", description: "collected", state: "in_transit" },
    ]);
    const { body: created } = await create(
      gateway.merchantA,
      "k1",
      body({ paidAt: ago(3 * hour), shipBy: ago(hour) }),
    );
    const id = String(created.id);
    await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
      shippedAt: ago(2 * hour),
    });
    // Both the shipBy deadline and the first look are due; whichever runs first, once settled
    // the shipment is collected at the scan and was never overdue.
    for (let pass = 0; pass < 3; pass += 1) {
      await gateway.deadlineWorker.runDue();
    }
    const after = await read(gateway.merchantA, id);
    expect(after.body, after.text).toMatchObject({
      status: "collected",
      collectedAt: scannedAt,
      overdue: false,
    });
  });

  it("records overdue when the carrier has not scanned the parcel by shipBy", async () => {
    const { body: created } = await create(
      gateway.merchantA,
      "k1",
      body({ paidAt: ago(3 * hour), shipBy: ago(hour) }),
    );
    const id = String(created.id);
    await post(gateway.merchantA, `/v1/shipments/${id}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
      shippedAt: ago(2 * hour),
    });
    await gateway.deadlineWorker.runDue();
    const after = await read(gateway.merchantA, id);
    expect(after.body, after.text).toMatchObject({ status: "shipped", overdue: true });
  });
});
