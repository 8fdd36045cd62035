/**
 * A gateway on a clock the test holds still, with merchant A's shipments in each state that the
 * shipments and tickets pages show differently (due soon, due later, overdue, shipped, with
 * tickets and proposals), one shipment and ticket of merchant B, and a signed-in dashboard client
 * for each merchant, all made through the API as a storefront would.
 */
import { type ManualClock, manualClock } from "../../fakes/clock.ts";
import { FakeCarrier } from "../../fakes/fake-carrier.ts";
import { createTestGateway, json, type TestGateway, type TestMerchant } from "../../harness.ts";
import { DashboardClient } from "../../support/dashboard-client.ts";

export const hour = 3_600_000;
/** 10:00 China time on 2026-12-01. */
export const start = new Date("2026-12-01T02:00:00.000Z");

export interface ObligationsFixture {
  gateway: TestGateway;
  clock: ManualClock;
  /** Merchant A's shipment ids by order id, and B's. */
  shipments: Map<string, string>;
  /** Ticket ids by name. */
  tickets: Map<string, string>;
  a: DashboardClient;
  b: DashboardClient;
}

export async function obligationsFixture(): Promise<ObligationsFixture> {
  const carrier = new FakeCarrier();
  const clock = manualClock(start);
  const gateway = await createTestGateway(carrier.adapter, {}, { now: clock.now });
  const at = (ms: number) => new Date(start.getTime() + ms).toISOString();
  const shipments = new Map<string, string>();
  const tickets = new Map<string, string>();
  const { merchantA: a, merchantB: b } = gateway;

  const register = async (merchant: TestMerchant, orderId: string, shipBy: string) => {
    const created = await json(
      await gateway.call(merchant, "POST", "/v1/shipments", {
        body: { orderId, category: "apparel", paidAt: at(-30 * hour), shipBy },
        headers: { "idempotency-key": `reg-${orderId}` },
      }),
    );
    if (created.status !== 201) {
      throw new Error(created.text);
    }
    shipments.set(orderId, String(created.body.id));
    return String(created.body.id);
  };
  const ship = async (merchant: TestMerchant, id: string, trackingNumber: string) => {
    const shipped = await json(
      await gateway.call(merchant, "POST", `/v1/shipments/${id}/ship`, {
        body: { carrier: "sf-express", trackingNumber },
      }),
    );
    if (shipped.status !== 200) {
      throw new Error(shipped.text);
    }
  };

  const dueSoon = await register(a, "ORD-S-1", at(3 * hour));
  await register(a, "ORD-S-2", at(-1 * hour));
  const shipped = await register(a, "ORD-S-3", at(40 * hour));
  await ship(a, shipped, "SF3000000000001");
  const late = await register(a, "ORD-S-4", at(40 * hour));
  await ship(a, late, "SF3000000000002");
  const ofB = await register(b, "ORD-B-1", at(40 * hour));
  await ship(b, ofB, "SF3000000000009");

  tickets.set("urgeShipment", await openTicketOf(gateway, a, dueSoon, "urge_shipment", at(-hour)));
  tickets.set(
    "urgeCollection",
    await openTicketOf(gateway, a, shipped, "urge_collection", at(-2 * hour)),
  );
  // Opened 25 h ago and never answered: overdue as soon as it is opened.
  tickets.set("overdue", await openTicketOf(gateway, a, late, "urge_collection", at(-25 * hour)));
  tickets.set("ofB", await openTicketOf(gateway, b, ofB, "urge_collection", at(-hour)));
  await proposeOn(gateway, a, dueSoon, "2026-12-02", "reject");
  await proposeOn(gateway, a, dueSoon, "2026-12-03");

  const dashboardA = new DashboardClient(gateway.app);
  const dashboardB = new DashboardClient(gateway.app);
  await dashboardA.signIn(a.apiKey);
  await dashboardB.signIn(b.apiKey);
  return { gateway, clock, shipments, tickets, a: dashboardA, b: dashboardB };
}

/** Opens a ticket through the API, as the storefront relays the buyer's urge. */
async function openTicketOf(
  gateway: TestGateway,
  merchant: TestMerchant,
  shipmentId: string,
  type: "urge_collection" | "urge_shipment",
  openedAt: string,
): Promise<string> {
  const opened = await json(
    await gateway.call(merchant, "POST", `/v1/shipments/${shipmentId}/tickets`, {
      body: { type, openedAt },
    }),
  );
  if (opened.status !== 201) {
    throw new Error(opened.text);
  }
  return String(opened.body.id);
}

/** Proposes a ship date through the API; `answer` relays the buyer's answer to it. */
async function proposeOn(
  gateway: TestGateway,
  merchant: TestMerchant,
  shipmentId: string,
  shipDate: string,
  answer?: "accept" | "reject",
): Promise<void> {
  const proposed = await json(
    await gateway.call(merchant, "POST", `/v1/shipments/${shipmentId}/ship-date-proposals`, {
      body: { shipDate },
    }),
  );
  if (proposed.status !== 201) {
    throw new Error(proposed.text);
  }
  if (answer) {
    const answered = await json(
      await gateway.call(merchant, "POST", `/v1/ship-date-proposals/${proposed.body.id}/${answer}`),
    );
    if (answered.status !== 200) {
      throw new Error(answered.text);
    }
  }
}
