/** The contract of `store.jobs`. */
import { beforeEach, describe, expect, it } from "vitest";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { gatewayActor } from "../../../src/domain/actors.ts";
import type { JobRecord, Store } from "../../../src/store/store.ts";
import { at, claimDue, icpId, interception, job, seed, T0 } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function jobsContract(subject: ContractSubject): void {
  describe("jobs", () => {
    let store: Store;
    let id: string;
    let owners: number;

    /** Why a case is skipped where the database's clock judges due jobs (see ContractDatabase). */
    const databaseClock =
      "claimDue judges due jobs and lapsed worker leases by the database's clock";

    beforeEach(async () => {
      store = subject.store;
      id = icpId(1);
      owners = 1;
      await seed(store, interception(id, "mer_a"), false);
    });

    /**
     * Schedules a submit job on `id`, or on an interception of its own while `id` has one (an
     * interception has one job of a kind at a time).
     */
    async function addJob(jobId: string, runAt: string): Promise<void> {
      let owner = id;
      if ((await store.jobs.forInterception(id)) !== null) {
        owners += 1;
        owner = icpId(owners);
        await seed(store, interception(owner, "mer_a"), false);
      }
      const result = await store.interceptions.transition(owner, {
        from: ["pending"],
        event: { at: runAt, detail: `Scheduled ${jobId}.`, actor: gatewayActor },
        scheduleJob: job(jobId, owner, runAt),
      });
      expect(result).toBe("applied");
    }

    it("leases a job once until the lease runs out", async () => {
      await addJob("job_1", at(0));
      const [first, second] = await Promise.all([
        store.jobs.claim("job_1", at(1), at(31)),
        store.jobs.claim("job_1", at(1), at(31)),
      ]);
      expect([first?.leaseUntil ?? null, second?.leaseUntil ?? null].sort()).toEqual([
        at(31),
        null,
      ]);
      expect(await store.jobs.claim("job_1", at(30), at(60)), "lease still live").toBeNull();
      expect((await store.jobs.claim("job_1", at(31), at(61)))?.leaseUntil, "lease ran out").toBe(
        at(61),
      );
      expect(await store.jobs.claim("job_missing", at(1), at(31))).toBeNull();
    });

    it("claims due jobs oldest first, up to the limit, skipping live leases", async ({ skip }) => {
      if (subject.dueByDatabaseClock) {
        skip(databaseClock);
      }
      await addJob("job_late", at(100));
      await addJob("job_b", at(20));
      await addJob("job_a", at(10));
      await addJob("job_c", at(30));
      await store.jobs.claim("job_b", at(0), at(200));

      const firstBatch = await claimDue(store, at(50), at(80), 1);
      expect(firstBatch.map((j) => j.id)).toEqual(["job_a"]);
      const secondBatch = await claimDue(store, at(50), at(80), 10);
      expect(
        secondBatch.map((j) => j.id),
        "job_b leased, job_late not due",
      ).toEqual(["job_c"]);
      expect(secondBatch[0]?.leaseUntil).toBe(at(80));
      expect(await claimDue(store, at(50), at(80), 10)).toEqual([]);

      // After the leases run out, everything due is claimable again.
      const later = await claimDue(store, at(200), at(260), 10);
      expect(later.map((j) => j.id)).toEqual(["job_a", "job_b", "job_c", "job_late"]);
    });

    it("claims within each carrier's room and the total, oldest first, none for a carrier left out", async () => {
      const due: Array<[CarrierId, number]> = [
        ["sf-express", 10],
        ["jd", 11],
        ["sf-express", 12],
        ["kuaidi100", 13],
        ["jd", 14],
        ["sf-express", 15],
        ["jd", 16],
      ];
      for (const [carrier, second] of due) {
        await seed(store, interception(icpId(second), "mer_a", { carrier, createdAt: at(second) }));
      }
      const claim = async (total: number, perCarrier: Partial<Record<CarrierId, number>>) =>
        (await store.jobs.claimDue(at(50), at(80), { total, perCarrier })).map(
          ({ job: claimed, carrier }) => `${carrier} ${(Date.parse(claimed.runAt) - T0) / 1000}`,
        );

      expect(await claim(3, { "sf-express": 1, jd: 5 }), "Kuaidi100 left out").toEqual([
        "sf-express 10",
        "jd 11",
        "jd 14",
      ]);
      expect(await claim(10, { "sf-express": 0, jd: 5, kuaidi100: 1 }), "SF has no room").toEqual([
        "kuaidi100 13",
        "jd 16",
      ]);
      expect(await claim(10, { "sf-express": 5 })).toEqual(["sf-express 12", "sf-express 15"]);
      expect(await claim(10, { "sf-express": 5, jd: 5, kuaidi100: 5 }), "all leased").toEqual([]);
      expect(await claim(0, { "sf-express": 5 })).toEqual([]);
    });

    it("marks a job maybe-sent when it is taken over from a lapsed lease, not when first leased", async ({
      skip,
    }) => {
      if (subject.dueByDatabaseClock) {
        skip(databaseClock);
      }
      await addJob("job_1", at(0));
      await addJob("job_2", at(0));
      expect((await store.jobs.claim("job_1", at(1), at(31)))?.maybeSent, "first lease").toBe(
        false,
      );
      expect((await claimDue(store, at(1), at(31), 10)).map((j) => [j.id, j.maybeSent])).toEqual([
        ["job_2", false],
      ]);
      // Both holders vanish; the lapsed leases are taken over, one per way of claiming.
      expect((await store.jobs.claim("job_1", at(31), at(61)))?.maybeSent, "taken over").toBe(true);
      expect((await claimDue(store, at(31), at(61), 10)).map((j) => [j.id, j.maybeSent])).toEqual([
        ["job_2", true],
      ]);
      // A job given back normally has no lease left, so its next lease is a first one again.
      await addJob("job_3", at(0));
      await store.jobs.claim("job_3", at(40), at(50));
      await store.jobs.reschedule({ id: "job_3", leaseUntil: at(50) }, at(55), "carrier timeout");
      expect((await store.jobs.claim("job_3", at(55), at(85)))?.maybeSent).toBe(false);
    });

    it("reschedules with attempts + 1 and a cleared lease, and completes jobs", async ({
      skip,
    }) => {
      if (subject.dueByDatabaseClock) {
        skip(databaseClock);
      }
      await addJob("job_1", at(0));
      await store.jobs.claim("job_1", at(0), at(30));
      await store.jobs.reschedule({ id: "job_1", leaseUntil: at(30) }, at(45), "carrier timeout");
      expect(await store.jobs.forInterception(id)).toEqual({
        ...job("job_1", id, at(45)),
        attempts: 1,
        lastError: "carrier timeout",
      });
      expect(await claimDue(store, at(44), at(90), 10), "not due yet").toEqual([]);
      expect((await claimDue(store, at(45), at(90), 10)).map((j) => j.id)).toEqual(["job_1"]);

      await store.jobs.complete({ id: "job_1", leaseUntil: at(90) });
      expect(await store.jobs.forInterception(id)).toBeNull();
    });

    it("fences a holder whose lease was taken over: its reschedule and completion change nothing", async () => {
      await addJob("job_1", at(0));
      const stale = await store.jobs.claim("job_1", at(0), at(30));
      const current = await store.jobs.claim("job_1", at(31), at(61));
      expect(stale && current).toBeTruthy();

      await store.jobs.reschedule(stale as JobRecord, at(35), "woke up late");
      await store.jobs.complete(stale as JobRecord);
      expect(await store.jobs.forInterception(id), "still the new holder's").toMatchObject({
        id: "job_1",
        leaseUntil: at(61),
        attempts: 0,
        lastError: null,
      });

      await store.jobs.complete(current as JobRecord);
      expect(await store.jobs.forInterception(id)).toBeNull();
    });

    it("never claims a job its caller is still running, even once its lease ran out", async () => {
      await addJob("job_1", at(0));
      await addJob("job_2", at(0));
      expect(await store.jobs.claim("job_1", at(0), at(10))).not.toBeNull();
      const claimed = await store.jobs.claimDue(
        at(20),
        at(50),
        { total: 10, perCarrier: { "sf-express": 10 } },
        ["job_1"],
      );
      expect(claimed.map(({ job: leased }) => leased.id)).toEqual(["job_2"]);
      expect(await store.jobs.forInterception(id), "still under the old lease").toMatchObject({
        id: "job_1",
        leaseUntil: at(10),
      });
    });

    it("gives a job back untouched, only from the holder of its lease", async () => {
      await addJob("job_1", at(0));
      const held = await store.jobs.claim("job_1", at(1), at(31));
      expect(held).not.toBeNull();

      await store.jobs.release({ id: "job_1", leaseUntil: at(99) });
      expect(await store.jobs.forInterception(id), "not that holder's").toMatchObject({
        leaseUntil: at(31),
      });

      await store.jobs.release(held as JobRecord);
      expect(await store.jobs.forInterception(id)).toEqual(job("job_1", id, at(0)));
      expect((await store.jobs.claim("job_1", at(2), at(32)))?.maybeSent, "a first lease").toBe(
        false,
      );
    });

    it("keeps a job maybe-sent for good once a reschedule says so", async () => {
      await addJob("job_1", at(0));
      await store.jobs.claim("job_1", at(0), at(30));
      await store.jobs.reschedule({ id: "job_1", leaseUntil: at(30) }, at(40), "reply lost", true);
      expect(await store.jobs.forInterception(id)).toMatchObject({
        maybeSent: true,
        attempts: 1,
        leaseUntil: null,
      });

      await store.jobs.claim("job_1", at(40), at(70));
      await store.jobs.reschedule({ id: "job_1", leaseUntil: at(70) }, at(80), "carrier timeout");
      expect(await store.jobs.forInterception(id)).toMatchObject({
        maybeSent: true,
        attempts: 2,
        lastError: "carrier timeout",
      });
    });
  });
}
