/**
 * The contract of `store.deadlines`: leased to one holder at a time, fenced, rescheduled. Due
 * times are either long past (T0 is before any test runs) or far ahead, so the cases hold on the
 * caller's clock (SQLite) and on the database's (PostgreSQL) alike; only a lapsed lease needs a
 * clock the test moves.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { newDeadline } from "../../../src/store/deadline-records.ts";
import type { DeadlineRecord, Store } from "../../../src/store/store.ts";
import { at } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";
import { shipment, shpId } from "./shipments.ts";

const farAhead = "2099-01-01T00:00:00.000Z";

export function deadlinesContract(subject: ContractSubject): void {
  describe("deadlines", () => {
    let store: Store;
    const now = at(1_000);
    const lease = at(1_060);

    beforeEach(() => {
      store = subject.store;
    });

    /** A shipment whose insert enqueued `deadlines` (made of its id). */
    async function withDeadlines(n: number, dues: string[]): Promise<DeadlineRecord[]> {
      const record = shipment(shpId(n), "mer_a");
      const deadlines = dues.map((due, index) =>
        newDeadline("ship_by", record, due, String(index)),
      );
      await store.shipments.insert({
        shipment: record,
        event: {
          at: at(1),
          type: "created",
          detail: "Registered.",
          actor: { type: "gateway", id: null },
        },
        deadlines,
        idempotency: null,
      });
      return deadlines;
    }

    it("hands out due deadlines only, earliest first, each to one holder", async () => {
      const [later, earlier, notYet] = await withDeadlines(1, [at(20), at(10), farAhead]);
      const claimed = await store.deadlines.claimDue(now, lease, 10);
      expect(claimed.map((each) => each.id)).toEqual([earlier?.id, later?.id]);
      expect(claimed.every((each) => each.leaseUntil !== null)).toBe(true);
      expect(await store.deadlines.claimDue(now, lease, 10), "already held").toEqual([]);
      expect(notYet).toBeDefined();
    });

    it("lets two claimers racing share the due deadlines without overlap", async () => {
      await withDeadlines(1, [at(10), at(11), at(12), at(13)]);
      const other = (await subject.anotherStore()) ?? store;
      const [first, second] = await Promise.all([
        store.deadlines.claimDue(now, lease, 3),
        other.deadlines.claimDue(now, lease, 3),
      ]);
      const ids = [...(first ?? []), ...(second ?? [])].map((each) => each.id);
      expect(new Set(ids).size, JSON.stringify(ids)).toBe(ids.length);
      expect(ids).toHaveLength(4);
    });

    it("completes and reschedules only under the holder's lease", async () => {
      const [one, two] = await withDeadlines(1, [at(10), at(11)]);
      const claimed = await store.deadlines.claimDue(now, lease, 10);
      const held = (id: string | undefined) => claimed.find((each) => each.id === id);
      const heldOne = held(one?.id);
      const heldTwo = held(two?.id);
      if (!heldOne || !heldTwo) {
        throw new Error(`not both claimed: ${JSON.stringify(claimed)}`);
      }
      await store.deadlines.complete({ id: heldOne.id, leaseUntil: at(5) });
      await store.deadlines.reschedule({ id: heldTwo.id, leaseUntil: at(5) }, at(12), "no");
      expect(await store.deadlines.openFor(shpId(1)), "a lost holder changes nothing").toHaveLength(
        2,
      );
      await store.deadlines.complete(heldOne);
      await store.deadlines.reschedule(heldTwo, farAhead, "carrier down");
      expect(await store.deadlines.openFor(shpId(1))).toEqual([
        { ...heldTwo, dueAt: farAhead, attempts: 1, lastError: "carrier down", leaseUntil: null },
      ]);
      expect(await store.deadlines.claimDue(now, lease, 10), "due again only later").toEqual([]);
    });

    it("is taken over once its holder's lease lapsed", async (context) => {
      if (subject.dueByDatabaseClock) {
        context.skip();
      }
      await withDeadlines(1, [at(10)]);
      const [first] = await store.deadlines.claimDue(now, lease, 10);
      expect(await store.deadlines.claimDue(at(1_059), at(1_100), 10)).toEqual([]);
      const [takenOver] = await store.deadlines.claimDue(at(1_061), at(1_120), 10);
      expect(takenOver?.id).toBe(first?.id);
      await store.deadlines.complete({
        id: first?.id ?? "",
        leaseUntil: first?.leaseUntil ?? null,
      });
      expect(await store.deadlines.openFor(shpId(1)), "the first holder lost it").toHaveLength(1);
    });
  });
}
