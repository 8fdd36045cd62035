/** The contract of storing and reading interceptions (`store.interceptions` but transitions). */
import { beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../../src/store/store.ts";
import { at, createdEvent, icpId, interception, job, seed } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function interceptionsContract(subject: ContractSubject): void {
  describe("interceptions", () => {
    let store: Store;
    beforeEach(() => {
      store = subject.store;
    });
    it("stores an interception with its event and job, and scopes reads to the merchant", async () => {
      const id = icpId(1);
      const record = interception(id, "mer_a", { note: "Buyer called." });
      await seed(store, record);

      const read = await store.interceptions.get("mer_a", id);
      expect(read).toEqual({ ...record, events: [createdEvent(record.createdAt)] });
      expect(await store.interceptions.get("mer_b", id), "another merchant's id").toBeNull();
      expect(await store.interceptions.get("mer_a", "icp_missing")).toBeNull();
      expect(await store.interceptions.getById(id)).toEqual(read);
      expect(await store.jobs.forInterception(id)).toEqual(job(`job_${id}`, id, record.createdAt));
    });

    it("reads an absent address back as null", async () => {
      const withoutAddress = interception(icpId(2), "mer_a", { redirectTo: null });
      await seed(store, withoutAddress);
      expect(await store.interceptions.getById(withoutAddress.id)).toMatchObject({
        redirectTo: null,
        failure: null,
      });
    });

    it("lists newest first with filters and pages with `before` across three pages", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = icpId(10 + i);
        ids.push(id);
        await seed(
          store,
          interception(id, "mer_a", {
            orderId: i % 2 === 0 ? "ORD-EVEN" : "ORD-ODD",
            trackingNumber: `SF10000000000${i}`,
            createdAt: at(10 + i),
          }),
        );
      }
      await seed(store, interception(icpId(20), "mer_b", { orderId: "ORD-EVEN" }));
      const newestFirst = [...ids].reverse();

      const pages: string[][] = [];
      let before: string | undefined;
      for (;;) {
        const page = await store.interceptions.list("mer_a", {}, { limit: 3, before });
        if (page.length === 0) {
          break;
        }
        for (const row of page) {
          expect(row.events, `events of ${row.id}`).toEqual([createdEvent(row.createdAt)]);
        }
        pages.push(page.map((row) => row.id));
        before = page.at(-1)?.id;
      }
      expect(pages, JSON.stringify(pages)).toEqual([
        newestFirst.slice(0, 3),
        newestFirst.slice(3, 6),
        newestFirst.slice(6),
      ]);

      const even = await store.interceptions.list("mer_a", { orderId: "ORD-EVEN" }, { limit: 10 });
      expect(even.map((row) => row.id)).toEqual(newestFirst.filter((_, i) => i % 2 === 0));
      const one = await store.interceptions.list(
        "mer_a",
        { trackingNumber: "SF100000000003", carrier: "sf-express", status: "pending" },
        { limit: 10 },
      );
      expect(one.map((row) => row.id)).toEqual([ids[3]]);
      expect(await store.interceptions.list("mer_a", { carrier: "ups" }, { limit: 10 })).toEqual(
        [],
      );
      expect(await store.interceptions.list("mer_a", { status: "failed" }, { limit: 10 })).toEqual(
        [],
      );
      expect(await store.interceptions.list("mer_a", {}, { limit: 0 }), "an empty page").toEqual(
        [],
      );
    });

    it("finds every interception of a parcel oldest first, for one merchant or all", async () => {
      const a1 = icpId(1);
      const a2 = icpId(2);
      const a3 = icpId(3);
      // Only one interception of a parcel may be open at a time: the earlier ones are finished.
      // A parcel belongs to one merchant, so all of them are A's.
      const parcel = { trackingNumber: "SF1400000000001" };
      await seed(store, interception(a1, "mer_a", { ...parcel, status: "failed" }));
      await seed(store, interception(a2, "mer_a", { ...parcel, status: "cancelled" }));
      await seed(store, interception(a3, "mer_a", parcel));
      await seed(store, interception(icpId(4), "mer_b", { trackingNumber: "SF1400000000999" }));

      const all = await store.interceptions.findForParcel(null, "sf-express", "SF1400000000001");
      expect(all.map((row) => row.id)).toEqual([a1, a2, a3]);
      const mine = await store.interceptions.findForParcel(
        "mer_a",
        "sf-express",
        "SF1400000000001",
      );
      expect(mine.map((row) => row.id)).toEqual([a1, a2, a3]);
      expect(mine[0], "plain records carry no events").not.toHaveProperty("events");
      expect(
        await store.interceptions.findForParcel("mer_b", "sf-express", "SF1400000000001"),
      ).toEqual([]);
    });
  });
}
