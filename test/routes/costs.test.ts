/** GET /v1/costs: the cost ledger over a period, as JSON and CSV, on the route. */

import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { Cost } from "../../contracts/interception.ts";
import { gatewayActor } from "../../src/domain/actors.ts";
import type { InterceptionRecord } from "../../src/store/store.ts";
import { manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

const T0 = Date.parse("2026-11-01T00:00:00.000Z");
const day = 24 * 3600 * 1000;
/** The ISO time `ms` after T0. */
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cny = (amount: string) => ({ amount, currency: "CNY" });
const usd = (amount: string) => ({ amount, currency: "USD" });
const paidRedirect = (quoted: Cost["quoted"], final: Cost["final"]): Cost => ({
  payer: "merchant",
  mode: "paid_redirect",
  quoted,
  final,
  settlement: "offline",
});
const freeReturn: Cost = {
  payer: "platform",
  mode: "free_return",
  quoted: null,
  final: null,
  settlement: "none",
};

let gateway: TestGateway;
let carrier: FakeCarrier;
/** The gateway's clock: the end-to-end case intercepts at a known time. */
const clock = manualClock(new Date(T0 + 40 * day));
let seeded = 0;

/** Stores an interception of `merchantId` created at `createdAt`, with `cost`. */
async function seed(
  merchantId: string,
  createdAt: string,
  cost: Cost,
  carrierId: CarrierId = "sf-express",
): Promise<InterceptionRecord> {
  seeded += 1;
  const record: InterceptionRecord = {
    id: `icp_${ulid(Date.parse(createdAt))}`,
    merchantId,
    carrier: carrierId,
    trackingNumber: `SF9${String(seeded).padStart(10, "0")}`,
    orderId: `ORD-${seeded}`,
    action: "redirect",
    reason: "address_error",
    items: [],
    parcel: { declaredValue: cny("100.00"), category: "apparel" },
    redirectTo: null,
    note: null,
    status: "succeeded",
    parcelState: "in_transit",
    successLikelihood: "normal",
    carrierReference: null,
    cost,
    failure: null,
    createdAt,
    updatedAt: createdAt,
  };
  await gateway.store.interceptions.insert({
    interception: record,
    event: {
      at: createdAt,
      status: "succeeded",
      detail: "Seeded.",
      carrierEventId: null,
      actor: gatewayActor,
    },
    job: null,
    idempotency: null,
  });
  return record;
}

function costs(query: string, headers: Record<string, string> = {}, merchant = gateway.merchantA) {
  return gateway.call(merchant, "GET", `/v1/costs${query}`, { headers });
}

const november = `?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(30 * day))}`;

beforeAll(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  gateway = await createTestGateway(carrier.adapter, {}, { now: clock.now });
  const a = gateway.merchantA.id;
  // November, merchant A: the period's first instant is in, its end is out.
  await seed(a, at(0), paidRedirect(cny("12.50"), cny("13.00")));
  await seed(a, at(1), paidRedirect(usd("7.05"), usd("7.10")), "ups");
  await seed(a, at(2 * day), paidRedirect(cny("100.99"), null), "ups");
  await seed(a, at(3 * day), freeReturn);
  await seed(a, at(30 * day - 1), paidRedirect(cny("0.01"), usd("0.95")), "ups");
  // Outside November: a millisecond before it, and at its end.
  await seed(a, at(-1), paidRedirect(cny("1000.00"), cny("1000.00")));
  await seed(a, at(30 * day), paidRedirect(cny("2000.00"), cny("2000.00")));
  // Merchant B, inside November.
  await seed(gateway.merchantB.id, at(5 * day), paidRedirect(usd("55.55"), usd("66.66")));
});
afterAll(async () => {
  await gateway.close();
});

describe("GET /v1/costs as JSON", () => {
  it("counts and sums the merchant's interceptions created in [from, to), per currency, in one row", async () => {
    const response = await json(await costs(november));
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      from: at(0),
      to: at(30 * day),
      groupBy: [],
      data: [
        {
          count: 5,
          quoted: [cny("113.50"), usd("7.05")],
          // The unreported final fee of the 100.99 CNY quote adds nothing.
          final: [cny("13.00"), usd("8.05")],
        },
      ],
    });
  });

  it("reads the period as instants: an offset means the same time in UTC", async () => {
    // 08:00 at +08:00 is midnight UTC: the same period as `november`.
    const shifted = `?from=${encodeURIComponent("2026-11-01T08:00:00+08:00")}&to=${encodeURIComponent("2026-12-01T08:00:00.000+08:00")}`;
    const response = await json(await costs(shifted));
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual((await json(await costs(november))).body);
  });

  it("moves the boundaries by a millisecond: in at from, out at to", async () => {
    const later = await json(
      await costs(`?from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(30 * day - 1))}`),
    );
    expect(later.body.data, later.text).toEqual([
      // at(1), at(2 days) and the free return at(3 days); not at(0) nor at(30 days - 1 ms).
      { count: 3, quoted: [cny("100.99"), usd("7.05")], final: [usd("7.10")] },
    ]);
  });

  it("groups by any subset, in the order given", async () => {
    const byCarrier = await json(await costs(`${november}&groupBy=carrier`));
    expect(byCarrier.body.data, byCarrier.text).toEqual([
      { carrier: "sf-express", count: 2, quoted: [cny("12.50")], final: [cny("13.00")] },
      {
        carrier: "ups",
        count: 3,
        quoted: [cny("101.00"), usd("7.05")],
        final: [usd("8.05")],
      },
    ]);
    const byModeThenCarrier = await json(await costs(`${november}&groupBy=mode,payer,carrier`));
    expect(byModeThenCarrier.body.groupBy).toEqual(["mode", "payer", "carrier"]);
    expect(byModeThenCarrier.body.data, byModeThenCarrier.text).toEqual([
      {
        mode: "free_return",
        payer: "platform",
        carrier: "sf-express",
        count: 1,
        quoted: [],
        final: [],
      },
      {
        mode: "paid_redirect",
        payer: "merchant",
        carrier: "sf-express",
        count: 1,
        quoted: [cny("12.50")],
        final: [cny("13.00")],
      },
      {
        mode: "paid_redirect",
        payer: "merchant",
        carrier: "ups",
        count: 3,
        quoted: [cny("101.00"), usd("7.05")],
        final: [usd("8.05")],
      },
    ]);
  });

  it("answers an empty period with one zero row, or no rows when grouped", async () => {
    const empty = `?from=${encodeURIComponent(at(100 * day))}&to=${encodeURIComponent(at(101 * day))}`;
    expect((await json(await costs(empty))).body.data).toEqual([
      { count: 0, quoted: [], final: [] },
    ]);
    expect((await json(await costs(`${empty}&groupBy=payer`))).body.data).toEqual([]);
  });

  it("never shows another merchant's interceptions", async () => {
    const response = await json(await costs(november, {}, gateway.merchantB));
    expect(response.body.data, response.text).toEqual([
      { count: 1, quoted: [usd("55.55")], final: [usd("66.66")] },
    ]);
    const none = await json(
      await costs(
        `?from=${encodeURIComponent(at(-day))}&to=${encodeURIComponent(at(0))}`,
        {},
        gateway.merchantB,
      ),
    );
    expect(none.body.data, "A's interception a millisecond before November").toEqual([
      { count: 0, quoted: [], final: [] },
    ]);
  });

  it("sums an interception made through the API once its carrier reports the final fee", async () => {
    const created = await json(
      await gateway.intercept(gateway.merchantA, "costs-e2e", interceptBody()),
    );
    expect(created.status, created.text).toBe(201);
    const pushed = await gateway.call(
      null,
      "POST",
      "/v1/carriers/sf-express/callbacks?token=fake-token",
      {
        rawBody: JSON.stringify([
          {
            eventId: "evt-costs-1",
            trackingNumber: "SF1400000000001",
            at: at(40 * day),
            outcome: "succeeded",
            parcelState: "returned",
            detail: "returned",
            fee: cny("23.40"),
          },
        ]),
      },
    );
    expect(pushed.status).toBe(200);
    const period = `?from=${encodeURIComponent(at(40 * day))}&to=${encodeURIComponent(at(41 * day))}`;
    const response = await json(await costs(`${period}&groupBy=payer,mode`));
    expect(response.body.data, response.text).toEqual([
      { payer: "platform", mode: "free_return", count: 1, quoted: [], final: [cny("23.40")] },
    ]);
  });
});

describe("GET /v1/costs as CSV", () => {
  it("answers Accept: text/csv with a header row and one line per group and currency", async () => {
    const response = await costs(`${november}&groupBy=carrier,mode`, { accept: "text/csv" });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="costs.csv"');
    expect(text).toBe(
      [
        "carrier,mode,count,currency,quoted,final",
        "sf-express,free_return,1,,,",
        "sf-express,paid_redirect,1,CNY,12.50,13.00",
        "ups,paid_redirect,3,CNY,101.00,",
        "ups,paid_redirect,3,USD,7.05,8.05",
        "",
      ].join("\r\n"),
    );
  });

  it("gives the ungrouped ledger as one group, and prefers what the client ranks higher", async () => {
    const response = await costs(november, {
      accept: "application/json;q=0.5, text/csv;q=0.9",
    });
    expect(await response.text()).toBe(
      "count,currency,quoted,final\r\n5,CNY,113.50,13.00\r\n5,USD,7.05,8.05\r\n",
    );
    const json = await costs(november, { accept: "application/json, text/csv;q=0.1" });
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("GET /v1/costs refuses a query it cannot answer exactly", () => {
  it.each([
    ["no period", "", ["from", "to"]],
    ["no end", `?from=${encodeURIComponent(at(0))}`, ["to"]],
    ["a date without a time", "?from=2026-11-01&to=2026-12-01", ["from", "to"]],
    [
      "an end before the start",
      `?from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(0))}`,
      ["to"],
    ],
    [
      "an empty period",
      `?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(0))}`,
      ["to"],
    ],
    ["an unknown dimension", `${november}&groupBy=carrier,currency`, ["groupBy"]],
    ["a dimension twice", `${november}&groupBy=payer,payer`, ["groupBy"]],
    ["an empty groupBy", `${november}&groupBy=`, ["groupBy"]],
  ])("400 validation_failed for %s", async (_name, query, paths) => {
    const response = await json(await costs(query));
    expect(response.status, response.text).toBe(400);
    expect(response.body).toMatchObject({ code: "validation_failed", status: 400 });
    const errors = response.body.errors as Array<{ path: string }>;
    expect(errors.map((error) => error.path).sort(), response.text).toEqual(paths);
  });

  it("401 without an API key", async () => {
    const response = await json(await gateway.call(null, "GET", `/v1/costs${november}`));
    expect(response.status, response.text).toBe(401);
    expect(response.body.code).toBe("unauthorized");
  });
});

describe("GET /v1/costs over more lines than one read", () => {
  it("sums every line of a period that takes several pages", async () => {
    const merchant = await gateway.services.merchants.create({
      name: "Busy",
      pickupService: false,
    });
    const lines = 1234;
    for (let i = 0; i < lines; i++) {
      await seed(merchant.merchant.id, at(60 * day + i), paidRedirect(cny("0.01"), null));
    }
    const period = `?from=${encodeURIComponent(at(60 * day))}&to=${encodeURIComponent(at(61 * day))}`;
    const response = await json(
      await costs(period, {}, { id: merchant.merchant.id, apiKey: merchant.apiKey }),
    );
    expect(response.body.data, response.text).toEqual([
      { count: lines, quoted: [cny("12.34")], final: [] },
    ]);
  }, 60_000);
});
