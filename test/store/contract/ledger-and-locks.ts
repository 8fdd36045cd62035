/**
 * The contract of the cost ledger's read (`costLines`) and of finding a merchant's locks
 * (`lockedOf`, for bulk release).
 */

import { beforeEach, describe, expect, it } from "vitest";
import { gatewayActor } from "../../../src/domain/actors.ts";
import { noCharge } from "../../../src/domain/cost.ts";
import type { CostLine, InterceptionRecord, Store } from "../../../src/store/store.ts";
import { at, icpId, interception } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function ledgerAndLocksContract(subject: ContractSubject): void {
  describe("cost lines and locks", () => {
    let store: Store;
    beforeEach(() => {
      store = subject.store;
    });

    /** Stores a record with a first event of its own status at its creation. */
    function insert(record: InterceptionRecord) {
      return store.interceptions.insert({
        interception: record,
        event: {
          at: record.createdAt,
          status: record.status,
          detail: "Stored.",
          carrierEventId: null,
          actor: gatewayActor,
        },
        job: null,
        idempotency: null,
      });
    }

    function line(record: InterceptionRecord): CostLine {
      return {
        id: record.id,
        carrier: record.carrier,
        cost: record.cost,
        createdAt: record.createdAt,
      };
    }

    const quotedCost = {
      payer: "merchant",
      mode: "paid_redirect",
      quoted: { amount: "12.50", currency: "CNY" },
      final: { amount: "13.00", currency: "CNY" },
      settlement: "offline",
    } as const;

    describe("costLines", () => {
      it("reads the merchant's interceptions created in [from, to), oldest first, with their costs", async () => {
        const before = interception(icpId(1), "mer_a", { createdAt: at(99.999) });
        const atFrom = interception(icpId(2), "mer_a", { createdAt: at(100), cost: quotedCost });
        const inside = interception(icpId(3), "mer_a", { createdAt: at(150), carrier: "ups" });
        const justBeforeTo = interception(icpId(4), "mer_a", { createdAt: at(199.999) });
        const atTo = interception(icpId(5), "mer_a", { createdAt: at(200) });
        const otherMerchant = interception(icpId(6), "mer_b", { createdAt: at(150) });
        // Inserted out of creation order: the order read back is the creation time's.
        for (const record of [inside, atTo, before, justBeforeTo, otherMerchant, atFrom]) {
          await insert(record);
        }

        const lines = await store.interceptions.costLines(
          "mer_a",
          { from: at(100), to: at(200) },
          { limit: 10 },
        );
        expect(lines).toEqual([line(atFrom), line(inside), line(justBeforeTo)]);
        expect(
          await store.interceptions.costLines(
            "mer_b",
            { from: at(0), to: at(1000) },
            { limit: 10 },
          ),
        ).toEqual([line(otherMerchant)]);
        expect(
          await store.interceptions.costLines(
            "mer_a",
            { from: at(100), to: at(100) },
            { limit: 10 },
          ),
          "an empty range",
        ).toEqual([]);
        expect(
          await store.interceptions.costLines("mer_a", { from: at(0), to: at(1000) }, { limit: 0 }),
        ).toEqual([]);
      });

      it("pages by (createdAt, id), even through lines created at the same time", async () => {
        // Ids minted in one order, creation times in another, two of them equal: the order is the
        // creation time's, and the id's only among equal times.
        const records = [
          interception(icpId(10), "mer_a", { createdAt: at(30) }),
          interception(icpId(11), "mer_a", { createdAt: at(20) }),
          interception(icpId(12), "mer_a", { createdAt: at(20) }),
          interception(icpId(13), "mer_a", { createdAt: at(10) }),
          interception(icpId(14), "mer_a", { createdAt: at(20) }),
        ];
        for (const record of records) {
          await insert(record);
        }
        const expected = [records[3], records[1], records[2], records[4], records[0]].map(
          (record) => record?.id,
        );

        const read: string[] = [];
        let after: CostLine | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.interceptions.costLines(
            "mer_a",
            { from: at(0), to: at(100) },
            { limit: 2, ...(after ? { after } : {}) },
          );
          read.push(...page.map((row) => row.id));
          after = page.at(-1);
          if (page.length < 2) {
            break;
          }
        }
        expect(read).toEqual(expected);
      });
    });

    describe("lockedOf", () => {
      function locked(seconds: number, merchantId: string, orderId: string): InterceptionRecord {
        return interception(icpId(seconds), merchantId, {
          orderId,
          action: "intercept",
          redirectTo: null,
          status: "locked",
          parcelState: "not_collected",
          cost: noCharge(),
          createdAt: at(seconds),
          updatedAt: at(seconds),
        });
      }

      it("finds the merchant's locks with the time each became locked, oldest first", async () => {
        const early = locked(10, "mer_a", "ORD-1");
        const late = locked(20, "mer_a", "ORD-2");
        const released = locked(5, "mer_a", "ORD-1");
        const pending = interception(icpId(1), "mer_a", { orderId: "ORD-1", createdAt: at(1) });
        const others = locked(3, "mer_b", "ORD-1");
        for (const record of [late, early, released, pending, others]) {
          await insert(record);
        }
        // Another event while it stays locked (a pickup cancelled) does not move its lock time.
        await store.interceptions.transition(early.id, {
          from: ["locked"],
          event: { at: at(50), detail: "Pickup cancelled.", actor: gatewayActor },
        });
        await store.interceptions.transition(released.id, {
          from: ["locked"],
          to: "released",
          event: { at: at(6), detail: "Released.", actor: gatewayActor },
        });
        // Pending first, locked later by the worker: locked since then, not since creation.
        expect(
          await store.interceptions.transition(pending.id, {
            from: ["pending"],
            to: "locked",
            event: { at: at(30), detail: "Not collected: locked.", actor: gatewayActor },
          }),
        ).toBe("applied");

        expect(await store.interceptions.lockedOf("mer_a", {}, 10)).toEqual([
          { id: early.id, orderId: "ORD-1", lockedAt: at(10) },
          { id: late.id, orderId: "ORD-2", lockedAt: at(20) },
          { id: pending.id, orderId: "ORD-1", lockedAt: at(30) },
        ]);
        expect(await store.interceptions.lockedOf("mer_b", {}, 10)).toEqual([
          { id: others.id, orderId: "ORD-1", lockedAt: at(3) },
        ]);
        expect(await store.interceptions.lockedOf("mer_a", {}, 2), "at most the limit").toEqual([
          { id: early.id, orderId: "ORD-1", lockedAt: at(10) },
          { id: late.id, orderId: "ORD-2", lockedAt: at(20) },
        ]);
        expect(await store.interceptions.lockedOf("mer_a", {}, 0)).toEqual([]);
      });

      it("narrows to order ids, to locks older than a time (strictly), or to both", async () => {
        const a = locked(10, "mer_a", "ORD-1");
        const b = locked(20, "mer_a", "ORD-2");
        const c = locked(30, "mer_a", "ORD-1");
        const d = locked(40, "mer_a", "ORD-3");
        for (const record of [a, b, c, d]) {
          await insert(record);
        }
        const ids = async (criteria: { orderIds?: string[]; lockedBefore?: string }) =>
          (await store.interceptions.lockedOf("mer_a", criteria, 10)).map((lock) => lock.id);

        expect(await ids({ orderIds: ["ORD-1"] })).toEqual([a.id, c.id]);
        expect(await ids({ orderIds: ["ORD-3", "ORD-2", "ORD-none"] })).toEqual([b.id, d.id]);
        expect(await ids({ orderIds: [] }), "no order ids match nothing").toEqual([]);
        expect(await ids({ lockedBefore: at(30) }), "strictly before").toEqual([a.id, b.id]);
        expect(await ids({ lockedBefore: at(30.001) })).toEqual([a.id, b.id, c.id]);
        expect(await ids({ orderIds: ["ORD-1", "ORD-3"], lockedBefore: at(35) })).toEqual([
          a.id,
          c.id,
        ]);
        expect(await ids({ orderIds: ["ORD-2"], lockedBefore: at(20) })).toEqual([]);
      });
    });
  });
}
