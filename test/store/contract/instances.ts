/**
 * The contract between instances: two stores on one database (two gateway instances) racing for
 * the same job, key or parcel. Each race has exactly one winner, whatever the engine's locking.
 */

import { describe, expect, it } from "vitest";
import { gatewayActor } from "../../../src/domain/actors.ts";
import {
  IdempotencyConflictError,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
  type Store,
} from "../../../src/store/store.ts";
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

    it("gives a lapsed idempotency key to one of two retries taking it over at once", async ({
      skip,
    }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const claim = (second: number) => ({
        merchantId: "mer_a",
        key: "key-1",
        fingerprint: "fp",
        now: at(second),
        lockedUntil: at(second + 30),
      });
      expect((await subject.store.idempotency.claim(claim(0))).outcome).toBe("claimed");
      // Its owner vanished; its lock lapsed.
      const takeovers = await Promise.all([
        subject.store.idempotency.claim(claim(60)),
        two.idempotency.claim(claim(60)),
      ]);
      expect(takeovers.map((c) => c.outcome).sort(), JSON.stringify(takeovers)).toEqual([
        "claimed",
        "in_progress",
      ]);
    });

    it("binds a parcel two merchants intercept at once to one of them", async ({ skip }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const parcel = { trackingNumber: "SF1400000000001" };
      const results = await Promise.allSettled([
        seed(subject.store, interception(icpId(1), "mer_a", parcel)),
        seed(two, interception(icpId(2), "mer_b", parcel)),
      ]);
      expect(outcomes(results).sort(), JSON.stringify(outcomes(results))).toEqual([
        ParcelOfAnotherMerchantError.name,
        undefined,
      ]);
      const [stored] = await two.interceptions.findForParcel(
        null,
        "sf-express",
        parcel.trackingNumber,
      );
      expect(
        await subject.store.interceptions.parcelOwner("sf-express", parcel.trackingNumber),
      ).toBe(stored?.merchantId);
    });

    it("lets one of two redirects of an order stored at once take its free redirect", async ({
      skip,
    }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      // Both requests assessed the order with no redirect holding its free one.
      const redirect = (store: Store, seconds: number) => {
        const record = interception(icpId(seconds), "mer_a");
        return store.interceptions.insert({
          interception: record,
          event: createdEvent(record.createdAt),
          job: null,
          idempotency: null,
          assumedFreeRedirects: 0,
        });
      };
      const results = await Promise.allSettled([redirect(subject.store, 1), redirect(two, 2)]);
      expect(outcomes(results).sort(), JSON.stringify(outcomes(results))).toEqual([
        OrderRedirectsChangedError.name,
        undefined,
      ]);
      expect(await two.interceptions.redirectsOfOrder("mer_a", "ORD-1")).toHaveLength(1);
    });

    it("applies one of two transitions of an interception at once, and a carrier report once", async ({
      skip,
    }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const id = icpId(1);
      await seed(subject.store, interception(id, "mer_a"), false);
      const submit = (detail: string) => ({
        from: ["pending"] as const,
        to: "submitted" as const,
        event: { at: at(5), detail, actor: gatewayActor },
      });
      const submitted = await Promise.all([
        subject.store.interceptions.transition(id, submit("one")),
        two.interceptions.transition(id, submit("two")),
      ]);
      expect(submitted.sort()).toEqual(["applied", "status_mismatch"]);
      const report = {
        from: ["submitted"] as const,
        patch: { parcelState: "out_for_delivery" as const },
        event: {
          at: at(6),
          detail: "Out for delivery.",
          carrierEventId: "sf-1",
          actor: gatewayActor,
        },
      };
      const reported = await Promise.all([
        subject.store.interceptions.transition(id, report),
        two.interceptions.transition(id, report),
      ]);
      expect(reported.sort()).toEqual(["applied", "duplicate_event"]);
      expect((await two.interceptions.getById(id))?.events).toHaveLength(3);
    });

    it("brings a late poll forward once when both start together", async ({ skip }) => {
      const two = (await subject.anotherStore()) ?? skip(oneConnection);
      const id = icpId(1);
      await seed(subject.store, interception(id, "mer_a", { status: "submitted" }), false);
      await subject.store.interceptions.transition(id, {
        from: ["submitted"],
        event: { at: at(1), detail: "Accepted by the carrier.", actor: gatewayActor },
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
