/**
 * Negotiated ship dates (API.md "Negotiated ship date", seed 002) through the API, on the store
 * the project runs (SQLite, or PostgreSQL in the `postgres` project): proposing, the buyer's
 * answer, the limits, expiry, the shipment's `shipBy` and its deadline, webhooks, isolation and
 * refusals that change nothing. The gateway's clock is a fake one standing at a known instant, so
 * dates are fixed: 2026-12-01T08:00Z is 16:00 on 1 December in China.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WebhookEvent } from "../../contracts/webhooks.ts";
import { type DeadlineOutcome, deadlineHandlers } from "../../src/scheduler/handlers.ts";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  json,
  onPostgres,
  type TestGateway,
  type TestMerchant,
} from "../harness.ts";
import { type Receiver, startReceiver } from "../webhooks/receiver.ts";

const start = new Date("2026-12-01T08:00:00.000Z");
const hour = 3_600_000;
const at = (ms: number) => new Date(start.getTime() + ms).toISOString();

let clock: ManualClock;
let gateway: TestGateway;
let keys = 0;

beforeEach(async () => {
  clock = manualClock(start);
  gateway = await createTestGateway(new FakeCarrier().adapter, {}, { now: clock.now });
});
afterEach(async () => {
  await gateway.close();
});

/** A shipment of the merchant awaiting shipment, paid an hour ago; returns its id. */
async function newShipment(merchant: TestMerchant, shipBy = at(47 * hour)): Promise<string> {
  keys += 1;
  const created = await json(
    await gateway.call(merchant, "POST", "/v1/shipments", {
      body: { orderId: `ORD-${keys}`, category: "apparel", paidAt: at(-hour), shipBy },
      headers: { "idempotency-key": `sdp-${keys}` },
    }),
  );
  expect(created.status, created.text).toBe(201);
  return String(created.body.id);
}

async function propose(merchant: TestMerchant, shipmentId: string, body: unknown) {
  return json(
    await gateway.call(merchant, "POST", `/v1/shipments/${shipmentId}/ship-date-proposals`, {
      body,
    }),
  );
}

/** The buyer's answer as the storefront relays it: with a `{}` body, or none. */
async function answer(
  merchant: TestMerchant,
  id: string,
  verdict: "accept" | "reject",
  body?: unknown,
) {
  return json(
    await gateway.call(merchant, "POST", `/v1/ship-date-proposals/${id}/${verdict}`, {
      ...(body === undefined ? {} : { body }),
    }),
  );
}

async function shipmentOf(merchant: TestMerchant, id: string) {
  const read = await json(await gateway.call(merchant, "GET", `/v1/shipments/${id}`));
  expect(read.status, read.text).toBe(200);
  return read.body;
}

async function proposalOf(merchant: TestMerchant, id: string) {
  return json(await gateway.call(merchant, "GET", `/v1/ship-date-proposals/${id}`));
}

/** A proposal made and checked: its id. */
async function proposed(merchant: TestMerchant, shipmentId: string, shipDate: string) {
  const made = await propose(merchant, shipmentId, { shipDate });
  expect(made.status, made.text).toBe(201);
  return String(made.body.id);
}

function reasonCodes(body: Record<string, unknown>): string[] {
  return ((body.reasons as Array<{ code: string }> | undefined) ?? []).map((each) => each.code);
}

/**
 * Acts on the deadlines of these subjects that are due by the gateway's clock. SQLite: the
 * deadline worker's pass, as in production. PostgreSQL: pg-boss reads what is due from the
 * database's clock, which the test's clock does not move, so each due deadline's handler (the
 * worker's part) runs here directly.
 */
async function actOnDeadlines(...subjectIds: string[]): Promise<void> {
  if (!onPostgres) {
    await gateway.deadlineWorker.runDue();
    return;
  }
  const { services, config } = gateway;
  const deps = {
    store: gateway.store,
    carriers: services.carriers,
    logger: services.logger,
    metrics: services.metrics,
    now: clock.now,
    carrierDeadlineMs: config.requestDeadlineMs,
    collectionLooks: config.collectionLooks,
    obligations: config.obligations,
  };
  for (const subjectId of subjectIds) {
    for (const deadline of await gateway.store.deadlines.openFor(subjectId)) {
      if (deadline.dueAt <= clock.now().toISOString()) {
        const outcome: DeadlineOutcome = await deadlineHandlers[deadline.kind](deadline, deps);
        expect(outcome, deadline.id).toEqual({ done: true });
      }
    }
  }
}

describe("proposing a ship date", () => {
  it("stores it awaiting the buyer, expiring 24 h later when shipBy is further, listed on the shipment", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const made = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-05" });
    expect(made.status, made.text).toBe(201);
    const resource = {
      id: expect.stringMatching(/^sdp_/),
      status: "awaiting_buyer",
      shipDate: "2026-12-05",
      proposedAt: start.toISOString(),
      expiresAt: at(24 * hour),
    };
    expect(made.body).toEqual(resource);
    const id = String(made.body.id);
    const read = await proposalOf(gateway.merchantA, id);
    expect(read.body, read.text).toEqual(made.body);
    const shipment = await shipmentOf(gateway.merchantA, shipmentId);
    expect(shipment).toMatchObject({ proposals: [made.body], shipBy: at(47 * hour) });
    expect(
      (await gateway.store.deadlines.openFor(id)).map((each) => [each.kind, each.dueAt]),
    ).toEqual([["proposal_expiry", at(24 * hour)]]);
  });

  it("expires at shipBy when that comes before 24 h", async () => {
    const shipmentId = await newShipment(gateway.merchantA, at(5 * hour));
    const made = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-03" });
    expect(made.status, made.text).toBe(201);
    expect(made.body.expiresAt).toBe(at(5 * hour));
  });

  it("takes one awaiting the buyer at a time, three in all: the fourth is refused", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const first = await proposed(gateway.merchantA, shipmentId, "2026-12-04");
    const pending = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-05" });
    expect(pending.status, pending.text).toBe(409);
    expect(pending.body.code).toBe("invalid_transition");
    expect(reasonCodes(pending.body)).toEqual(["proposal_pending"]);
    expect((await answer(gateway.merchantA, first, "reject")).status).toBe(200);
    const second = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    expect((await answer(gateway.merchantA, second, "reject", {})).status).toBe(200);
    const third = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-06" });
    expect(third.status, `the third is accepted: ${third.text}`).toBe(201);
    expect((await answer(gateway.merchantA, String(third.body.id), "reject")).status).toBe(200);

    const fourth = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-07" });
    expect(fourth.status, fourth.text).toBe(409);
    expect(fourth.body).toMatchObject({ code: "invalid_transition", status: 409 });
    expect(reasonCodes(fourth.body)).toEqual(["proposal_limit_reached"]);
    const shipment = await shipmentOf(gateway.merchantA, shipmentId);
    expect((shipment.proposals as Array<{ status: string }>).map((each) => each.status)).toEqual([
      "rejected",
      "rejected",
      "rejected",
    ]);
    expect(shipment.shipBy, "every rejection keeps shipBy").toBe(at(47 * hour));
  });

  it("lets one of two proposals sent at once through: the other, decided again, is pending", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const both = await Promise.all([
      propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-04" }),
      propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-05" }),
    ]);
    expect(both.map((each) => each.status).sort(), JSON.stringify(both)).toEqual([201, 409]);
    const refused = both.find((each) => each.status === 409);
    expect(reasonCodes(refused?.body ?? {})).toEqual(["proposal_pending"]);
    expect((await shipmentOf(gateway.merchantA, shipmentId)).proposals).toHaveLength(1);
  });

  it("takes none after one was accepted", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    expect((await answer(gateway.merchantA, id, "accept")).status).toBe(200);
    const after = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-06" });
    expect(after.status, after.text).toBe(409);
    expect(reasonCodes(after.body)).toEqual(["proposal_already_accepted"]);
    expect((await shipmentOf(gateway.merchantA, shipmentId)).proposals).toHaveLength(1);
  });

  it("refuses bad input and the wrong state with a problem, storing nothing", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const cases: Array<{ body: unknown; status: number; path?: string; reason?: string }> = [
      { body: { shipDate: "5 December" }, status: 400, path: "shipDate" },
      { body: { shipDate: "2026-12-05T00:00:00Z" }, status: 400, path: "shipDate" },
      { body: {}, status: 400, path: "shipDate" },
      { body: { shipDate: "2026-12-05", extra: 1 }, status: 400 },
      { body: { shipDate: "2026-02-30" }, status: 422, path: "shipDate" },
      // Yesterday in China (and in UTC).
      { body: { shipDate: "2026-11-30" }, status: 422, path: "shipDate" },
    ];
    for (const each of cases) {
      const refused = await propose(gateway.merchantA, shipmentId, each.body);
      const label = `${JSON.stringify(each.body)}: ${refused.text}`;
      expect(refused.status, label).toBe(each.status);
      expect(refused.body, label).toMatchObject({
        code: "validation_failed",
        status: each.status,
      });
      if (each.path) {
        expect(
          (refused.body.errors as Array<{ path: string }>).map((error) => error.path),
          label,
        ).toContain(each.path);
      }
    }
    const unknown = await propose(gateway.merchantA, "shp_missing", { shipDate: "2026-12-05" });
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.body.code).toBe("not_found");

    const shipped = await newShipment(gateway.merchantA);
    const ship = await gateway.call(gateway.merchantA, "POST", `/v1/shipments/${shipped}/ship`, {
      body: { carrier: "sf-express", trackingNumber: "SF7" },
    });
    expect(ship.status).toBe(200);
    const refunded = await newShipment(gateway.merchantA);
    const refund = await gateway.call(
      gateway.merchantA,
      "POST",
      `/v1/shipments/${refunded}/refund`,
      { body: {} },
    );
    expect(refund.status).toBe(200);
    for (const id of [shipped, refunded]) {
      const wrong = await propose(gateway.merchantA, id, { shipDate: "2026-12-05" });
      expect(wrong.status, wrong.text).toBe(409);
      expect(reasonCodes(wrong.body)).toEqual(["shipment_not_awaiting_shipment"]);
    }
    const late = await newShipment(gateway.merchantA, at(-hour / 2));
    const afterShipBy = await propose(gateway.merchantA, late, { shipDate: "2026-12-05" });
    expect(afterShipBy.status, afterShipBy.text).toBe(409);
    expect(reasonCodes(afterShipBy.body)).toEqual(["ship_by_passed"]);

    for (const id of [shipmentId, shipped, refunded, late]) {
      expect((await shipmentOf(gateway.merchantA, id)).proposals, id).toEqual([]);
      const kinds = (await gateway.store.deadlines.openFor(id)).map((each) => each.kind);
      expect(kinds, id).not.toContain("proposal_expiry");
    }
    expect(await gateway.store.proposals.ofShipment(shipmentId)).toEqual([]);
  });

  it("reads China's date: at 01:00 on 2 December in China (17:00 UTC the day before), 2 December is today and 1 December has passed", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    clock.advance(9 * hour); // 2026-12-01T17:00:00Z
    const yesterday = await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-01" });
    expect(yesterday.status, yesterday.text).toBe(422);
    expect(yesterday.body.errors).toEqual([
      expect.objectContaining({
        path: "shipDate",
        message: expect.stringContaining("ship_date_in_past"),
      }),
    ]);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-02");
    const accepted = await answer(gateway.merchantA, id, "accept");
    expect(accepted.status, accepted.text).toBe(200);
    expect((await shipmentOf(gateway.merchantA, shipmentId)).shipBy).toBe(
      "2026-12-02T15:59:59.000Z",
    );
  });
});

describe("the buyer's answer", () => {
  it("accepted: shipBy becomes 23:59:59 China time of the date, and the overdue check moves with it", async () => {
    const oldShipBy = at(47 * hour);
    const shipmentId = await newShipment(gateway.merchantA, oldShipBy);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    clock.advance(hour);
    const accepted = await answer(gateway.merchantA, id, "accept");
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ id, status: "accepted", shipDate: "2026-12-05" });
    const newShipBy = "2026-12-05T15:59:59.000Z";
    const shipment = await shipmentOf(gateway.merchantA, shipmentId);
    expect(shipment).toMatchObject({
      shipBy: newShipBy,
      status: "awaiting_shipment",
      proposals: [accepted.body],
    });
    const open = await gateway.store.deadlines.openFor(shipmentId);
    expect(open.map((each) => [each.kind, each.dueAt])).toEqual([
      ["ship_by", oldShipBy],
      ["ship_by", newShipBy],
    ]);

    clock.advance(Date.parse(oldShipBy) - clock.now().getTime());
    await actOnDeadlines(shipmentId);
    expect(
      (await shipmentOf(gateway.merchantA, shipmentId)).overdue,
      "the old shipBy passing does nothing",
    ).toBe(false);
    clock.advance(Date.parse(newShipBy) - clock.now().getTime() - 1);
    await actOnDeadlines(shipmentId);
    expect((await shipmentOf(gateway.merchantA, shipmentId)).overdue, "a second early").toBe(false);
    clock.advance(1);
    await actOnDeadlines(shipmentId);
    const overdue = await shipmentOf(gateway.merchantA, shipmentId);
    expect(overdue, "overdue at the new shipBy").toMatchObject({
      overdue: true,
      shipBy: newShipBy,
    });
    expect((overdue.events as Array<{ type: string; detail: string }>).at(-1)).toMatchObject({
      type: "overdue",
      detail: `Not collected by ${newShipBy}.`,
    });
  });

  it("rejected: the original shipBy stands; an answered proposal takes no other answer", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    const rejected = await answer(gateway.merchantA, id, "reject", {});
    expect(rejected.status, rejected.text).toBe(200);
    expect(rejected.body.status).toBe("rejected");
    for (const verdict of ["accept", "reject"] as const) {
      const again = await answer(gateway.merchantA, id, verdict);
      expect(again.status, again.text).toBe(409);
      expect(reasonCodes(again.body)).toEqual(["proposal_already_answered"]);
    }
    const shipment = await shipmentOf(gateway.merchantA, shipmentId);
    expect(shipment.shipBy).toBe(at(47 * hour));
    expect((shipment.proposals as Array<{ status: string }>)[0]?.status).toBe("rejected");
    expect((await gateway.store.deadlines.openFor(shipmentId)).map((each) => each.dueAt)).toEqual([
      at(47 * hour),
    ]);
  });

  it("past expiresAt the proposal reads expired before the scheduler runs, and takes no answer", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    clock.advance(24 * hour - 1);
    expect((await proposalOf(gateway.merchantA, id)).body.status, "a millisecond early").toBe(
      "awaiting_buyer",
    );
    clock.advance(1);
    expect((await proposalOf(gateway.merchantA, id)).body.status).toBe("expired");
    expect((await shipmentOf(gateway.merchantA, shipmentId)).proposals).toEqual([
      expect.objectContaining({ id, status: "expired" }),
    ]);
    const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/shipments"));
    expect(list.body.data).toEqual([
      expect.objectContaining({ proposals: [expect.objectContaining({ status: "expired" })] }),
    ]);
    const late = await answer(gateway.merchantA, id, "accept");
    expect(late.status, late.text).toBe(409);
    expect(reasonCodes(late.body)).toEqual(["proposal_expired"]);
    expect((await gateway.store.proposals.getById(id))?.status, "not written yet").toBe(
      "awaiting_buyer",
    );
    expect((await shipmentOf(gateway.merchantA, shipmentId)).shipBy).toBe(at(47 * hour));
    // Expired, a new one may be proposed (it counts toward the three).
    expect((await propose(gateway.merchantA, shipmentId, { shipDate: "2026-12-05" })).status).toBe(
      201,
    );
  });

  it("404s for unknown proposals", async () => {
    for (const [method, path] of [
      ["GET", "/v1/ship-date-proposals/sdp_missing"],
      ["POST", "/v1/ship-date-proposals/sdp_missing/accept"],
      ["POST", "/v1/ship-date-proposals/sdp_missing/reject"],
    ] as const) {
      const missing = await json(await gateway.call(gateway.merchantA, method, path));
      expect(missing.status, `${method} ${path}: ${missing.text}`).toBe(404);
      expect(missing.body.code).toBe("not_found");
    }
  });
});

describe("lists", () => {
  it("shows each shipment of a page with its own proposals", async () => {
    const first = await newShipment(gateway.merchantA);
    const second = await newShipment(gateway.merchantA);
    const third = await newShipment(gateway.merchantA);
    const a = await proposed(gateway.merchantA, first, "2026-12-04");
    await answer(gateway.merchantA, a, "reject");
    const b = await proposed(gateway.merchantA, first, "2026-12-05");
    const c = await proposed(gateway.merchantA, third, "2026-12-06");
    const list = await json(await gateway.call(gateway.merchantA, "GET", "/v1/shipments"));
    const ids = (proposals: unknown) => (proposals as Array<{ id: string }>).map((each) => each.id);
    const byId = new Map(
      (list.body.data as Array<{ id: string; proposals: unknown }>).map((each) => [
        each.id,
        ids(each.proposals),
      ]),
    );
    expect(byId).toEqual(
      new Map([
        [third, [c]],
        [second, []],
        [first, [a, b]],
      ]),
    );
  });
});

describe("merchants' isolation", () => {
  it("answers 404 to another merchant's shipment or proposal, changing nothing", async () => {
    const shipmentId = await newShipment(gateway.merchantA);
    const id = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    const foreignPropose = await propose(gateway.merchantB, shipmentId, { shipDate: "2026-12-06" });
    expect(foreignPropose.status, foreignPropose.text).toBe(404);
    expect((await proposalOf(gateway.merchantB, id)).status).toBe(404);
    for (const verdict of ["accept", "reject"] as const) {
      expect((await answer(gateway.merchantB, id, verdict)).status, verdict).toBe(404);
    }
    const mine = await shipmentOf(gateway.merchantA, shipmentId);
    expect(mine.shipBy).toBe(at(47 * hour));
    expect(mine.proposals).toEqual([expect.objectContaining({ id, status: "awaiting_buyer" })]);
  });
});

describe("webhooks", () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver((_request, response) => response.writeHead(204).end());
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function delivered(): Promise<WebhookEvent[]> {
    await gateway.webhookWorker.runOnce();
    return receiver.requests.splice(0).map((request) => JSON.parse(request.body) as WebhookEvent);
  }

  it("sends proposal.accepted, proposal.rejected and proposal.expired with the proposal, and the shipment's with its proposals", async () => {
    const endpoint = await json(
      await gateway.call(gateway.merchantA, "POST", "/v1/webhook-endpoints", {
        body: { url: `http://127.0.0.1:${receiver.port}/hooks` },
      }),
    );
    expect(endpoint.status, endpoint.text).toBe(201);
    const shipmentId = await newShipment(gateway.merchantA);

    const rejected = await proposed(gateway.merchantA, shipmentId, "2026-12-04");
    await answer(gateway.merchantA, rejected, "reject");
    const [rejection, ...moreRejections] = await delivered();
    expect(moreRejections).toEqual([]);
    expect(rejection).toMatchObject({
      type: "proposal.rejected",
      data: { id: rejected, status: "rejected", shipDate: "2026-12-04" },
    });

    const expiring = await proposed(gateway.merchantA, shipmentId, "2026-12-05");
    clock.advance(24 * hour);
    await actOnDeadlines(expiring);
    expect(await gateway.store.proposals.getById(expiring)).toMatchObject({
      status: "expired",
      answeredAt: at(24 * hour),
    });
    const expiries = await delivered();
    expect(expiries).toEqual([
      expect.objectContaining({
        type: "proposal.expired",
        data: expect.objectContaining({ id: expiring, status: "expired" }),
      }),
    ]);

    const accepted = await proposed(gateway.merchantA, shipmentId, "2026-12-06");
    await answer(gateway.merchantA, accepted, "accept");
    const acceptances = await delivered();
    expect(acceptances).toEqual([
      expect.objectContaining({
        type: "proposal.accepted",
        data: expect.objectContaining({ id: accepted, status: "accepted" }),
      }),
    ]);

    clock.advance(Date.parse("2026-12-06T15:59:59.000Z") - clock.now().getTime());
    await actOnDeadlines(shipmentId);
    const overdue = (await delivered()).find((event) => event.type === "shipment.overdue");
    const data = overdue?.data as { shipBy: string; proposals: Array<{ status: string }> };
    expect(data.shipBy).toBe("2026-12-06T15:59:59.000Z");
    expect(data.proposals.map((each) => each.status)).toEqual(["rejected", "expired", "accepted"]);
  });
});
