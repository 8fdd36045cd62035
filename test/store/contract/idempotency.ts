/** The contract of `store.idempotency`, and of claiming a key while storing an interception. */
import { beforeEach, describe, expect, it } from "vitest";
import { IdempotencyConflictError, type Store } from "../../../src/store/store.ts";
import { at, createdEvent, icpId, interception, job } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

export function idempotencyContract(subject: ContractSubject): void {
  describe("idempotency keys", () => {
    let store: Store;
    beforeEach(() => {
      store = subject.store;
    });
    /** A request for `key-1` arriving `second` seconds in, holding the key for 30 s. */
    const claim = (
      overrides: { second?: number; fingerprint?: string; merchantId?: string; key?: string } = {},
    ) => ({
      merchantId: overrides.merchantId ?? "mer_a",
      key: overrides.key ?? "key-1",
      fingerprint: overrides.fingerprint ?? "fp-1",
      now: at(overrides.second ?? 0),
      lockedUntil: at((overrides.second ?? 0) + 30),
    });

    it("claims, reports in progress and mismatch, then replays the completed response", async () => {
      expect(await store.idempotency.claim(claim())).toEqual({
        outcome: "claimed",
        interceptionId: null,
      });
      expect(await store.idempotency.claim(claim({ second: 1 }))).toEqual({
        outcome: "in_progress",
      });
      expect(await store.idempotency.claim(claim({ fingerprint: "fp-2", second: 1 }))).toEqual({
        outcome: "mismatch",
      });
      // Keys are per merchant: the same key elsewhere is a different request.
      expect(await store.idempotency.claim(claim({ merchantId: "mer_b" }))).toEqual({
        outcome: "claimed",
        interceptionId: null,
      });

      await store.idempotency.complete({
        merchantId: "mer_a",
        key: "key-1",
        status: 202,
        body: '{"id":"icp_x"}',
      });
      expect(await store.idempotency.claim(claim({ second: 100 }))).toEqual({
        outcome: "completed",
        status: 202,
        body: '{"id":"icp_x"}',
      });
      expect(await store.idempotency.claim(claim({ fingerprint: "fp-2", second: 100 }))).toEqual({
        outcome: "mismatch",
      });
    });

    it("lets a retry take over an expired lock and hands it the stored interception", async () => {
      expect((await store.idempotency.claim(claim())).outcome).toBe("claimed");
      const id = icpId(1);
      await store.interceptions.insert({
        interception: interception(id, "mer_a"),
        event: createdEvent(at(1)),
        job: null,
        idempotency: { merchantId: "mer_a", key: "key-1" },
      });
      // The first owner "crashed" here, before completing the key.
      expect(await store.idempotency.claim(claim({ second: 29 }))).toEqual({
        outcome: "in_progress",
      });
      expect(await store.idempotency.claim(claim({ second: 31 }))).toEqual({
        outcome: "claimed",
        interceptionId: id,
      });
      // The takeover renewed the lock, so a third request waits again.
      expect(await store.idempotency.claim(claim({ second: 40 }))).toEqual({
        outcome: "in_progress",
      });
    });

    it("takes over an expired lock that never stored anything with a null interception", async () => {
      await store.idempotency.claim(claim());
      expect(await store.idempotency.claim(claim({ second: 30 }))).toEqual({
        outcome: "claimed",
        interceptionId: null,
      });
    });

    it("refuses to link a second interception to a key, rolling the insert back", async () => {
      await store.idempotency.claim(claim());
      const first = icpId(1);
      const second = icpId(2);
      await store.interceptions.insert({
        interception: interception(first, "mer_a"),
        event: createdEvent(at(1)),
        job: null,
        idempotency: { merchantId: "mer_a", key: "key-1" },
      });
      await expect(
        store.interceptions.insert({
          interception: interception(second, "mer_a"),
          event: createdEvent(at(2)),
          job: job("job_2", second, at(2)),
          idempotency: { merchantId: "mer_a", key: "key-1" },
        }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await store.interceptions.getById(second), "rolled back").toBeNull();
      expect(await store.jobs.forInterception(second)).toBeNull();
    });

    it("claims a new key in the transaction that stores the interception, and only a new one", async () => {
      const first = icpId(1);
      const second = icpId(2);
      expect(await store.idempotency.has("mer_a", "key-1")).toBe(false);
      await store.interceptions.insert({
        interception: interception(first, "mer_a"),
        event: createdEvent(at(1)),
        job: null,
        idempotency: { merchantId: "mer_a", key: "key-1", claim: claim() },
      });
      expect(await store.idempotency.has("mer_a", "key-1")).toBe(true);
      expect(await store.idempotency.claim(claim({ second: 1 }))).toEqual({
        outcome: "in_progress",
      });
      // A second request that also saw the key as new loses: nothing of it is stored.
      await expect(
        store.interceptions.insert({
          interception: interception(second, "mer_a"),
          event: createdEvent(at(2)),
          job: job("job_2", second, at(2)),
          idempotency: { merchantId: "mer_a", key: "key-1", claim: claim({ second: 2 }) },
        }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(await store.interceptions.getById(second), "rolled back").toBeNull();
      // The winner's claim is linked to its interception: a takeover would answer from it.
      expect(await store.idempotency.claim(claim({ second: 31 }))).toEqual({
        outcome: "claimed",
        interceptionId: first,
      });
    });

    it("stores an answer under a new key at once, and never over an existing key", async () => {
      const answer = { status: 422, body: '{"code":"not_eligible"}' };
      expect(await store.idempotency.storeResponse({ ...claim(), ...answer })).toBe(true);
      expect(await store.idempotency.claim(claim({ second: 1 }))).toEqual({
        outcome: "completed",
        ...answer,
      });
      expect(
        await store.idempotency.storeResponse({ ...claim(), status: 201, body: "{}" }),
        "the key exists",
      ).toBe(false);
      expect(await store.idempotency.claim(claim({ second: 2 }))).toEqual({
        outcome: "completed",
        ...answer,
      });
    });

    it("unlocks, rather than forgets, a claim that stored its interception", async () => {
      await store.idempotency.claim(claim());
      const id = icpId(7);
      await store.interceptions.insert({
        interception: interception(id, "mer_a"),
        event: createdEvent(at(1)),
        job: null,
        idempotency: { merchantId: "mer_a", key: "key-1" },
      });
      await store.idempotency.release("mer_a", "key-1", at(1));
      expect(await store.idempotency.claim(claim({ second: 2 })), "retry answers from it").toEqual({
        outcome: "claimed",
        interceptionId: id,
      });
    });

    it("releases only an unfinished claim", async () => {
      await store.idempotency.claim(claim());
      await store.idempotency.release("mer_a", "key-1", at(1));
      expect(await store.idempotency.claim(claim({ second: 1 })), "released").toEqual({
        outcome: "claimed",
        interceptionId: null,
      });

      await store.idempotency.complete({
        merchantId: "mer_a",
        key: "key-1",
        status: 422,
        body: "{}",
      });
      await store.idempotency.release("mer_a", "key-1", at(2));
      expect(await store.idempotency.claim(claim({ second: 2 })), "completed stays").toEqual({
        outcome: "completed",
        status: 422,
        body: "{}",
      });
    });

    it("prunes keys created before a time", async () => {
      await store.idempotency.claim(claim({ key: "old", second: 0 }));
      await store.idempotency.claim(claim({ key: "new", second: 10 }));
      expect(await store.idempotency.deleteCreatedBefore(at(10), 100)).toBe(1);
      expect((await store.idempotency.claim(claim({ key: "old", second: 11 }))).outcome).toBe(
        "claimed",
      );
      expect((await store.idempotency.claim(claim({ key: "new", second: 11 }))).outcome).toBe(
        "in_progress",
      );
    });

    it("prunes at most `limit` keys at a time, oldest first", async () => {
      for (const second of [4, 1, 3, 0, 2]) {
        await store.idempotency.claim(claim({ key: `old-${second}`, second }));
      }
      expect(await store.idempotency.deleteCreatedBefore(at(10), 2)).toBe(2);
      const left = async () => {
        const keys = [0, 1, 2, 3, 4].map((second) => `old-${second}`);
        const present = await Promise.all(keys.map((key) => store.idempotency.has("mer_a", key)));
        return keys.filter((_, index) => present[index]);
      };
      expect(await left()).toEqual(["old-2", "old-3", "old-4"]);
      expect(await store.idempotency.deleteCreatedBefore(at(10), 2)).toBe(2);
      expect(await store.idempotency.deleteCreatedBefore(at(10), 2)).toBe(1);
      expect(await left()).toEqual([]);
    });
  });
}
