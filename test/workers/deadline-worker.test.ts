/**
 * The durable scheduler (src/workers/deadline-worker.ts) on a database that outlives its
 * processes: a SQLite file, or PostgreSQL in the `postgres` project. Deadlines are due or not
 * yet due, survive a restart (a new worker on the same database acts on them), and are acted on
 * once when two instances race. Time moves on a fake clock; on PostgreSQL pg-boss decides what is
 * due by the database's clock, so the cases that move time are SQLite's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registryOf } from "../../src/carriers/registry.ts";
import { loadConfig } from "../../src/config.ts";
import { apiKeyActor } from "../../src/domain/actors.ts";
import { defaultCollectionLooks } from "../../src/domain/collection.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import { newDeadline } from "../../src/store/deadline-records.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { ShipmentRecord, Store } from "../../src/store/store.ts";
import { DeadlineWorker } from "../../src/workers/deadline-worker.ts";
import { type ManualClock, manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { onPostgres } from "../harness.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { openTestPostgresStore } from "../support/postgres-store.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

const minute = 60_000;
const hour = 60 * minute;

/** A database that outlives the stores opened on it: `open` stands for a process starting. */
async function database(): Promise<() => Promise<Store>> {
  if (onPostgres) {
    const url = await freshPostgresDatabase();
    return () => openTestPostgresStore(url);
  }
  const directory = mkdtempSync(join(tmpdir(), "deadlines-"));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, "gateway.db");
  return async () => openSqliteStore({ path });
}

/** A process: a store on the database and a deadline worker on it, closed after the test. */
async function instance(
  open: () => Promise<Store>,
  clock: ManualClock,
  carrier = new FakeCarrier(),
) {
  const store = await open();
  const config = loadConfig({ DATABASE_URL: ":memory:", ADMIN_TOKEN: "x".repeat(24) });
  const carriers = registryOf(
    [{ adapter: carrier.adapter, mode: "sandbox" }],
    config,
    new Metrics(),
    silentLogger,
    clock.now,
  );
  const worker = new DeadlineWorker({
    store,
    carriers,
    logger: silentLogger,
    metrics: new Metrics(),
    now: clock.now,
    carrierDeadlineMs: 1_500,
    collectionLooks: defaultCollectionLooks,
    obligations: config.obligations,
    intervalMs: 50,
    leaseMs: minute,
    batchSize: 20,
  });
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await worker.stop();
      await carriers.close();
      await store.close();
    }
  };
  cleanups.push(close);
  return { store, worker, carrier, close };
}

let sequence = 0;

/** A shipment of `mer_a` with its ship_by deadline, stored as the service stores one. */
async function seedShipment(
  store: Store,
  clock: ManualClock,
  shipBy: number,
  overrides: Partial<ShipmentRecord> = {},
): Promise<ShipmentRecord> {
  const at = clock.now().toISOString();
  sequence += 1;
  const shipment: ShipmentRecord = {
    id: `shp_${String(sequence).padStart(8, "0")}`,
    merchantId: "mer_a",
    orderId: "ORD-1",
    category: "apparel",
    items: [],
    status: "awaiting_shipment",
    paidAt: new Date(clock.now().getTime() - 3 * hour).toISOString(),
    shipBy: new Date(clock.now().getTime() + shipBy).toISOString(),
    collectBy: null,
    carrier: null,
    trackingNumber: null,
    shippedAt: null,
    collectedAt: null,
    refundedAt: null,
    overdueAt: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
  await store.shipments.insert({
    shipment,
    event: { at, type: "created", detail: "Registered.", actor: apiKeyActor("igk_1") },
    deadlines: [newDeadline("ship_by", shipment, shipment.shipBy, shipment.shipBy)],
    idempotency: null,
  });
  return shipment;
}

async function withMerchant(store: Store): Promise<void> {
  await store.merchants.create({
    id: "mer_a",
    name: "A",
    pickupService: false,
    createdAt: "2026-01-01T00:00:00.000Z",
  });
}

async function overdueEvents(store: Store, id: string): Promise<number> {
  const found = await store.shipments.getById(id);
  return found?.events.filter((event) => event.type === "overdue").length ?? -1;
}

describe("deadline worker", () => {
  it("acts on due deadlines only, and on a later one once its time comes", async () => {
    const open = await database();
    const clock = manualClock();
    const { store, worker } = await instance(open, clock);
    await withMerchant(store);
    const past = await seedShipment(store, clock, -hour);
    const later = await seedShipment(store, clock, 2 * hour);
    expect(await worker.runDue()).toBe(1);
    expect(await overdueEvents(store, past.id)).toBe(1);
    expect(await overdueEvents(store, later.id), "not yet due").toBe(0);
    if (onPostgres) {
      return; // pg-boss's clock is the database's: the fake clock cannot bring `later` due.
    }
    clock.advance(2 * hour - 1);
    expect(await worker.runDue(), "one millisecond early").toBe(0);
    clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    expect(await overdueEvents(store, later.id)).toBe(1);
  });

  it("acts after a restart on deadlines that were pending or held by the lost process", async () => {
    const open = await database();
    const clock = manualClock();
    const first = await instance(open, clock);
    await withMerchant(first.store);
    const seeded = [
      await seedShipment(first.store, clock, -2 * hour),
      await seedShipment(first.store, clock, -hour),
    ];
    // The first process leases one and dies before acting on it.
    const [taken] = await first.store.deadlines.claimDue(
      clock.now().toISOString(),
      new Date(clock.now().getTime() + minute).toISOString(),
      1,
    );
    const held = seeded.find((shipment) => shipment.id === taken?.subjectId);
    const pending = seeded.find((shipment) => shipment.id !== taken?.subjectId);
    if (!held || !pending) {
      throw new Error(`claimed ${JSON.stringify(taken)}`);
    }
    await first.close();

    const second = await instance(open, clock);
    expect(await second.worker.runDue()).toBe(1);
    expect(await overdueEvents(second.store, pending.id)).toBe(1);
    if (onPostgres) {
      return; // The held one waits for pg-boss to expire its lease, on the database's clock.
    }
    expect(await overdueEvents(second.store, held.id), "its lease still runs").toBe(0);
    clock.advance(minute);
    expect(await second.worker.runDue()).toBe(1);
    expect(await overdueEvents(second.store, held.id)).toBe(1);
  });

  it("acts once on each deadline when two instances race for them", async () => {
    const open = await database();
    const clock = manualClock();
    const one = await instance(open, clock);
    const two = await instance(open, clock);
    await withMerchant(one.store);
    const shipments: ShipmentRecord[] = [];
    for (let n = 0; n < 6; n += 1) {
      shipments.push(await seedShipment(one.store, clock, -hour));
    }
    const [ranHere, ranThere] = await Promise.all([one.worker.runDue(), two.worker.runDue()]);
    expect((ranHere ?? 0) + (ranThere ?? 0)).toBe(6);
    for (const shipment of shipments) {
      expect(await overdueEvents(one.store, shipment.id), shipment.id).toBe(1);
    }
    expect(await one.worker.runDue()).toBe(0);
  });

  it("looks at a shipped parcel's tracking further apart until the carrier scans it", async (context) => {
    if (onPostgres) {
      context.skip(); // Moves time, which pg-boss reads from the database.
    }
    const open = await database();
    const clock = manualClock();
    const carrier = new FakeCarrier();
    carrier.states.set("SF9", "not_collected");
    const { store, worker } = await instance(open, clock, carrier);
    await withMerchant(store);
    const shipment = await seedShipment(store, clock, 48 * hour, {
      status: "shipped",
      carrier: "sf-express",
      trackingNumber: "SF9",
      shippedAt: clock.now().toISOString(),
    });
    await store.shipments.transition(shipment.id, {
      from: ["shipped"],
      event: {
        at: clock.now().toISOString(),
        type: "shipped",
        detail: "Shipped.",
        actor: apiKeyActor("igk_1"),
      },
      schedule: [newDeadline("follow_collection", shipment, clock.now().toISOString())],
    });
    const looks = () => carrier.calls.filter((call) => call.operation === "track").length;
    expect(await worker.runDue()).toBe(1);
    expect(looks()).toBe(1);
    clock.advance(minute - 1);
    expect(await worker.runDue(), "the next look is a minute later").toBe(0);
    clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    clock.advance(2 * minute - 1);
    expect(await worker.runDue(), "then two minutes later").toBe(0);
    const scannedAt = clock.now().toISOString();
    carrier.states.set("SF9", "in_transit");
    carrier.events.set("SF9", [
      { at: scannedAt, carrierCode: "50", description: "collected", state: "in_transit" },
    ]);
    clock.advance(1);
    expect(await worker.runDue()).toBe(1);
    expect(looks()).toBe(3);
    expect(await store.shipments.getById(shipment.id)).toMatchObject({
      status: "collected",
      collectedAt: scannedAt,
    });
    clock.advance(hour);
    await worker.runDue();
    expect(looks(), "no look after collection").toBe(3);
  });
});
