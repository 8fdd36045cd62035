/**
 * The contract between instances: two stores on one database (two gateway instances) racing for
 * the same job, key or parcel. Each race has exactly one winner, whatever the engine's locking.
 */
import { describe, expect, it } from "vitest";
import { IdempotencyConflictError, ParcelBusyError, type Store } from "../../../src/store/store.ts";
import { at, claimDue, createdEvent, icpId, interception, job, seed } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

/** Why a case is skipped where the engine has one connection only. */
const oneConnection = "this database has a single connection";

/** Each outcome of settled calls: the value, or the error's class name. */
function outcomes(results: PromiseSettledResult<unknown>[]): unknown[] {
  return results.map((result) =>
    result.status === "fulfilled" ? result.value : (result.reason as Error).name,
  );
}

export function instancesContract(subject: ContractSubject): void {
  describe("two instances on one database", () => {
    it("lets exactly one of them lease a job or claim a key", async ({ skip }) => {
      const one = subject.store;
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const id = icpId(1);
      await seed(one, interception(id, "mer_a", { createdAt: at(1) }));

      const leases = await Promise.all([
        one.jobs.claim(`job_${id}`, at(2), at(32)),
        two.jobs.claim(`job_${id}`, at(2), at(32)),
        claimDue(one, at(2), at(32), 5),
        claimDue(two, at(2), at(32), 5),
      ]);
      const winners = leases.flatMap((result) =>
        Array.isArray(result) ? result : result ? [result] : [],
      );
      expect(winners, JSON.stringify(leases)).toHaveLength(1);

      const request = {
        merchantId: "mer_a",
        key: "key-1",
        fingerprint: "fp",
        now: at(2),
        lockedUntil: at(32),
      };
      const claims = await Promise.all([
        one.idempotency.claim(request),
        two.idempotency.claim(request),
      ]);
      expect(claims.map((c) => c.outcome).sort(), JSON.stringify(claims)).toEqual([
        "claimed",
        "in_progress",
      ]);
    });

    it("stores one interception for one idempotency key sent to both at once", async ({ skip }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const claim = {
        merchantId: "mer_a",
        key: "key-1",
        fingerprint: "fp",
        now: at(1),
        lockedUntil: at(31),
      };
      // The same request, retried on the other instance: same key, its own interception id.
      const attempt = (store: Store, seconds: number) => {
        const id = icpId(seconds);
        return store.interceptions.insert({
          interception: interception(id, "mer_a", { trackingNumber: "SF1400000000001" }),
          event: createdEvent(at(1)),
          job: job(`job_${id}`, id, at(1)),
          idempotency: { merchantId: "mer_a", key: "key-1", claim },
        });
      };
      const results = await Promise.allSettled([attempt(subject.store, 1), attempt(two, 2)]);
      expect(outcomes(results).sort(), JSON.stringify(outcomes(results))).toEqual([
        IdempotencyConflictError.name,
        undefined,
      ]);
      const stored = await subject.store.interceptions.findForParcel(
        "mer_a",
        "sf-express",
        "SF1400000000001",
      );
      expect(stored).toHaveLength(1);
    });

    it("stores one of two open interceptions of a parcel sent to both at once", async ({
      skip,
    }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const parcel = { trackingNumber: "SF1400000000001" };
      const results = await Promise.allSettled([
        seed(subject.store, interception(icpId(1), "mer_a", parcel)),
        seed(two, interception(icpId(2), "mer_a", parcel)),
      ]);
      expect(outcomes(results).sort(), JSON.stringify(outcomes(results))).toEqual([
        ParcelBusyError.name,
        undefined,
      ]);
      const stored = await two.interceptions.findForParcel(null, "sf-express", "SF1400000000001");
      expect(stored).toHaveLength(1);
    });

    it("brings a late poll forward once when both start together", async ({ skip }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const id = icpId(1);
      await seed(subject.store, interception(id, "mer_a", { status: "submitted" }), false);
      await subject.store.interceptions.transition(id, {
        from: ["submitted"],
        event: { at: at(1), detail: "Accepted by the carrier." },
        scheduleJob: { ...job("job_poll", id, at(900)), kind: "poll" },
      });
      const start = { carriers: ["sf-express"] as const, now: at(0), windowMs: 60_000 };
      const moved = await Promise.all([
        subject.store.jobs.bringForwardPolls(start),
        two.jobs.bringForwardPolls(start),
      ]);
      expect(moved.sort()).toEqual([0, 1]);
      expect((await two.jobs.forInterception(id))?.runAt).toBe(at(0));
    });
  });
}
