/** The contract of `store.shipments`: records, scoping, transitions, and what commits with them. */
import { beforeEach, describe, expect, it } from "vitest";
import type { Shipment } from "../../../contracts/shipments.ts";
import type { WebhookEvent } from "../../../contracts/webhooks.ts";
import { apiKeyActor, carrierActor, gatewayActor } from "../../../src/domain/actors.ts";
import { newDeadline } from "../../../src/store/deadline-records.ts";
import {
  IdempotencyConflictError,
  type ShipmentEventRecord,
  type ShipmentRecord,
  type Store,
} from "../../../src/store/store.ts";
import { at } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

/** A fixed id that sorts by `n`, like a ULID minted at that moment. */
export function shpId(n: number): string {
  return `shp_${String(n).padStart(8, "0")}`;
}

export function shipment(
  id: string,
  merchantId: string,
  overrides: Partial<ShipmentRecord> = {},
): ShipmentRecord {
  return {
    id,
    merchantId,
    orderId: "ORD-1",
    category: "apparel",
    items: [],
    status: "awaiting_shipment",
    paidAt: at(0),
    shipBy: at(86_400),
    collectBy: null,
    carrier: null,
    trackingNumber: null,
    shippedAt: null,
    collectedAt: null,
    refundedAt: null,
    overdueAt: null,
    version: 1,
    createdAt: at(1),
    updatedAt: at(1),
    ...overrides,
  };
}

const created: ShipmentEventRecord = {
  at: at(1),
  type: "created",
  detail: "Registered.",
  actor: apiKeyActor("igk_1"),
};

function shipped(when: string): ShipmentEventRecord {
  return { at: when, type: "shipped", detail: "Shipped.", actor: apiKeyActor("igk_1") };
}

export async function seedShipment(store: Store, record: ShipmentRecord): Promise<void> {
  await store.shipments.insert({
    shipment: record,
    event: created,
    deadlines: [],
    idempotency: null,
  });
}

export function shipmentsContract(subject: ContractSubject): void {
  describe("shipments", () => {
    let store: Store;

    beforeEach(() => {
      store = subject.store;
    });

    it("reads a shipment back as stored, only for its merchant", async () => {
      const id = shpId(1);
      const record = shipment(id, "mer_a", { items: [{ subOrderId: "SUB-1", quantity: 2 }] });
      await seedShipment(store, record);
      expect(await store.shipments.get("mer_a", id)).toEqual({ ...record, events: [created] });
      expect(await store.shipments.get("mer_b", id)).toBeNull();
      expect(await store.shipments.get("mer_a", shpId(9))).toBeNull();
      expect((await store.shipments.getById(id))?.merchantId).toBe("mer_a");
    });

    it("lists a merchant's shipments newest first, filtered and paged", async () => {
      for (const [n, orderId] of [
        [1, "ORD-1"],
        [2, "ORD-2"],
        [3, "ORD-1"],
      ] as const) {
        await seedShipment(store, shipment(shpId(n), "mer_a", { orderId }));
      }
      await seedShipment(store, shipment(shpId(4), "mer_b"));
      const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
      expect(ids(await store.shipments.list("mer_a", {}, { limit: 10 }))).toEqual([
        shpId(3),
        shpId(2),
        shpId(1),
      ]);
      expect(ids(await store.shipments.list("mer_a", { orderId: "ORD-1" }, { limit: 10 }))).toEqual(
        [shpId(3), shpId(1)],
      );
      expect(ids(await store.shipments.list("mer_a", {}, { limit: 1, before: shpId(3) }))).toEqual([
        shpId(2),
      ]);
      expect(
        await store.shipments.list("mer_a", { status: "shipped" }, { limit: 10 }),
      ).toHaveLength(0);
    });

    it("applies a transition once, with its event, and refuses a stale or wrong one", async () => {
      const id = shpId(1);
      await seedShipment(store, shipment(id, "mer_a"));
      const ship = {
        from: ["awaiting_shipment"] as const,
        to: "shipped" as const,
        patch: { carrier: "sf-express" as const, trackingNumber: "SF100", shippedAt: at(10) },
        event: shipped(at(10)),
      };
      expect((await store.shipments.transition(id, { ...ship, merchantId: "mer_b" })).outcome).toBe(
        "not_found",
      );
      expect((await store.shipments.transition(id, { ...ship, expectVersion: 7 })).outcome).toBe(
        "stale",
      );
      const applied = await store.shipments.transition(id, { ...ship, expectVersion: 1 });
      expect(applied.outcome).toBe("applied");
      const after = await store.shipments.get("mer_a", id);
      expect(after).toMatchObject({
        status: "shipped",
        carrier: "sf-express",
        trackingNumber: "SF100",
        shippedAt: at(10),
        version: 2,
        updatedAt: at(10),
      });
      expect(after?.events.map((event) => event.type)).toEqual(["created", "shipped"]);
      const again = await store.shipments.transition(id, ship);
      expect(again.outcome).toBe("status_mismatch");
      expect((await store.shipments.get("mer_a", id))?.events).toHaveLength(2);
      expect(await store.shipments.shippedWithParcel("sf-express", "SF100")).toMatchObject([
        { id, status: "shipped" },
      ]);
    });

    it("binds a shipped parcel to its merchant; another merchant's ship changes nothing", async () => {
      await seedShipment(store, shipment(shpId(1), "mer_a"));
      await seedShipment(store, shipment(shpId(2), "mer_b"));
      const ship = {
        from: ["awaiting_shipment"] as const,
        to: "shipped" as const,
        patch: { carrier: "jd" as const, trackingNumber: "JD200", shippedAt: at(10) },
        event: shipped(at(10)),
        bindParcel: true,
      };
      expect((await store.shipments.transition(shpId(1), ship)).outcome).toBe("applied");
      expect(await store.interceptions.parcelOwner("jd", "JD200")).toBe("mer_a");
      expect((await store.shipments.transition(shpId(2), ship)).outcome).toBe(
        "parcel_of_another_merchant",
      );
      const refused = await store.shipments.get("mer_b", shpId(2));
      expect(refused).toMatchObject({
        status: "awaiting_shipment",
        trackingNumber: null,
        version: 1,
      });
      expect(refused?.events).toHaveLength(1);
    });

    it("records the transition's webhook event with the shipment as data", async () => {
      await store.webhooks.createEndpoint({
        id: "we_ship",
        merchantId: "mer_a",
        url: "https://hooks.example.com/ship",
        events: ["shipment.collected"],
        description: null,
        secret: `whsec_${Buffer.from("x".repeat(24)).toString("base64")}`,
        previousSecret: null,
        previousSecretUntil: null,
        createdAt: at(0),
        deletedAt: null,
      });
      const id = shpId(1);
      await seedShipment(
        store,
        shipment(id, "mer_a", { status: "shipped", carrier: "sf-express", trackingNumber: "SF1" }),
      );
      await store.shipments.transition(id, {
        from: ["shipped"],
        event: { at: at(20), type: "overdue", detail: "Overdue.", actor: gatewayActor },
        webhook: "shipment.overdue",
        patch: { overdueAt: at(20) },
      });
      await store.shipments.transition(id, {
        from: ["shipped"],
        to: "collected",
        patch: { collectedAt: at(25) },
        event: { at: at(30), type: "collected", detail: "Collected.", actor: carrierActor("sf") },
        webhook: "shipment.collected",
      });
      const due = await store.webhooks.claimDue(at(40), at(10_000), {
        total: 10,
        perEndpoint: 10,
        inFlight: new Map(),
      });
      expect(
        due.map(({ delivery }) => delivery.type),
        "only the subscribed type",
      ).toEqual(["shipment.collected"]);
      const body = JSON.parse(due[0]?.event.body ?? "{}") as WebhookEvent;
      const data = body.data as Shipment;
      expect(data).toMatchObject({ id, status: "collected", collectedAt: at(25), overdue: true });
      expect(data).not.toHaveProperty("merchantId");
    });

    it("commits a new shipment with its key's answer, or not at all", async () => {
      const claim = {
        merchantId: "mer_a",
        key: "key-1",
        fingerprint: "f1",
        now: at(1),
        lockedUntil: at(60),
      };
      const completion = { merchantId: "mer_a", key: "key-1", status: 201, body: "{}" };
      await store.shipments.insert({
        shipment: shipment(shpId(1), "mer_a"),
        event: created,
        deadlines: [],
        idempotency: { claim, completion },
      });
      expect(await store.idempotency.claim({ ...claim, now: at(2) })).toEqual({
        outcome: "completed",
        status: 201,
        body: "{}",
      });
      await expect(
        store.shipments.insert({
          shipment: shipment(shpId(2), "mer_a"),
          event: created,
          deadlines: [],
          idempotency: { claim, completion },
        }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await store.shipments.getById(shpId(2))).toBeNull();
    });

    it("enqueues the deadlines a change sets, once however often it is replayed", async () => {
      const id = shpId(1);
      const record = shipment(id, "mer_a");
      const shipBy = newDeadline("ship_by", record, record.shipBy, record.shipBy);
      await store.shipments.insert({
        shipment: record,
        event: created,
        deadlines: [shipBy],
        idempotency: null,
      });
      const follow = newDeadline("follow_collection", record, at(100));
      for (const when of [10, 11]) {
        await store.shipments.transition(id, {
          from: ["awaiting_shipment", "shipped"],
          to: "shipped",
          patch: { carrier: "sf-express", trackingNumber: "SF1", shippedAt: at(when) },
          event: shipped(at(when)),
          schedule: [follow, shipBy],
        });
      }
      expect((await store.deadlines.openFor(id)).map((each) => [each.kind, each.dueAt])).toEqual([
        ["follow_collection", at(100)],
        ["ship_by", record.shipBy],
      ]);
    });
  });
}
