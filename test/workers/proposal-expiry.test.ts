/**
 * The `proposal_expiry` deadline run by the durable scheduler (src/workers/deadline-worker.ts) on
 * a SQLite file, or PostgreSQL in the `postgres` project, on a fake clock. pg-boss reads what is
 * due from the database's clock, so the proposals here are made on a clock set 25 hours back:
 * their `expiresAt` is an hour past by the database's clock, and the fake clock is then moved to
 * now. The millisecond-early case moves time alone, so it is SQLite's.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WebhookEvent } from "../../contracts/webhooks.ts";
import { registryOf } from "../../src/carriers/registry.ts";
import { loadConfig } from "../../src/config.ts";
import { apiKeyActor } from "../../src/domain/actors.ts";
import { defaultCollectionLooks } from "../../src/domain/collection.ts";
import { chinaDateOf } from "../../src/domain/obligations/china-time.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import { deadlineHandlers } from "../../src/scheduler/handlers.ts";
import { ShipDateProposalService } from "../../src/services/ship-date-proposals.ts";
import { newDeadline } from "../../src/store/deadline-records.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { MerchantRecord, ShipmentRecord, Store } from "../../src/store/store.ts";
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

const hour = 3_600_000;
const day = 24 * hour;
const actor = apiKeyActor("igk_1");
const merchant: MerchantRecord = {
  id: "mer_a",
  name: "A",
  pickupService: false,
  createdAt: "2026-01-01T00:00:00.000Z",
};

/** A process on a fresh database: its store, deadline worker and proposals service. */
async function instance(clock: ManualClock) {
  let store: Store;
  if (onPostgres) {
    store = await openTestPostgresStore(await freshPostgresDatabase());
  } else {
    const directory = mkdtempSync(join(tmpdir(), "proposal-expiry-"));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    store = openSqliteStore({ path: join(directory, "gateway.db") });
  }
  const config = loadConfig({ DATABASE_URL: ":memory:", ADMIN_TOKEN: "x".repeat(24) });
  const carriers = registryOf(
    [{ adapter: new FakeCarrier().adapter, mode: "sandbox" }],
    config,
    new Metrics(),
    silentLogger,
    clock.now,
  );
  const deps = {
    store,
    carriers,
    logger: silentLogger,
    metrics: new Metrics(),
    now: clock.now,
    carrierDeadlineMs: 1_500,
    collectionLooks: defaultCollectionLooks,
    obligations: config.obligations,
  };
  const worker = new DeadlineWorker({ ...deps, intervalMs: 50, leaseMs: 60_000, batchSize: 20 });
  cleanups.push(async () => {
    await worker.stop();
    await carriers.close();
    await store.close();
  });
  await store.merchants.create(merchant);
  // Subscribed to every event: each one recorded has a delivery to read back.
  await store.webhooks.createEndpoint({
    id: "we_all",
    merchantId: merchant.id,
    url: "https://hooks.example.com/all",
    events: null,
    description: null,
    secret: `whsec_${Buffer.from("x".repeat(24)).toString("base64")}`,
    previousSecret: null,
    previousSecretUntil: null,
    createdAt: merchant.createdAt,
    deletedAt: null,
  });
  return { store, worker, deps, proposals: new ShipDateProposalService(deps) };
}

let sequence = 0;

/** A shipment awaiting shipment with its ship_by deadline 47 h after the clock's now. */
async function seedShipment(store: Store, clock: ManualClock): Promise<ShipmentRecord> {
  const now = clock.now();
  sequence += 1;
  const shipment: ShipmentRecord = {
    id: `shp_${String(sequence).padStart(8, "0")}`,
    merchantId: merchant.id,
    orderId: `ORD-${sequence}`,
    category: "apparel",
    items: [],
    status: "awaiting_shipment",
    paidAt: new Date(now.getTime() - hour).toISOString(),
    shipBy: new Date(now.getTime() + 47 * hour).toISOString(),
    collectBy: null,
    carrier: null,
    trackingNumber: null,
    shippedAt: null,
    collectedAt: null,
    refundedAt: null,
    overdueAt: null,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await store.shipments.insert({
    shipment,
    event: { at: shipment.createdAt, type: "created", detail: "Registered.", actor },
    deadlines: [newDeadline("ship_by", shipment, shipment.shipBy, shipment.shipBy)],
    idempotency: null,
  });
  return shipment;
}

/** The webhook events recorded so far, by type (once: their deliveries are leased). */
async function recordedEvents(store: Store, clock: ManualClock): Promise<WebhookEvent[]> {
  const now = clock.now().getTime();
  const due = await store.webhooks.claimDue(
    new Date(now + day).toISOString(),
    new Date(now + 2 * day).toISOString(),
    { total: 100, perEndpoint: 100, inFlight: new Map() },
  );
  return due.map(({ event }) => JSON.parse(event.body) as WebhookEvent);
}

/** A date three days ahead of the real now (China time): its end is ahead on any clock here. */
function laterDate(): string {
  return chinaDateOf(new Date(Date.now() + 3 * day));
}

describe("proposal expiry", () => {
  it("expires a proposal nobody answered at its expiresAt: expired, proposal.expired, shipBy kept", async () => {
    const clock = manualClock(new Date(Date.now() - 25 * hour));
    const { store, worker, proposals } = await instance(clock);
    const shipment = await seedShipment(store, clock);
    const proposal = await proposals.propose(
      merchant,
      shipment.id,
      { shipDate: laterDate() },
      actor,
    );
    expect(proposal.expiresAt).toBe(new Date(clock.now().getTime() + day).toISOString());
    if (!onPostgres) {
      clock.advance(day - 1);
      expect(await worker.runDue(), "a millisecond before expiresAt").toBe(0);
      clock.advance(1);
    } else {
      clock.advance(day);
    }
    expect(await worker.runDue()).toBe(1);
    expect(await store.proposals.getById(proposal.id)).toMatchObject({
      status: "expired",
      answeredAt: proposal.expiresAt,
      version: 2,
    });
    expect((await store.shipments.getById(shipment.id))?.shipBy, "shipBy stands").toBe(
      shipment.shipBy,
    );
    const events = await recordedEvents(store, clock);
    expect(events).toEqual([
      expect.objectContaining({
        type: "proposal.expired",
        data: expect.objectContaining({ id: proposal.id, status: "expired" }),
      }),
    ]);
    expect(await store.deadlines.openFor(proposal.id), "done with").toEqual([]);
    expect(await worker.runDue(), "acted on once").toBe(0);
  });

  for (const verdict of ["accept", "reject"] as const) {
    it(`does nothing at expiresAt for a proposal the buyer answered (${verdict})`, async () => {
      const clock = manualClock(new Date(Date.now() - 25 * hour));
      const { store, worker, proposals } = await instance(clock);
      const shipment = await seedShipment(store, clock);
      const proposal = await proposals.propose(
        merchant,
        shipment.id,
        { shipDate: laterDate() },
        actor,
      );
      clock.advance(hour);
      const answered = await proposals[verdict](merchant, proposal.id, actor);
      const shipBy = (await store.shipments.getById(shipment.id))?.shipBy;
      clock.advance(day - hour);
      expect(await worker.runDue(), "the expiry job runs").toBe(1);
      expect(await store.proposals.getById(proposal.id), "left as answered").toEqual(answered);
      expect((await store.shipments.getById(shipment.id))?.shipBy).toBe(shipBy);
      expect((await recordedEvents(store, clock)).map((event) => event.type)).toEqual([
        verdict === "accept" ? "proposal.accepted" : "proposal.rejected",
      ]);
      expect(await store.deadlines.openFor(proposal.id)).toEqual([]);
    });
  }

  it("expires once when its job runs twice at the same time, and again later (a holder lost after acting)", async () => {
    const clock = manualClock(new Date(Date.now() - 25 * hour));
    const one = await instance(clock);
    const shipment = await seedShipment(one.store, clock);
    const proposal = await one.proposals.propose(
      merchant,
      shipment.id,
      { shipDate: laterDate() },
      actor,
    );
    clock.advance(day);
    const [deadline] = await one.store.deadlines.openFor(proposal.id);
    if (!deadline) {
      throw new Error("no proposal_expiry deadline stored");
    }
    const runs = await Promise.all([
      deadlineHandlers.proposal_expiry(deadline, one.deps),
      deadlineHandlers.proposal_expiry(deadline, one.deps),
    ]);
    expect(runs).toEqual([{ done: true }, { done: true }]);
    expect(await deadlineHandlers.proposal_expiry(deadline, one.deps)).toEqual({ done: true });
    expect(await one.store.proposals.getById(proposal.id)).toMatchObject({
      status: "expired",
      version: 2,
    });
    expect((await recordedEvents(one.store, clock)).map((event) => event.type)).toEqual([
      "proposal.expired",
    ]);
  });
});
