/**
 * The contract of `store.tickets` and `store.proposals`: records, scoping, and what commits with a
 * change (its events, the shipment change it implies, its webhook events, its deadlines) or,
 * when the change was decided on a stale read, that nothing at all does.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Ticket as TicketResource } from "../../../contracts/tickets.ts";
import type { WebhookEvent } from "../../../contracts/webhooks.ts";
import { apiKeyActor, gatewayActor } from "../../../src/domain/actors.ts";
import { type ChinaDate, parseChinaDate } from "../../../src/domain/obligations/china-time.ts";
import { newDeadline } from "../../../src/store/deadline-records.ts";
import type {
  ShipDateProposalRecord,
  Store,
  TicketEventRecord,
  TicketRecord,
} from "../../../src/store/store.ts";
import { at } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";
import { seedShipment, shipment, shpId } from "./shipments.ts";

function tktId(n: number): string {
  return `tkt_${String(n).padStart(8, "0")}`;
}

function sdpId(n: number): string {
  return `sdp_${String(n).padStart(8, "0")}`;
}

function chinaDate(text: string): ChinaDate {
  const date = parseChinaDate(text);
  if (date === null) {
    throw new Error(`not a date: ${text}`);
  }
  return date;
}

function ticket(
  id: string,
  shipmentId: string,
  overrides: Partial<TicketRecord> = {},
): TicketRecord {
  return {
    id,
    merchantId: "mer_a",
    shipmentId,
    type: "urge_shipment",
    status: "awaiting_merchant",
    openedAt: at(10),
    dueAt: at(10 + 86_400),
    resolution: null,
    replies: [],
    buyerAnswer: null,
    secondChance: null,
    version: 1,
    createdAt: at(10),
    updatedAt: at(10),
    ...overrides,
  };
}

const opened: TicketEventRecord = {
  type: "opened",
  at: at(10),
  status: "awaiting_merchant",
  detail: "The buyer urged shipment.",
  actor: apiKeyActor("igk_1"),
};

function proposal(
  id: string,
  shipmentId: string,
  overrides: Partial<ShipDateProposalRecord> = {},
): ShipDateProposalRecord {
  return {
    id,
    merchantId: "mer_a",
    shipmentId,
    status: "awaiting_buyer",
    shipDate: chinaDate("2026-11-23"),
    proposedAt: at(10),
    expiresAt: at(10 + 86_400),
    answeredAt: null,
    version: 1,
    createdAt: at(10),
    updatedAt: at(10),
    ...overrides,
  };
}

/** An endpoint of `mer_a` subscribed to every event, so each event recorded has a delivery. */
async function subscribeAll(store: Store): Promise<void> {
  await store.webhooks.createEndpoint({
    id: "we_all",
    merchantId: "mer_a",
    url: "https://hooks.example.com/all",
    events: null,
    description: null,
    secret: `whsec_${Buffer.from("x".repeat(24)).toString("base64")}`,
    previousSecret: null,
    previousSecretUntil: null,
    createdAt: at(0),
    deletedAt: null,
  });
}

/** Every webhook event recorded so far, oldest first (once: their deliveries are leased). */
async function recordedEvents(store: Store): Promise<WebhookEvent[]> {
  const due = await store.webhooks.claimDue(at(1_000_000), at(2_000_000), {
    total: 100,
    perEndpoint: 100,
    inFlight: new Map(),
  });
  return due
    .map(({ event }) => JSON.parse(event.body) as WebhookEvent)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

export function ticketsContract(subject: ContractSubject): void {
  describe("tickets", () => {
    let store: Store;
    const shipmentId = shpId(1);

    beforeEach(async () => {
      store = subject.store;
      await seedShipment(store, shipment(shipmentId, "mer_a"));
    });

    it("opens a ticket with its events, webhook event and deadline, bumping the shipment", async () => {
      await subscribeAll(store);
      const record = ticket(tktId(1), shipmentId);
      const due = newDeadline("ticket_due", record, record.dueAt, record.dueAt);
      const result = await store.tickets.open({
        ticket: record,
        events: [opened],
        webhooks: ["ticket.opened"],
        expectShipmentVersion: 1,
        schedule: [due],
        at: at(10),
      });
      expect(result).toMatchObject({
        outcome: "applied",
        record: { ...record, events: [opened] },
        shipment: { id: shipmentId, version: 2 },
      });
      expect(await store.tickets.get("mer_a", record.id)).toEqual({ ...record, events: [opened] });
      expect(await store.tickets.getById(record.id)).toEqual({ ...record, events: [opened] });
      expect(await store.tickets.ofShipment(shipmentId)).toEqual([{ ...record, events: [opened] }]);
      // Only the version moved: the shipment's own fields did not.
      expect(await store.shipments.get("mer_a", shipmentId)).toMatchObject({
        version: 2,
        updatedAt: at(1),
      });
      expect((await store.deadlines.openFor(record.id)).map((each) => each.kind)).toEqual([
        "ticket_due",
      ]);
      const [event, ...others] = await recordedEvents(store);
      expect(others).toEqual([]);
      expect(event?.type).toBe("ticket.opened");
      const data = event?.data as TicketResource;
      expect(data).toMatchObject({ id: record.id, shipmentId, status: "awaiting_merchant" });
      expect(data.events).toEqual([expect.objectContaining({ type: "opened", at: at(10) })]);
      expect(data).not.toHaveProperty("merchantId");
    });

    it("refuses an open decided on a stale shipment, writing nothing", async () => {
      await subscribeAll(store);
      const first = ticket(tktId(1), shipmentId);
      const second = ticket(tktId(2), shipmentId, { type: "urge_shipment" });
      const open = (record: TicketRecord) =>
        store.tickets.open({
          ticket: record,
          events: [opened],
          webhooks: ["ticket.opened"],
          // Both decided on the shipment at version 1: only one may commit.
          expectShipmentVersion: 1,
          schedule: [newDeadline("ticket_due", record, record.dueAt, record.dueAt)],
          at: at(10),
        });
      expect((await open(first)).outcome).toBe("applied");
      expect(await open(second)).toEqual({ outcome: "stale" });
      expect(await store.tickets.getById(second.id)).toBeNull();
      expect(await store.deadlines.openFor(second.id)).toEqual([]);
      expect((await recordedEvents(store)).map((event) => event.data.id)).toEqual([first.id]);
      expect((await store.shipments.getById(shipmentId))?.version).toBe(2);
    });

    it("lets one of two instances' opens decided on the same read commit", async () => {
      // One connection only (SQLite in memory): two concurrent calls on it race the same way.
      const other = (await subject.anotherStore()) ?? store;
      const open = (on: Store, record: TicketRecord) =>
        on.tickets.open({
          ticket: record,
          events: [opened],
          webhooks: [],
          expectShipmentVersion: 1,
          schedule: [newDeadline("ticket_due", record, record.dueAt, record.dueAt)],
          at: at(10),
        });
      const results = await Promise.all([
        open(store, ticket(tktId(1), shipmentId)),
        open(other, ticket(tktId(2), shipmentId)),
      ]);
      expect(results.map((result) => result.outcome).sort()).toEqual(["applied", "stale"]);
      expect(await store.tickets.ofShipment(shipmentId)).toHaveLength(1);
      const [winner] = await store.tickets.ofShipment(shipmentId);
      const loser = winner?.id === tktId(1) ? tktId(2) : tktId(1);
      expect(await store.deadlines.openFor(loser)).toEqual([]);
      expect((await store.shipments.getById(shipmentId))?.version).toBe(2);
    });

    it("opens a ticket only on its merchant's shipment", async () => {
      const result = await store.tickets.open({
        ticket: ticket(tktId(1), shipmentId, { merchantId: "mer_b" }),
        events: [opened],
        webhooks: [],
        expectShipmentVersion: 1,
        at: at(10),
      });
      expect(result).toEqual({ outcome: "not_found" });
      expect(await store.tickets.getById(tktId(1))).toBeNull();
      expect((await store.shipments.getById(shipmentId))?.version).toBe(1);
    });

    it("applies a change with the shipment change, events, webhook events and deadline it implies", async () => {
      const record = ticket(tktId(1), shipmentId, { type: "urge_collection" });
      await store.tickets.open({
        ticket: record,
        events: [opened],
        webhooks: [],
        expectShipmentVersion: 1,
        at: at(10),
      });
      await subscribeAll(store);
      const reply = {
        kind: "changed_waybill" as const,
        at: at(20),
        message: "New waybill.",
        trackingNumber: "SF999",
      };
      const added: TicketEventRecord[] = [
        {
          type: "replied",
          at: at(20),
          status: "resolved",
          detail: "Replied.",
          actor: opened.actor,
        },
        { type: "resolved", at: at(20), status: "resolved", detail: "Done.", actor: opened.actor },
      ];
      const next = newDeadline("ship_by", { id: shipmentId, merchantId: "mer_a" }, at(500), "x");
      const result = await store.tickets.change(record.id, {
        merchantId: "mer_a",
        expectVersion: 1,
        expectShipmentVersion: 2,
        ticket: { ...record, status: "resolved", resolution: "replied", replies: [reply] },
        events: added,
        webhooks: ["ticket.resolved"],
        shipmentPatch: { trackingNumber: "SF999", collectBy: at(400) },
        schedule: [next],
        at: at(20),
      });
      expect(result.outcome).toBe("applied");
      const after = await store.tickets.get("mer_a", record.id);
      expect(after).toEqual({
        ...record,
        status: "resolved",
        resolution: "replied",
        replies: [reply],
        version: 2,
        updatedAt: at(20),
        events: [opened, ...added],
      });
      expect(await store.shipments.get("mer_a", shipmentId)).toMatchObject({
        trackingNumber: "SF999",
        collectBy: at(400),
        version: 3,
        updatedAt: at(20),
      });
      expect((await store.deadlines.openFor(shipmentId)).map((each) => each.id)).toContain(next.id);
      const events = await recordedEvents(store);
      expect(events.map((event) => [event.type, event.data.id])).toEqual([
        ["ticket.resolved", record.id],
      ]);
      expect((events[0]?.data as TicketResource | undefined)?.replies).toEqual([reply]);
    });

    it("refuses a change on a stale ticket or shipment, or of another merchant, writing nothing", async () => {
      const record = ticket(tktId(1), shipmentId);
      await store.tickets.open({
        ticket: record,
        events: [opened],
        webhooks: [],
        expectShipmentVersion: 1,
        at: at(10),
      });
      await subscribeAll(store);
      const change = {
        merchantId: "mer_a",
        expectVersion: 1,
        expectShipmentVersion: 2,
        ticket: { ...record, status: "overdue" as const },
        events: [
          {
            type: "overdue" as const,
            at: at(30),
            status: "overdue" as const,
            detail: "Overdue.",
            actor: gatewayActor,
          },
        ],
        webhooks: ["ticket.overdue" as const],
        shipmentPatch: { collectBy: at(99) },
        schedule: [newDeadline("ticket_due", record, at(99), at(99))],
        at: at(30),
      };
      expect(await store.tickets.change(record.id, { ...change, expectVersion: 2 })).toEqual({
        outcome: "stale",
      });
      expect(
        await store.tickets.change(record.id, { ...change, expectShipmentVersion: 1 }),
      ).toEqual({ outcome: "stale" });
      expect(await store.tickets.change(record.id, { ...change, merchantId: "mer_b" })).toEqual({
        outcome: "not_found",
      });
      expect(await store.tickets.change(tktId(9), change)).toEqual({ outcome: "not_found" });
      expect(await store.tickets.getById(record.id)).toEqual({ ...record, events: [opened] });
      expect(await store.shipments.getById(shipmentId)).toMatchObject({
        version: 2,
        collectBy: null,
      });
      expect(await store.deadlines.openFor(record.id)).toEqual([]);
      expect(await recordedEvents(store)).toEqual([]);
      // The scheduler changes it unscoped.
      const { merchantId: _scoped, ...unscoped } = change;
      expect((await store.tickets.change(record.id, unscoped)).outcome).toBe("applied");
    });

    it("lists a merchant's tickets newest first, filtered and paged; another merchant's are missing", async () => {
      await seedShipment(store, shipment(shpId(2), "mer_b"));
      const records = [
        ticket(tktId(1), shipmentId, { type: "urge_shipment", status: "overdue" }),
        ticket(tktId(2), shipmentId, { type: "urge_collection" }),
        ticket(tktId(3), shipmentId, { type: "urge_shipment" }),
      ];
      let version = 1;
      for (const record of records) {
        await store.tickets.open({
          ticket: record,
          events: [opened],
          webhooks: [],
          expectShipmentVersion: version,
          at: at(10),
        });
        version += 1;
      }
      const theirs = ticket(tktId(4), shpId(2), { merchantId: "mer_b" });
      await store.tickets.open({
        ticket: theirs,
        events: [],
        webhooks: [],
        expectShipmentVersion: 1,
        at: at(10),
      });
      const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);
      expect(ids(await store.tickets.list("mer_a", {}, { limit: 10 }))).toEqual([
        tktId(3),
        tktId(2),
        tktId(1),
      ]);
      expect(
        ids(await store.tickets.list("mer_a", { type: "urge_shipment" }, { limit: 10 })),
      ).toEqual([tktId(3), tktId(1)]);
      expect(
        ids(
          await store.tickets.list(
            "mer_a",
            { type: "urge_shipment", status: "awaiting_merchant" },
            { limit: 10 },
          ),
        ),
      ).toEqual([tktId(3)]);
      expect(ids(await store.tickets.list("mer_a", {}, { limit: 1, before: tktId(3) }))).toEqual([
        tktId(2),
      ]);
      expect((await store.tickets.list("mer_a", {}, { limit: 10 }))[2]?.events).toEqual([opened]);
      expect(ids(await store.tickets.list("mer_b", {}, { limit: 10 }))).toEqual([tktId(4)]);
      expect(await store.tickets.get("mer_b", tktId(1))).toBeNull();
      expect(await store.tickets.get("mer_a", tktId(4))).toBeNull();
      expect(ids(await store.tickets.ofShipment(shipmentId))).toEqual([
        tktId(1),
        tktId(2),
        tktId(3),
      ]);
    });
  });

  describe("ship-date proposals", () => {
    let store: Store;
    const shipmentId = shpId(1);

    beforeEach(async () => {
      store = subject.store;
      await seedShipment(store, shipment(shipmentId, "mer_a"));
    });

    it("stores a proposal with its expiry deadline; a second decided on the same read is stale", async () => {
      const first = proposal(sdpId(1), shipmentId);
      const expiry = newDeadline("proposal_expiry", first, first.expiresAt);
      const result = await store.proposals.propose({
        proposal: first,
        expectShipmentVersion: 1,
        schedule: [expiry],
        at: at(10),
      });
      expect(result).toMatchObject({ outcome: "applied", record: first, shipment: { version: 2 } });
      const second = proposal(sdpId(2), shipmentId);
      expect(
        await store.proposals.propose({
          proposal: second,
          expectShipmentVersion: 1,
          schedule: [newDeadline("proposal_expiry", second, second.expiresAt)],
          at: at(10),
        }),
      ).toEqual({ outcome: "stale" });
      expect(await store.proposals.getById(second.id)).toBeNull();
      expect(await store.deadlines.openFor(second.id)).toEqual([]);
      expect(await store.deadlines.openFor(first.id)).toMatchObject([
        { kind: "proposal_expiry", dueAt: first.expiresAt },
      ]);
      expect(await store.proposals.get("mer_a", first.id)).toEqual(first);
      expect(await store.proposals.get("mer_b", first.id)).toBeNull();
      expect(await store.proposals.ofShipment(shipmentId)).toEqual([first]);
      expect(
        await store.proposals.propose({
          proposal: proposal(sdpId(3), shipmentId, { merchantId: "mer_b" }),
          expectShipmentVersion: 2,
          at: at(10),
        }),
      ).toEqual({ outcome: "not_found" });
    });

    it("reads the proposals of several shipments at once, grouped, only the merchant's", async () => {
      await seedShipment(store, shipment(shpId(2), "mer_a"));
      await seedShipment(store, shipment(shpId(3), "mer_b"));
      const stored = [
        proposal(sdpId(1), shipmentId, { status: "rejected", answeredAt: at(20) }),
        proposal(sdpId(2), shpId(2)),
        proposal(sdpId(3), shipmentId),
        proposal(sdpId(4), shpId(3), { merchantId: "mer_b" }),
      ];
      const versions = new Map<string, number>();
      for (const each of stored) {
        const version = versions.get(each.shipmentId) ?? 1;
        const result = await store.proposals.propose({
          proposal: each,
          expectShipmentVersion: version,
          at: at(10),
        });
        expect(result.outcome, each.id).toBe("applied");
        versions.set(each.shipmentId, version + 1);
      }
      const [first, second, third, theirs] = stored;
      const found = await store.proposals.ofShipments("mer_a", [shipmentId, shpId(2), shpId(3)]);
      expect(found).toEqual(
        new Map([
          [shipmentId, [first, third]],
          [shpId(2), [second]],
        ]),
      );
      expect(await store.proposals.ofShipments("mer_b", [shipmentId, shpId(3)])).toEqual(
        new Map([[shpId(3), [theirs]]]),
      );
      expect(await store.proposals.ofShipments("mer_a", [])).toEqual(new Map());
    });

    it("an accepted answer moves shipBy with its webhook event and deadline; a stale one writes nothing", async () => {
      const record = proposal(sdpId(1), shipmentId);
      await store.proposals.propose({ proposal: record, expectShipmentVersion: 1, at: at(10) });
      await subscribeAll(store);
      const shipBy = "2026-11-23T15:59:59.000Z";
      const answer = {
        merchantId: "mer_a",
        expectVersion: 1,
        expectShipmentVersion: 2,
        proposal: { ...record, status: "accepted" as const, answeredAt: at(20) },
        webhook: "proposal.accepted" as const,
        shipmentPatch: { shipBy },
        schedule: [newDeadline("ship_by", { id: shipmentId, merchantId: "mer_a" }, shipBy, shipBy)],
        at: at(20),
      };
      expect(await store.proposals.answer(record.id, { ...answer, expectVersion: 3 })).toEqual({
        outcome: "stale",
      });
      expect(
        await store.proposals.answer(record.id, { ...answer, expectShipmentVersion: 1 }),
      ).toEqual({ outcome: "stale" });
      expect(await store.proposals.answer(record.id, { ...answer, merchantId: "mer_b" })).toEqual({
        outcome: "not_found",
      });
      expect(await store.proposals.getById(record.id)).toEqual(record);
      expect(await store.deadlines.openFor(shipmentId)).toEqual([]);
      expect(await recordedEvents(store)).toEqual([]);

      const applied = await store.proposals.answer(record.id, answer);
      expect(applied).toMatchObject({
        outcome: "applied",
        record: { status: "accepted", answeredAt: at(20), version: 2, updatedAt: at(20) },
        shipment: { shipBy, version: 3 },
      });
      expect(await store.shipments.get("mer_a", shipmentId)).toMatchObject({
        shipBy,
        updatedAt: at(20),
      });
      expect((await store.deadlines.openFor(shipmentId)).map((each) => each.dueAt)).toEqual([
        shipBy,
      ]);
      const events = await recordedEvents(store);
      expect(events.map((event) => event.type)).toEqual(["proposal.accepted"]);
      expect(events[0]?.data).toEqual({
        id: record.id,
        status: "accepted",
        shipDate: "2026-11-23",
        proposedAt: record.proposedAt,
        expiresAt: record.expiresAt,
      });
    });
  });
}
