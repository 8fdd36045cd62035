/**
 * Idempotency keys past their retention are pruned in bounded batches, so one prune never holds
 * the write lock for long, whatever the backlog.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, type TestGateway } from "../harness.ts";

let gateway: TestGateway;

beforeEach(async () => {
  gateway = await createTestGateway(new FakeCarrier().adapter);
});
afterEach(async () => {
  await gateway.close();
});

describe("idempotency key pruning", () => {
  it("deletes a large backlog in batches of at most 500, keeping the recent keys", async () => {
    const { store, merchantA } = gateway;
    const longAgo = "2020-01-01T00:00:00.000Z";
    const claim = (key: string, now: string) =>
      store.idempotency.claim({
        merchantId: merchantA.id,
        key,
        fingerprint: "fp",
        now,
        lockedUntil: now,
      });
    await Promise.all(Array.from({ length: 1_200 }, (_, index) => claim(`old-${index}`, longAgo)));
    await claim("recent", new Date().toISOString());

    const batches: number[] = [];
    const prune = store.idempotency.deleteCreatedBefore.bind(store);
    store.idempotency.deleteCreatedBefore = async (before, limit) => {
      const deleted = await prune(before, limit);
      batches.push(deleted);
      return deleted;
    };
    await gateway.worker.runOnce();

    expect(batches).toEqual([500, 500, 200]);
    expect(await store.idempotency.has(merchantA.id, "old-0")).toBe(false);
    expect(await store.idempotency.has(merchantA.id, "recent")).toBe(true);
  });
});
