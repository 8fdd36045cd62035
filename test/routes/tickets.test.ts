/**
 * Urge-collection and urge-shipment tickets through the API (API.md "Shipments and shipping
 * obligations", seeds 001 and 004), on the store the project runs (SQLite, or PostgreSQL in the
 * `postgres` project): every rule, what shipping, collection and refunds do to open tickets,
 * isolation between merchants, and refusals that change nothing. The gateway's clock is a
 * manual one, set a month back so that on PostgreSQL (whose own clock says when a deadline job is
 * due) every job of the test is already due and the gateway's clock alone decides what happens.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chinaDateOf } from "../../src/domain/obligations/china-time.ts";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, json, type TestGateway, type TestMerchant } from "../harness.ts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

let carrier: FakeCarrier;
let clock: ManualClock;
let gateway: TestGateway;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF100", "not_collected");
  clock = manualClock(new Date(Date.now() - 30 * day));
  gateway = await createTestGateway(carrier.adapter, {}, { now: clock.now });
});
afterEach(async () => {
  await gateway.close();
});

const at = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();
/** The date `days` after the gateway's today, in China. */
const chinaDay = (days: number) => chinaDateOf(new Date(clock.now().getTime() + days * day));

async function post(merchant: TestMerchant, path: string, payload: unknown) {
  return json(await gateway.call(merchant, "POST", path, { body: payload }));
}

async function get(merchant: TestMerchant, path: string) {
  return json(await gateway.call(merchant, "GET", path));
}

let keys = 0;

/** A shipment awaiting shipment (category `apparel` unless told), or shipped with SF100. */
async function shipment(
  merchant: TestMerchant,
  options: { shipped?: boolean; category?: string } = {},
): Promise<string> {
  keys += 1;
  const created = await json(
    await gateway.call(merchant, "POST", "/v1/shipments", {
      body: {
        orderId: `ORD-${keys}`,
        category: options.category ?? "apparel",
        paidAt: at(-hour),
        shipBy: at(47 * hour),
      },
      headers: { "idempotency-key": `k${keys}` },
    }),
  );
  expect(created.status, created.text).toBe(201);
  const id = String(created.body.id);
  if (options.shipped) {
    const shipped = await ship(merchant, id);
    expect(shipped.status, shipped.text).toBe(200);
  }
  return id;
}

function ship(merchant: TestMerchant, id: string, trackingNumber = "SF100") {
  return post(merchant, `/v1/shipments/${id}/ship`, { carrier: "sf-express", trackingNumber });
}

async function open(merchant: TestMerchant, shipmentId: string, body: unknown) {
  return post(merchant, `/v1/shipments/${shipmentId}/tickets`, body);
}

/** Opens a ticket that must be accepted; its id. */
async function opened(shipmentId: string, type: string): Promise<string> {
  const response = await open(gateway.merchantA, shipmentId, { type });
  expect(response.status, response.text).toBe(201);
  return String(response.body.id);
}

const reply = (id: string, body: unknown, merchant = gateway.merchantA) =>
  post(merchant, `/v1/tickets/${id}/replies`, body);

const ticket = (id: string, merchant = gateway.merchantA) => get(merchant, `/v1/tickets/${id}`);

const eventTypes = (body: Record<string, unknown>) =>
  (body.events as Array<{ type: string }>).map((event) => event.type);

/** Expects a 409 naming `rule`. */
function expectRefused(response: Awaited<ReturnType<typeof post>>, rule: string) {
  expect(response.status, response.text).toBe(409);
  expect(response.body.code).toBe("invalid_transition");
  expect(response.body.reasons).toEqual([expect.objectContaining({ code: rule })]);
}

describe("opening a ticket", () => {
  it("opens urge_collection only for a shipped shipment, one open at a time", async () => {
    const id = await shipment(gateway.merchantA);
    expectRefused(
      await open(gateway.merchantA, id, { type: "urge_collection" }),
      "shipment_not_shipped",
    );
    await ship(gateway.merchantA, id);
    const first = await open(gateway.merchantA, id, { type: "urge_collection" });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({
      shipmentId: id,
      type: "urge_collection",
      status: "awaiting_merchant",
      openedAt: at(0),
      dueAt: at(day),
      resolution: null,
      replies: [],
      events: [{ type: "opened", actor: { type: "api_key" } }],
    });
    expect(String(first.body.id)).toMatch(/^tkt_/);
    expectRefused(
      await open(gateway.merchantA, id, { type: "urge_collection" }),
      "ticket_already_open",
    );
    const due = await gateway.store.deadlines.openFor(String(first.body.id));
    expect(due.map((each) => [each.kind, each.dueAt])).toEqual([["ticket_due", at(day)]]);
  });

  // Both read the shipment before either writes (as they do on SQLite here): the second write
  // finds the shipment stale, and the second read refuses it.
  it("opens one of two urges relayed at once: the other is decided again and refused", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const both = await Promise.all([
      open(gateway.merchantA, id, { type: "urge_collection" }),
      open(gateway.merchantA, id, { type: "urge_collection" }),
    ]);
    expect(both.map((each) => each.status).sort(), JSON.stringify(both)).toEqual([201, 409]);
    expectRefused(both.find((each) => each.status === 409) ?? both[0], "ticket_already_open");
    expect((await get(gateway.merchantA, "/v1/tickets")).body.data).toHaveLength(1);
  });

  it("gives a shipment that had an urge_shipment ticket no urge_collection: collection due 24 h after shipping", async () => {
    const id = await shipment(gateway.merchantA);
    await opened(id, "urge_shipment");
    expectRefused(
      await open(gateway.merchantA, id, { type: "urge_shipment" }),
      "ticket_already_open",
    );
    clock.advance(hour);
    const shipped = await ship(gateway.merchantA, id);
    expect(shipped.body, shipped.text).toMatchObject({ status: "shipped", collectBy: at(day) });
    expectRefused(
      await open(gateway.merchantA, id, { type: "urge_collection" }),
      "after_urge_shipment",
    );
    expectRefused(
      await open(gateway.merchantA, id, { type: "urge_shipment" }),
      "shipment_not_awaiting_shipment",
    );
  });

  it("takes an openedAt in the past and acts on it at once: a 24 h already run out is overdue", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const late = await open(gateway.merchantA, id, {
      type: "urge_collection",
      openedAt: at(-25 * hour),
    });
    expect(late.status, late.text).toBe(201);
    expect(late.body).toMatchObject({ status: "overdue", dueAt: at(-hour) });
    expect(late.body.events).toMatchObject([
      { type: "opened", actor: { type: "api_key" } },
      { type: "overdue", at: at(-hour), actor: { type: "gateway", id: null } },
    ]);
  });

  it("refuses bad input with a problem and stores nothing", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const cases: Array<[unknown, number, string]> = [
      [{ type: "urge_collection", openedAt: "yesterday" }, 400, "validation_failed"],
      [{ type: "urge_refund" }, 400, "validation_failed"],
      [{ type: "urge_collection", extra: true }, 400, "validation_failed"],
      [{ type: "urge_collection", openedAt: at(minute) }, 422, "validation_failed"],
    ];
    for (const [body, status, code] of cases) {
      const refused = await open(gateway.merchantA, id, body);
      expect(refused.status, refused.text).toBe(status);
      expect(refused.body).toMatchObject({ code, status });
    }
    const future = await open(gateway.merchantA, id, {
      type: "urge_collection",
      openedAt: at(minute),
    });
    expect(future.body.errors).toEqual([
      expect.objectContaining({
        path: "openedAt",
        message: expect.stringContaining("opened_at_in_future"),
      }),
    ]);
    const raw = await gateway.call(gateway.merchantA, "POST", "/v1/shipments/shp_missing/tickets", {
      body: { type: "urge_collection" },
    });
    expect(raw.headers.get("content-type")).toBe("application/problem+json");
    const unknown = await json(raw);
    expect(unknown.status, unknown.text).toBe(404);
    expect(unknown.body.code).toBe("not_found");
    const list = await get(gateway.merchantA, "/v1/tickets");
    expect(list.body.data, "nothing stored").toEqual([]);
  });
});

describe("urge_collection replies and endings", () => {
  it("changed_waybill resolves it as replied and re-points the shipment; a second reply is refused", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    clock.advance(hour);
    const replied = await reply(ticketId, {
      kind: "changed_waybill",
      message: "Re-sent with a new waybill.",
      trackingNumber: "SF200",
    });
    expect(replied.status, replied.text).toBe(200);
    expect(replied.body).toMatchObject({
      status: "resolved",
      resolution: "replied",
      replies: [{ kind: "changed_waybill", trackingNumber: "SF200", at: at(0) }],
    });
    expect(replied.body.events).toMatchObject([
      { type: "opened" },
      { type: "replied", actor: { type: "api_key" } },
      { type: "resolved", actor: { type: "api_key" } },
    ]);
    const after = await get(gateway.merchantA, `/v1/shipments/${id}`);
    expect(after.body.trackingNumber).toBe("SF200");
    expectRefused(
      await reply(ticketId, { kind: "other", message: "again" }),
      "ticket_not_awaiting_reply",
    );
  });

  it("refuses a reply without what its kind needs, or of the other type's kinds, changing nothing", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    const before = await ticket(ticketId);
    const blank = await reply(ticketId, { kind: "contacted_buyer", message: "" });
    expect(blank.status, blank.text).toBe(400);
    const noNumber = await reply(ticketId, { kind: "changed_waybill", message: "new" });
    expect(noNumber.status, noNumber.text).toBe(400);
    const wrongKind = await reply(ticketId, { kind: "cannot_ship", reason: "out_of_stock" });
    expect(wrongKind.status, wrongKind.text).toBe(422);
    expect(wrongKind.body.errors).toEqual([expect.objectContaining({ path: "kind" })]);
    expect((await ticket(ticketId)).text, "nothing changed").toBe(before.text);
  });

  it("is overdue at dueAt without a reply, and a reply then is refused", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    clock.advance(day);
    expectRefused(await reply(ticketId, { kind: "other", message: "late" }), "reply_window_closed");
    await gateway.deadlineWorker.runDue();
    const after = await ticket(ticketId);
    expect(after.body, after.text).toMatchObject({ status: "overdue", resolution: null });
    expect(eventTypes(after.body)).toEqual(["opened", "overdue"]);
  });

  it("is resolved as collected when the carrier's push reports the scan", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    const scannedAt = at(-minute);
    const pushed = await gateway.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=fake-token",
      {
        body: [
          {
            eventId: "r1",
            trackingNumber: "SF100",
            at: scannedAt,
            outcome: null,
            parcelState: "in_transit",
            detail: "route",
            fee: null,
          },
        ],
      },
    );
    expect(pushed.status).toBe(200);
    // The collection enqueued the ticket's job in its own transaction; the job resolves it.
    expect(await gateway.store.deadlines.openFor(ticketId)).toContainEqual(
      expect.objectContaining({ kind: "ticket_due", dueAt: at(0) }),
    );
    expect(gateway.metrics.render()).toContain(
      'gateway_shipment_collections_total{on_time="true"} 1',
    );
    await gateway.deadlineWorker.runDue();
    const after = await ticket(ticketId);
    expect(after.body, after.text).toMatchObject({ status: "resolved", resolution: "collected" });
    expect(after.body.events).toMatchObject([
      { type: "opened" },
      { type: "resolved", at: scannedAt, actor: { type: "gateway" } },
    ]);
  });
});

describe("a collection push that races a ticket", () => {
  it("is recorded on a fresh read when a ticket opened between the push's read and its write", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const shipments = gateway.store.shipments;
    const readShipped = shipments.shippedWithParcel.bind(shipments);
    let ticketId = "";
    // The push reads the shipped shipment; before it writes, the buyer's urge bumps its version.
    shipments.shippedWithParcel = async (carrierId, trackingNumber) => {
      const found = await readShipped(carrierId, trackingNumber);
      shipments.shippedWithParcel = readShipped;
      ticketId = await opened(id, "urge_collection");
      return found;
    };
    const scannedAt = at(-minute);
    const pushed = await gateway.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=fake-token",
      {
        body: [
          {
            eventId: "r-race",
            trackingNumber: "SF100",
            at: scannedAt,
            outcome: null,
            parcelState: "in_transit",
            detail: "route",
            fee: null,
          },
        ],
      },
    );
    expect(pushed.status).toBe(200);
    expect(ticketId).not.toBe("");
    const after = await get(gateway.merchantA, `/v1/shipments/${id}`);
    expect(after.body, after.text).toMatchObject({ status: "collected", collectedAt: scannedAt });
    await gateway.deadlineWorker.runDue();
    expect((await ticket(ticketId)).body).toMatchObject({
      status: "resolved",
      resolution: "collected",
    });
  });
});

describe("urge_shipment replies", () => {
  it("takes ship_later up to 30 days ahead and refuses 31 (15 and 16 for fresh goods)", async () => {
    for (const [category, limit] of [
      ["apparel", 30],
      ["fresh", 15],
    ] as const) {
      const id = await shipment(gateway.merchantA, { category });
      const ticketId = await opened(id, "urge_shipment");
      const tooLate = await reply(ticketId, {
        kind: "ship_later",
        reason: "out_of_stock",
        shipDate: chinaDay(limit + 1),
      });
      expect(tooLate.status, tooLate.text).toBe(422);
      expect(tooLate.body).toMatchObject({ code: "validation_failed" });
      expect(tooLate.body.errors).toEqual([
        expect.objectContaining({
          path: "shipDate",
          message: expect.stringContaining("ship_date_too_late"),
        }),
      ]);
      expect((await ticket(ticketId)).body.status, "nothing changed").toBe("awaiting_merchant");
      const inTime = await reply(ticketId, {
        kind: "ship_later",
        reason: "out_of_stock",
        shipDate: chinaDay(limit),
      });
      expect(inTime.status, `${category}: ${inTime.text}`).toBe(200);
      expect(inTime.body).toMatchObject({
        status: "awaiting_buyer",
        replies: [{ kind: "ship_later", shipDate: chinaDay(limit), reason: "out_of_stock" }],
      });
    }
  });

  it("refuses a reason off the list, a date that is not one, and a date in the past", async () => {
    const id = await shipment(gateway.merchantA);
    const ticketId = await opened(id, "urge_shipment");
    const cases: Array<[unknown, number, string | null]> = [
      [{ kind: "ship_later", reason: "lazy", shipDate: chinaDay(3) }, 422, "reason"],
      [{ kind: "ship_later", reason: "other", shipDate: "next week" }, 400, null],
      [{ kind: "ship_later", reason: "other", shipDate: "2026-02-30" }, 422, "shipDate"],
      [{ kind: "ship_later", reason: "other", shipDate: chinaDay(-1) }, 422, "shipDate"],
      [{ kind: "changed_waybill", message: "x", trackingNumber: "SF2" }, 422, "kind"],
      [{ kind: "shipped" }, 409, null],
    ];
    for (const [body, status, path] of cases) {
      const refused = await reply(ticketId, body);
      expect(refused.status, `${JSON.stringify(body)}: ${refused.text}`).toBe(status);
      if (path !== null) {
        expect(refused.body.errors).toEqual([expect.objectContaining({ path })]);
      }
    }
    const after = await ticket(ticketId);
    expect(after.body).toMatchObject({ status: "awaiting_merchant", replies: [] });
    expect(eventTypes(after.body)).toEqual(["opened"]);
  });

  it("cannot_ship is overdue at once", async () => {
    const id = await shipment(gateway.merchantA);
    const ticketId = await opened(id, "urge_shipment");
    const replied = await reply(ticketId, { kind: "cannot_ship", reason: "out_of_stock" });
    expect(replied.body, replied.text).toMatchObject({ status: "overdue" });
    expect(eventTypes(replied.body)).toEqual(["opened", "replied", "overdue"]);
  });

  it("a buyer's rejection is overdue; the second chance to compensate resolves it, no fault", async () => {
    const id = await shipment(gateway.merchantA);
    const ticketId = await opened(id, "urge_shipment");
    await reply(ticketId, {
      kind: "ship_later",
      reason: "production_delay",
      shipDate: chinaDay(5),
    });
    const rejected = await post(gateway.merchantA, `/v1/tickets/${ticketId}/buyer-response`, {
      accepted: false,
    });
    expect(rejected.body, rejected.text).toMatchObject({
      status: "overdue",
      buyerAnswer: { accepted: false, bySilence: false },
    });
    expectRefused(
      await post(gateway.merchantA, `/v1/tickets/${ticketId}/buyer-response`, { accepted: true }),
      "ticket_not_awaiting_buyer",
    );
    const bad = await post(gateway.merchantA, `/v1/tickets/${ticketId}/second-chance`, {
      kind: "compensate",
      amount: { amount: "0.00", currency: "CNY" },
    });
    expect(bad.status, bad.text).toBe(422);
    const compensated = await post(gateway.merchantA, `/v1/tickets/${ticketId}/second-chance`, {
      kind: "compensate",
      amount: { amount: "20.00", currency: "CNY" },
    });
    expect(compensated.body, compensated.text).toMatchObject({
      status: "resolved",
      resolution: "compensated",
      secondChance: { kind: "compensate", amount: { amount: "20.00", currency: "CNY" } },
    });
    expectRefused(
      await post(gateway.merchantA, `/v1/tickets/${ticketId}/second-chance`, {
        kind: "buyer_caused",
        evidence: "chat log",
      }),
      "ticket_closed",
    );
  });

  it("buyer_caused with evidence goes under review; a second chance needs ship_later", async () => {
    const id = await shipment(gateway.merchantA);
    const ticketId = await opened(id, "urge_shipment");
    expectRefused(
      await post(gateway.merchantA, `/v1/tickets/${ticketId}/second-chance`, {
        kind: "buyer_caused",
        evidence: "chat log",
      }),
      "second_chance_needs_ship_later",
    );
    await reply(ticketId, { kind: "ship_later", reason: "buyer_requested", shipDate: chinaDay(5) });
    const accepted = await post(gateway.merchantA, `/v1/tickets/${ticketId}/buyer-response`, {
      accepted: true,
    });
    expect(accepted.body, accepted.text).toMatchObject({ status: "awaiting_shipment" });
    const review = await post(gateway.merchantA, `/v1/tickets/${ticketId}/second-chance`, {
      kind: "buyer_caused",
      evidence: "The buyer asked to hold it: https://example.com/chat/1",
    });
    expect(review.body, review.text).toMatchObject({ status: "under_review", resolution: null });
  });

  it("is resolved by a refund at once, whatever its status", async () => {
    const id = await shipment(gateway.merchantA);
    const ticketId = await opened(id, "urge_shipment");
    await reply(ticketId, { kind: "cannot_ship", reason: "out_of_stock" });
    clock.advance(minute);
    const refunded = await post(gateway.merchantA, `/v1/shipments/${id}/refund`, {});
    expect(refunded.status, refunded.text).toBe(200);
    const after = await ticket(ticketId);
    expect(after.body, after.text).toMatchObject({ status: "resolved", resolution: "refunded" });
    expect(eventTypes(after.body)).toEqual(["opened", "replied", "overdue", "resolved"]);
    // The refund's own job for it finds nothing left to do.
    await gateway.deadlineWorker.runDue();
    expect(eventTypes((await ticket(ticketId)).body)).toHaveLength(4);
  });
});

describe("metrics", () => {
  it("counts tickets by type and status reached, and the first reply's delay", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    clock.advance(2 * hour);
    await reply(ticketId, { kind: "contacted_buyer", message: "Called the courier." });
    const late = await shipment(gateway.merchantA);
    await reply(await opened(late, "urge_shipment"), { kind: "cannot_ship", reason: "other" });
    const scraped = gateway.metrics.render();
    for (const [type, status, count] of [
      ["urge_collection", "awaiting_merchant", 1],
      ["urge_collection", "resolved", 1],
      ["urge_shipment", "awaiting_merchant", 1],
      ["urge_shipment", "overdue", 1],
    ] as const) {
      expect(scraped).toContain(
        `gateway_tickets_total{type="${type}",status="${status}"} ${count}`,
      );
    }
    // Two hours to the first reply: in the 4 h bucket, not the 1 h one.
    expect(scraped).toContain(
      'gateway_ticket_first_reply_seconds_bucket{type="urge_collection",le="3600"} 0',
    );
    expect(scraped).toContain(
      'gateway_ticket_first_reply_seconds_bucket{type="urge_collection",le="14400"} 1',
    );
  });
});

describe("between merchants", () => {
  it("keeps each merchant's tickets to that merchant", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    const before = await ticket(ticketId);
    const attempts = [
      await get(gateway.merchantB, `/v1/tickets/${ticketId}`),
      await reply(ticketId, { kind: "other", message: "mine now" }, gateway.merchantB),
      await post(gateway.merchantB, `/v1/tickets/${ticketId}/buyer-response`, { accepted: true }),
      await post(gateway.merchantB, `/v1/tickets/${ticketId}/second-chance`, {
        kind: "buyer_caused",
        evidence: "x",
      }),
      await open(gateway.merchantB, id, { type: "urge_collection" }),
      await get(gateway.merchantA, "/v1/tickets/tkt_missing"),
    ];
    for (const attempt of attempts) {
      expect(attempt.status, attempt.text).toBe(404);
      expect(attempt.body.code).toBe("not_found");
    }
    expect((await get(gateway.merchantB, "/v1/tickets")).body.data).toEqual([]);
    expect((await ticket(ticketId)).text, "nothing changed").toBe(before.text);
  });

  it("refuses a changed waybill to another merchant's parcel as shipping with it is, changing nothing", async () => {
    await ship(gateway.merchantB, await shipment(gateway.merchantB), "SF999");
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    const before = await ticket(ticketId);
    const refused = await reply(ticketId, {
      kind: "changed_waybill",
      message: "new waybill",
      trackingNumber: "SF999",
    });
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({
      code: "not_eligible",
      reasons: [{ code: "unknown_parcel" }],
    });
    expect((await ticket(ticketId)).text).toBe(before.text);
    expect((await get(gateway.merchantA, `/v1/shipments/${id}`)).body.trackingNumber).toBe("SF100");
  });

  it("binds the parcel a changed waybill names to the merchant, as shipping with it does", async () => {
    const id = await shipment(gateway.merchantA, { shipped: true });
    const ticketId = await opened(id, "urge_collection");
    const replied = await reply(ticketId, {
      kind: "changed_waybill",
      message: "new waybill",
      trackingNumber: "SF300",
    });
    expect(replied.status, replied.text).toBe(200);
    const other = await ship(gateway.merchantB, await shipment(gateway.merchantB), "SF300");
    expect(other.status, other.text).toBe(422);
    expect(other.body).toMatchObject({
      code: "not_eligible",
      reasons: [{ code: "unknown_parcel" }],
    });
  });

  it("lists newest first, filtered by status and type, a page at a time", async () => {
    const shipped = await shipment(gateway.merchantA, { shipped: true });
    const collection = await opened(shipped, "urge_collection");
    const waiting = await opened(await shipment(gateway.merchantA), "urge_shipment");
    const late = await opened(await shipment(gateway.merchantA), "urge_shipment");
    await reply(late, { kind: "cannot_ship", reason: "other" });
    const ids = (body: Record<string, unknown>) =>
      (body.data as Array<{ id: string }>).map((each) => each.id);
    const page = await get(gateway.merchantA, "/v1/tickets?limit=2");
    expect(ids(page.body)).toEqual([late, waiting]);
    const next = await get(
      gateway.merchantA,
      `/v1/tickets?limit=2&cursor=${String(page.body.nextCursor)}`,
    );
    expect(ids(next.body)).toEqual([collection]);
    expect(next.body.nextCursor).toBeNull();
    expect(
      ids(
        (await get(gateway.merchantA, "/v1/tickets?type=urge_shipment&status=awaiting_merchant"))
          .body,
      ),
    ).toEqual([waiting]);
    expect(ids((await get(gateway.merchantA, "/v1/tickets?status=overdue")).body)).toEqual([late]);
    expect((await get(gateway.merchantA, "/v1/tickets?status=lost")).status).toBe(400);
  });
});
