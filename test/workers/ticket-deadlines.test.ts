/**
 * The scheduler acting on tickets' deadlines (`ticket_due`, src/scheduler/ticket-due.ts) on a
 * fake clock, on SQLite and on PostgreSQL: a reply due passing (overdue, `ticket.overdue`), the
 * buyer's silence (accepted), a promised date ending, collection due after an urge-shipment
 * ticket's shipment shipped, and a restart with a ticket's deadline in flight. The clock starts a
 * month back, so on PostgreSQL (where the database's clock says when a job is due) every job of a
 * test is due at once and the gateway's clock alone decides: a job taken early does nothing and
 * waits for its instant.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registryOf } from "../../src/carriers/registry.ts";
import { loadConfig } from "../../src/config.ts";
import { apiKeyActor } from "../../src/domain/actors.ts";
import { defaultCollectionLooks } from "../../src/domain/collection.ts";
import { chinaDateOf, endOfChinaDay } from "../../src/domain/obligations/china-time.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import { TicketService } from "../../src/services/tickets.ts";
import { newDeadline } from "../../src/store/deadline-records.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { MerchantRecord, ShipmentRecord, Store } from "../../src/store/store.ts";
import { DeadlineWorker } from "../../src/workers/deadline-worker.ts";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, json, onPostgres, type TestGateway } from "../harness.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { openTestPostgresStore } from "../support/postgres-store.ts";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

describe("ticket deadlines through the API", () => {
  let clock: ManualClock;
  let gateway: TestGateway;
  let endpointId: string;

  async function start() {
    const carrier = new FakeCarrier();
    carrier.states.set("SF100", "not_collected");
    clock = manualClock(new Date(Date.now() - 30 * day));
    gateway = await createTestGateway(
      carrier.adapter,
      { WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
      { now: clock.now },
    );
    cleanups.push(() => gateway.close());
    // Its deliveries are recorded, not sent: the webhook worker is not started.
    const endpoint = await post("/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hooks" });
    expect(endpoint.status, endpoint.text).toBe(201);
    endpointId = String(endpoint.body.id);
  }

  const at = (offsetMs: number) => new Date(clock.now().getTime() + offsetMs).toISOString();

  async function post(path: string, body: unknown) {
    return json(await gateway.call(gateway.merchantA, "POST", path, { body }));
  }

  async function ticket(id: string) {
    return json(await gateway.call(gateway.merchantA, "GET", `/v1/tickets/${id}`));
  }

  /** A few passes of the scheduler, as its beat would run them. */
  async function passes() {
    for (let pass = 0; pass < 3; pass += 1) {
      await gateway.deadlineWorker.runDue();
    }
  }

  async function webhookTypes(): Promise<string[]> {
    const log = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100`,
      ),
    );
    return (log.body.data as Array<{ type: string }>).map((each) => each.type).sort();
  }

  async function shipmentWithTicket(type: string, shipped: boolean) {
    const created = await json(
      await gateway.call(gateway.merchantA, "POST", "/v1/shipments", {
        body: { orderId: "ORD-1", category: "apparel", paidAt: at(-hour), shipBy: at(20 * day) },
        headers: { "idempotency-key": `k-${type}-${String(shipped)}` },
      }),
    );
    const shipmentId = String(created.body.id);
    if (shipped) {
      await post(`/v1/shipments/${shipmentId}/ship`, {
        carrier: "sf-express",
        trackingNumber: "SF100",
      });
    }
    const opened = await post(`/v1/shipments/${shipmentId}/tickets`, { type });
    expect(opened.status, opened.text).toBe(201);
    return { shipmentId, ticketId: String(opened.body.id) };
  }

  it("makes a ticket overdue at dueAt, not a millisecond before, with ticket.overdue, once", async () => {
    await start();
    const { ticketId } = await shipmentWithTicket("urge_collection", true);
    clock.advance(day - 1);
    await passes();
    expect((await ticket(ticketId)).body.status, "one millisecond early").toBe("awaiting_merchant");
    clock.advance(1);
    await passes();
    const after = await ticket(ticketId);
    expect(after.body, after.text).toMatchObject({ status: "overdue" });
    expect(after.body.events).toMatchObject([
      { type: "opened" },
      { type: "overdue", at: at(0), actor: { type: "gateway" } },
    ]);
    expect(await webhookTypes()).toEqual(["ticket.opened", "ticket.overdue"]);
    clock.advance(day);
    await passes();
    expect((await ticket(ticketId)).text, "acted on once").toBe(after.text);
    expect(await gateway.store.deadlines.openFor(ticketId)).toEqual([]);
  });

  it("counts the buyer's silence as accepted, then is overdue when the promised date ends unshipped", async () => {
    await start();
    const { ticketId } = await shipmentWithTicket("urge_shipment", false);
    const shipDate = chinaDateOf(new Date(clock.now().getTime() + 5 * day));
    const replied = await post(`/v1/tickets/${ticketId}/replies`, {
      kind: "ship_later",
      reason: "out_of_stock",
      shipDate,
    });
    expect(replied.body, replied.text).toMatchObject({ status: "awaiting_buyer" });
    const answerDue = at(day);
    clock.advance(day);
    await passes();
    const accepted = await ticket(ticketId);
    expect(accepted.body, accepted.text).toMatchObject({
      status: "awaiting_shipment",
      buyerAnswer: { accepted: true, bySilence: true, at: answerDue },
    });
    expect((accepted.body.events as Array<{ type: string }>).at(-1)?.type).toBe(
      "accepted_by_silence",
    );
    clock.advance(Date.parse(endOfChinaDay(shipDate)) - clock.now().getTime());
    await passes();
    const late = await ticket(ticketId);
    expect(late.body, late.text).toMatchObject({ status: "overdue" });
    expect((late.body.events as Array<{ at: string }>).at(-1)?.at).toBe(endOfChinaDay(shipDate));
    expect(await webhookTypes()).toEqual(["ticket.opened", "ticket.overdue"]);
  });

  it("after an urge-shipment ticket, is overdue when the parcel is not collected 24 h after shipping", async () => {
    await start();
    const { shipmentId, ticketId } = await shipmentWithTicket("urge_shipment", false);
    clock.advance(hour);
    const shippedAt = at(0);
    const shipped = await post(`/v1/shipments/${shipmentId}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(shipped.body, shipped.text).toMatchObject({ collectBy: at(day) });
    const replied = await post(`/v1/tickets/${ticketId}/replies`, { kind: "shipped" });
    expect(replied.body, replied.text).toMatchObject({ status: "awaiting_shipment" });
    clock.advance(day - 1);
    await passes();
    expect((await ticket(ticketId)).body.status).toBe("awaiting_shipment");
    clock.advance(1);
    await passes();
    const late = await ticket(ticketId);
    expect(late.body, late.text).toMatchObject({ status: "overdue" });
    expect((late.body.events as Array<{ at: string; detail: string }>).at(-1)).toMatchObject({
      at: new Date(Date.parse(shippedAt) + day).toISOString(),
      detail: expect.stringContaining("Not collected within the window after shipping"),
    });
  });
  it("after ship_later and shipping before the date, is overdue when not collected 24 h after shipping", async () => {
    await start();
    const { shipmentId, ticketId } = await shipmentWithTicket("urge_shipment", false);
    await post(`/v1/tickets/${ticketId}/replies`, {
      kind: "ship_later",
      reason: "out_of_stock",
      shipDate: chinaDateOf(new Date(clock.now().getTime() + 10 * day)),
    });
    await post(`/v1/tickets/${ticketId}/buyer-response`, { accepted: true });
    clock.advance(2 * day);
    const shipped = await post(`/v1/shipments/${shipmentId}/ship`, {
      carrier: "sf-express",
      trackingNumber: "SF100",
    });
    expect(shipped.body, shipped.text).toMatchObject({ collectBy: at(day) });
    await passes();
    expect((await ticket(ticketId)).body.status).toBe("awaiting_shipment");
    clock.advance(day);
    await passes();
    const late = await ticket(ticketId);
    expect(late.body, late.text).toMatchObject({ status: "overdue" });
    expect((late.body.events as Array<{ at: string }>).at(-1)?.at).toBe(at(0));
  });
});

describe("a restart with a ticket deadline in flight", () => {
  /** A database that outlives the stores opened on it: `open` stands for a process starting. */
  async function database(): Promise<() => Promise<Store>> {
    if (onPostgres) {
      const url = await freshPostgresDatabase();
      return () => openTestPostgresStore(url);
    }
    const directory = mkdtempSync(join(tmpdir(), "ticket-deadlines-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const path = join(directory, "gateway.db");
    return async () => openSqliteStore({ path });
  }

  async function instance(open: () => Promise<Store>, clock: ManualClock) {
    const store = await open();
    const config = loadConfig({ DATABASE_URL: ":memory:", ADMIN_TOKEN: "x".repeat(24) });
    const metrics = new Metrics();
    const carriers = registryOf(
      [{ adapter: new FakeCarrier().adapter, mode: "sandbox" }],
      config,
      metrics,
      silentLogger,
      clock.now,
    );
    const deps = {
      store,
      carriers,
      logger: silentLogger,
      metrics,
      now: clock.now,
      carrierDeadlineMs: 1_500,
      collectionLooks: defaultCollectionLooks,
      obligations: config.obligations,
    };
    const worker = new DeadlineWorker({ ...deps, intervalMs: 50, leaseMs: minute, batchSize: 20 });
    const close = async () => {
      await worker.stop();
      await carriers.close();
      await store.close();
    };
    cleanups.push(close);
    return { store, worker, tickets: new TicketService(deps), close };
  }

  const merchant: MerchantRecord = {
    id: "mer_a",
    name: "A",
    pickupService: false,
    createdAt: "2026-01-01T00:00:00.000Z",
  };

  async function shippedShipment(store: Store, clock: ManualClock, id: string) {
    const at = clock.now().toISOString();
    const shipment: ShipmentRecord = {
      id,
      merchantId: merchant.id,
      orderId: "ORD-1",
      category: "apparel",
      items: [],
      status: "shipped",
      paidAt: new Date(clock.now().getTime() - 3 * hour).toISOString(),
      // Past the database's own now too: on PostgreSQL its job is not due, and not taken first.
      shipBy: new Date(clock.now().getTime() + 40 * day).toISOString(),
      collectBy: null,
      carrier: "sf-express",
      trackingNumber: `SF-${id}`,
      shippedAt: at,
      collectedAt: null,
      refundedAt: null,
      overdueAt: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await store.shipments.insert({
      shipment,
      event: { at, type: "created", detail: "Registered.", actor: apiKeyActor("igk_1") },
      deadlines: [newDeadline("ship_by", shipment, shipment.shipBy, shipment.shipBy)],
      idempotency: null,
    });
  }

  it("acts on ticket deadlines that were pending, or held by the process that died", async () => {
    const open = await database();
    const clock = manualClock(new Date(Date.now() - 30 * day));
    const first = await instance(open, clock);
    await first.store.merchants.create(merchant);
    const ids: string[] = [];
    for (const shipmentId of ["shp_00000001", "shp_00000002"]) {
      await shippedShipment(first.store, clock, shipmentId);
      const opened = await first.tickets.open(
        merchant,
        shipmentId,
        { type: "urge_collection" },
        apiKeyActor("igk_1"),
      );
      ids.push(opened.id);
    }
    clock.advance(day);
    // The first process takes one ticket's deadline and dies before acting on it.
    const claimed = await first.store.deadlines.claimDue(
      clock.now().toISOString(),
      new Date(clock.now().getTime() + minute).toISOString(),
      1,
    );
    const held = claimed.find((deadline) => deadline.kind === "ticket_due");
    if (!held) {
      throw new Error(`claimed ${JSON.stringify(claimed)}`);
    }
    await first.close();
    cleanups.splice(cleanups.indexOf(first.close), 1);

    const second = await instance(open, clock);
    const status = async (id: string) => (await second.store.tickets.getById(id))?.status;
    await second.worker.runDue();
    const pending = ids.filter((id) => id !== held.subjectId);
    if (onPostgres) {
      // pg-boss hands the first process's deadlines back when their lease expires, on the
      // database's clock; the ones it had not taken are acted on at once.
      for (const id of pending) {
        if (!claimed.some((deadline) => deadline.subjectId === id)) {
          expect(await status(id)).toBe("overdue");
        }
      }
      return;
    }
    for (const id of pending) {
      expect(await status(id), "pending: acted on").toBe("overdue");
    }
    expect(await status(held.subjectId), "its lease still runs").toBe("awaiting_merchant");
    clock.advance(minute);
    await second.worker.runDue();
    expect(await status(held.subjectId)).toBe("overdue");
    const events = (await second.store.tickets.getById(held.subjectId))?.events ?? [];
    expect(events.map((event) => event.type)).toEqual(["opened", "overdue"]);
  });
});
