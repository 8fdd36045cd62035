import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ulid } from "ulid";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";
import {
  IdempotencyConflictError,
  type InterceptionEventRecord,
  type InterceptionRecord,
  type JobRecord,
  type MerchantRecord,
} from "../../src/store/store.ts";

const T0 = Date.parse("2026-11-21T08:00:00.000Z");

/** ISO time `seconds` after T0; every timestamp in these tests comes from here. */
function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

/** A ULID-based id minted `seconds` after T0, so ids sort like their creation times. */
function icpId(seconds: number): string {
  return `icp_${ulid(T0 + seconds * 1000)}`;
}

function merchant(id: string, name = `Shop ${id}`): MerchantRecord {
  return { id, name, pickupService: true, createdAt: at(0) };
}

function interception(
  id: string,
  merchantId: string,
  overrides: Partial<InterceptionRecord> = {},
): InterceptionRecord {
  return {
    id,
    merchantId,
    carrier: "sf-express",
    // One per interception: a parcel may have only one open interception at a time.
    trackingNumber: `SF${id.slice(-10)}`,
    orderId: "ORD-1",
    action: "redirect",
    reason: "address_error",
    items: [{ subOrderId: "SUB-1", quantity: 2 }],
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    redirectTo: {
      name: "Li Lei",
      phone: "+86 138 0013 8000",
      country: "CN",
      city: "深圳市",
      line1: "科技园路 1 号",
    },
    note: null,
    status: "pending",
    parcelState: "in_transit",
    successLikelihood: "normal",
    carrierReference: null,
    cost: {
      payer: "platform",
      mode: "free_redirect",
      quoted: null,
      final: null,
      settlement: "none",
    },
    failure: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

function createdEvent(when: string): InterceptionEventRecord {
  return { at: when, status: "pending", detail: "Stored.", carrierEventId: null };
}

function job(id: string, interceptionId: string, runAt: string): JobRecord {
  return {
    id,
    interceptionId,
    kind: "submit",
    runAt,
    attempts: 0,
    leaseUntil: null,
    lastError: null,
    maybeSent: false,
  };
}

/** Claims due jobs as the worker would with room for `limit` of them, all SF's (as seeded). */
async function claimDue(
  store: SqliteStore,
  now: string,
  leaseUntil: string,
  limit: number,
): Promise<JobRecord[]> {
  const claimed = await store.jobs.claimDue(now, leaseUntil, {
    total: limit,
    perCarrier: { "sf-express": limit },
  });
  return claimed.map(({ job }) => job);
}

let tempDir: string;

beforeEach(() => {
  tempDir = mkdtempSync(join(tmpdir(), "store-test-"));
});

afterEach(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

const backends: [string, () => SqliteStore][] = [
  ["in-memory", () => openSqliteStore({ path: ":memory:" })],
  ["temp file", () => openSqliteStore({ path: join(tempDir, "gateway.db") })],
];

describe.each(backends)("SqliteStore (%s)", (_name, open) => {
  let store: SqliteStore;

  beforeEach(async () => {
    store = open();
    await store.merchants.create(merchant("mer_a"));
    await store.merchants.create(merchant("mer_b"));
  });

  afterEach(async () => {
    await store.close();
  });

  /** Stores an interception with its first event and a submit job due at its creation. */
  async function seed(record: InterceptionRecord, withJob = true): Promise<void> {
    await store.interceptions.insert({
      interception: record,
      event: createdEvent(record.createdAt),
      job: withJob ? job(`job_${record.id}`, record.id, record.createdAt) : null,
      idempotency: null,
    });
  }

  describe("merchants and API keys", () => {
    it("creates and reads merchants", async () => {
      expect(await store.merchants.get("mer_a")).toEqual(merchant("mer_a"));
      expect(await store.merchants.get("mer_b")).toEqual(merchant("mer_b"));
      expect(await store.merchants.get("mer_missing")).toBeNull();
    });

    it("stores keys and revokes them only for their own merchant, keeping the first time", async () => {
      const key = {
        id: "igk_one",
        merchantId: "mer_a",
        hash: "a".repeat(64),
        createdAt: at(0),
        revokedAt: null,
      };
      await store.merchants.createApiKey(key);
      expect(await store.merchants.getApiKeyWithMerchant("igk_one")).toEqual({
        key,
        merchant: merchant("mer_a"),
      });
      expect(await store.merchants.getApiKeyWithMerchant("igk_missing")).toBeNull();

      expect(await store.merchants.revokeApiKey("mer_b", "igk_one", at(5)), "other merchant").toBe(
        false,
      );
      expect((await store.merchants.getApiKeyWithMerchant("igk_one"))?.key.revokedAt).toBeNull();
      expect(await store.merchants.revokeApiKey("mer_a", "igk_missing", at(5))).toBe(false);

      expect(await store.merchants.revokeApiKey("mer_a", "igk_one", at(5))).toBe(true);
      expect(await store.merchants.revokeApiKey("mer_a", "igk_one", at(9)), "second revoke").toBe(
        true,
      );
      expect((await store.merchants.getApiKeyWithMerchant("igk_one"))?.key.revokedAt).toBe(at(5));
    });

    it("rejects a second key with the same hash and a key for an unknown merchant", async () => {
      const hash = "b".repeat(64);
      await store.merchants.createApiKey({
        id: "igk_1",
        merchantId: "mer_a",
        hash,
        createdAt: at(0),
        revokedAt: null,
      });
      await expect(
        store.merchants.createApiKey({
          id: "igk_2",
          merchantId: "mer_a",
          hash,
          createdAt: at(0),
          revokedAt: null,
        }),
      ).rejects.toThrow(/UNIQUE/);
      await expect(
        store.merchants.createApiKey({
          id: "igk_3",
          merchantId: "mer_nobody",
          hash: "c".repeat(64),
          createdAt: at(0),
          revokedAt: null,
        }),
      ).rejects.toThrow(/FOREIGN KEY/);
    });
  });

  describe("idempotency keys", () => {
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

  describe("interceptions", () => {
    it("stores an interception with its event and job, and scopes reads to the merchant", async () => {
      const id = icpId(1);
      const record = interception(id, "mer_a", { note: "Buyer called." });
      await seed(record);

      const read = await store.interceptions.get("mer_a", id);
      expect(read).toEqual({ ...record, events: [createdEvent(record.createdAt)] });
      expect(await store.interceptions.get("mer_b", id), "another merchant's id").toBeNull();
      expect(await store.interceptions.get("mer_a", "icp_missing")).toBeNull();
      expect(await store.interceptions.getById(id)).toEqual(read);
      expect(await store.jobs.forInterception(id)).toEqual(job(`job_${id}`, id, record.createdAt));
    });

    it("stores absent JSON values as SQL NULL and present ones as JSON text", async () => {
      const withAddress = interception(icpId(1), "mer_a");
      const withoutAddress = interception(icpId(2), "mer_a", { redirectTo: null });
      await seed(withAddress);
      await seed(withoutAddress);
      const columns = store.database
        .prepare(
          "SELECT redirect_to IS NULL AS noAddress, failure IS NULL AS noFailure, typeof(cost) AS cost FROM interceptions ORDER BY id",
        )
        .all();
      expect(columns).toEqual([
        { noAddress: 0, noFailure: 1, cost: "text" },
        { noAddress: 1, noFailure: 1, cost: "text" },
      ]);
      expect((await store.interceptions.getById(withoutAddress.id))?.redirectTo).toBeNull();
    });

    it("lists newest first with filters and pages with `before` across three pages", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = icpId(10 + i);
        ids.push(id);
        await seed(
          interception(id, "mer_a", {
            orderId: i % 2 === 0 ? "ORD-EVEN" : "ORD-ODD",
            trackingNumber: `SF10000000000${i}`,
            createdAt: at(10 + i),
          }),
        );
      }
      await seed(interception(icpId(20), "mer_b", { orderId: "ORD-EVEN" }));
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
    });

    it("loads the events of a whole page in one query", async () => {
      for (let i = 0; i < 3; i++) {
        await seed(interception(icpId(i), "mer_a"));
      }
      const prepare = vi.spyOn(store.database, "prepare");
      const page = await store.interceptions.list("mer_a", {}, { limit: 10 });
      const selects = prepare.mock.calls
        .map(([source]) => String(source))
        .filter((source) => /^\s*select/i.test(source));
      prepare.mockRestore();
      expect(page).toHaveLength(3);
      expect(selects, selects.join("\n")).toHaveLength(2);
    });

    it("finds every interception of a parcel oldest first, for one merchant or all", async () => {
      const a1 = icpId(1);
      const a2 = icpId(2);
      const a3 = icpId(3);
      // Only one interception of a parcel may be open at a time: the earlier ones are finished.
      // A parcel belongs to one merchant, so all of them are A's.
      const parcel = { trackingNumber: "SF1400000000001" };
      await seed(interception(a1, "mer_a", { ...parcel, status: "failed" }));
      await seed(interception(a2, "mer_a", { ...parcel, status: "cancelled" }));
      await seed(interception(a3, "mer_a", parcel));
      await seed(interception(icpId(4), "mer_b", { trackingNumber: "SF1400000000999" }));

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

  describe("transitionInterception", () => {
    let id: string;

    beforeEach(async () => {
      id = icpId(1);
      await seed(interception(id, "mer_a"));
    });

    it("moves forward only from the expected statuses", async () => {
      const submitted = await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference: "SF-REF-1", parcelState: "at_delivery_station" },
        event: { at: at(5), detail: "Accepted by the carrier." },
      });
      expect(submitted).toBe("applied");

      const backwards = await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        event: { at: at(6), detail: "Replayed submit." },
      });
      expect(backwards).toBe("status_mismatch");

      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("submitted");
      expect(read?.carrierReference).toBe("SF-REF-1");
      expect(read?.parcelState).toBe("at_delivery_station");
      expect(read?.updatedAt, "status_mismatch changes nothing").toBe(at(5));
      expect(read?.events.map((event) => [event.status, event.detail])).toEqual([
        ["pending", "Stored."],
        ["submitted", "Accepted by the carrier."],
      ]);
      expect(
        await store.interceptions.transition("icp_missing", {
          from: ["pending"],
          event: { at: at(7), detail: "x" },
        }),
      ).toBe("not_found");
    });

    it("ignores a carrier report it has already recorded", async () => {
      const report = {
        from: ["pending", "submitted"] as const,
        to: "submitted" as const,
        patch: { parcelState: "out_for_delivery" as const, successLikelihood: "low" as const },
        event: { at: at(5), detail: "Out for delivery.", carrierEventId: "sf-evt-1" },
      };
      expect(await store.interceptions.transition(id, report)).toBe("applied");
      const repeat = {
        ...report,
        patch: { parcelState: "delivered" as const },
        event: { ...report.event, at: at(9) },
      };
      expect(await store.interceptions.transition(id, repeat)).toBe("duplicate_event");

      const read = await store.interceptions.getById(id);
      expect(read?.parcelState, "the repeat changed nothing").toBe("out_for_delivery");
      expect(read?.updatedAt).toBe(at(5));
      expect(read?.events.map((event) => event.carrierEventId)).toEqual([null, "sf-evt-1"]);

      // The same carrier event id on another interception is a different report.
      const other = icpId(2);
      await seed(interception(other, "mer_a"));
      expect(await store.interceptions.transition(other, report)).toBe("applied");
    });

    it("leaves a patched column alone when its value is undefined, and stores null as NULL", async () => {
      await store.interceptions.transition(id, {
        from: ["pending"],
        patch: { carrierReference: "SF-REF-1" },
        event: { at: at(2), detail: "Reference known." },
      });
      await store.interceptions.transition(id, {
        from: ["pending"],
        to: "submitted",
        patch: { carrierReference: undefined, failure: null, parcelState: "returned" },
        event: { at: at(3), detail: "Submitted." },
      });
      const read = await store.interceptions.getById(id);
      expect(read).toMatchObject({
        status: "submitted",
        carrierReference: "SF-REF-1",
        parcelState: "returned",
        failure: null,
      });
      const stored = store.database
        .prepare("SELECT failure IS NULL AS noFailure FROM interceptions WHERE id = ?")
        .get(id);
      expect(stored).toEqual({ noFailure: 1 });
    });

    it("updates without a status change and records the event under the current status", async () => {
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          patch: {
            cost: {
              payer: "merchant",
              mode: "paid_redirect",
              quoted: { amount: "12.00", currency: "CNY" },
              final: null,
              settlement: "offline",
            },
            failure: { code: "x", message: "y", advice: "z" },
          },
          event: { at: at(3), detail: "Quote received." },
        }),
      ).toBe("applied");
      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("pending");
      expect(read?.cost.quoted).toEqual({ amount: "12.00", currency: "CNY" });
      expect(read?.failure).toEqual({ code: "x", message: "y", advice: "z" });
      expect(read?.events.at(-1)).toEqual({
        at: at(3),
        status: "pending",
        detail: "Quote received.",
        carrierEventId: null,
      });
    });

    it("completes and schedules jobs in the same transaction as the status change", async () => {
      const followUp = job("job_poll", id, at(60));
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          to: "submitted",
          event: { at: at(5), detail: "Accepted." },
          completeJobId: `job_${id}`,
          scheduleJob: followUp,
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id)).toEqual(followUp);

      // A second job of the same kind: neither the status change nor the event happens.
      expect(
        await store.interceptions.transition(id, {
          from: ["submitted"],
          event: { at: at(9), detail: "Scheduled again." },
          scheduleJob: job("job_other", id, at(90)),
        }),
      ).toBe("job_exists");
      const read = await store.interceptions.getById(id);
      expect(read?.status).toBe("submitted");
      expect(read?.events).toHaveLength(2);
      expect(await store.jobs.forInterception(id)).toEqual(followUp);
    });

    it("deletes every job of an interception that reaches a final status", async () => {
      const cancel = { ...job("job_cancel", id, at(30)), kind: "cancel" as const };
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          event: { at: at(5), detail: "Cancel asked." },
          scheduleJob: cancel,
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id, "cancel")).toEqual(cancel);
      expect(await store.jobs.forInterception(id, "submit")).not.toBeNull();

      // Decided by a report that names no job: neither job has anything left to do.
      expect(
        await store.interceptions.transition(id, {
          from: ["pending"],
          to: "succeeded",
          event: { at: at(9), detail: "Returned to sender." },
        }),
      ).toBe("applied");
      expect(await store.jobs.forInterception(id)).toBeNull();
    });
  });

  describe("jobs", () => {
    let id: string;
    let owners: number;

    beforeEach(async () => {
      id = icpId(1);
      owners = 1;
      await seed(interception(id, "mer_a"), false);
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
        await seed(interception(owner, "mer_a"), false);
      }
      const result = await store.interceptions.transition(owner, {
        from: ["pending"],
        event: { at: runAt, detail: `Scheduled ${jobId}.` },
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

    it("claims due jobs oldest first, up to the limit, skipping live leases", async () => {
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
        await seed(interception(icpId(second), "mer_a", { carrier, createdAt: at(second) }));
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

    it("marks a job maybe-sent when it is taken over from a lapsed lease, not when first leased", async () => {
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

    it("reschedules with attempts + 1 and a cleared lease, and completes jobs", async () => {
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
  });

  describe("bringForwardPolls", () => {
    /** A submitted interception of `carrier` whose poll job `jobId` is due at `runAt`. */
    async function submittedWithPoll(
      seconds: number,
      carrier: InterceptionRecord["carrier"],
      jobId: string,
      runAt: string,
    ): Promise<string> {
      const id = icpId(seconds);
      await seed(interception(id, "mer_a", { carrier, status: "submitted" }), false);
      const result = await store.interceptions.transition(id, {
        from: ["submitted"],
        event: { at: at(seconds), detail: "Accepted by the carrier." },
        scheduleJob: { ...job(jobId, id, runAt), kind: "poll" },
      });
      expect(result).toBe("applied");
      return id;
    }

    it("spreads the late polls of submitted push interceptions over the window, once", async () => {
      const first = await submittedWithPoll(1, "sf-express", "job_1", at(900));
      const second = await submittedWithPoll(2, "sf-express", "job_2", at(1800));
      const third = await submittedWithPoll(3, "kuaidi100", "job_3", at(900));
      const polled = await submittedWithPoll(4, "jd", "job_4", at(900));
      const soon = await submittedWithPoll(5, "sf-express", "job_5", at(10));
      const held = await submittedWithPoll(6, "sf-express", "job_6", at(900));
      expect(await store.jobs.claim("job_6", at(-10), at(300))).not.toBeNull();
      const pending = icpId(7);
      await seed(interception(pending, "mer_a"), false);
      await store.interceptions.transition(pending, {
        from: ["pending"],
        event: { at: at(7), detail: "Deferred." },
        scheduleJob: job("job_7", pending, at(900)),
      });

      const input = {
        carriers: ["sf-express", "kuaidi100"] as const,
        now: at(0),
        windowMs: 60_000,
      };
      expect(await store.jobs.bringForwardPolls(input)).toBe(3);
      const runAt = async (id: string) => (await store.jobs.forInterception(id))?.runAt;
      // Soonest due first, evenly over the minute; nothing else about the job changes.
      expect(await runAt(first)).toBe(at(0));
      expect(await runAt(third)).toBe(at(20));
      expect(await runAt(second)).toBe(at(40));
      expect(await store.jobs.forInterception(second)).toEqual({
        ...job("job_2", second, at(40)),
        kind: "poll",
      });
      expect(await runAt(polled), "a carrier not asked about").toBe(at(900));
      expect(await runAt(soon), "already due within the window").toBe(at(10));
      expect(await store.jobs.forInterception(held), "leased by a live holder").toMatchObject({
        runAt: at(900),
        leaseUntil: at(300),
      });
      expect(await runAt(pending), "a submit, not a poll").toBe(at(900));

      // A second start (another instance) a little later finds nothing left to bring forward.
      expect(await store.jobs.bringForwardPolls({ ...input, now: at(5) })).toBe(0);
      expect(await runAt(second)).toBe(at(40));
      expect(await store.jobs.bringForwardPolls({ ...input, carriers: [] })).toBe(0);
    });
  });
});

describe("openSqliteStore on a file", () => {
  it("uses WAL, synchronous=FULL, foreign keys and a short busy timeout", async () => {
    const path = join(tempDir, "nested", "deeper", "gateway.db");
    const store = openSqliteStore({ path });
    try {
      expect(existsSync(path), "parent folders created").toBe(true);
      const db = store.database;
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      // 2 = FULL (0 OFF, 1 NORMAL, 3 EXTRA).
      expect(db.pragma("synchronous", { simple: true })).toBe(2);
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
      // A few ms only: SQLite sleeps on the event loop for it (busy.ts waits on timers).
      expect(db.pragma("busy_timeout", { simple: true })).toBe(5);
    } finally {
      await store.close();
    }
  });

  it("keeps data across reopening and does not re-run migrations", async () => {
    const path = join(tempDir, "gateway.db");
    const first = openSqliteStore({ path });
    await first.merchants.create(merchant("mer_a"));
    await first.close();

    const second = openSqliteStore({ path });
    try {
      expect(await second.merchants.get("mer_a")).toEqual(merchant("mer_a"));
      const applied = second.database
        .prepare("SELECT count(*) AS n FROM __drizzle_migrations")
        .get();
      const migrations = readdirSync(new URL("../../drizzle/", import.meta.url)).filter((name) =>
        name.endsWith(".sql"),
      );
      expect(applied).toEqual({ n: migrations.length });
    } finally {
      await second.close();
    }
  });

  it("lets exactly one of two connections lease a job or claim a key", async () => {
    const path = join(tempDir, "gateway.db");
    const one = openSqliteStore({ path });
    const two = openSqliteStore({ path });
    try {
      await one.merchants.create(merchant("mer_a"));
      const id = icpId(1);
      await one.interceptions.insert({
        interception: interception(id, "mer_a"),
        event: createdEvent(at(1)),
        job: job("job_1", id, at(1)),
        idempotency: null,
      });

      const leases = await Promise.all([
        one.jobs.claim("job_1", at(2), at(32)),
        two.jobs.claim("job_1", at(2), at(32)),
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
    } finally {
      await one.close();
      await two.close();
    }
  });

  it("opens an in-memory database without WAL", async () => {
    const store = openSqliteStore({ path: ":memory:" });
    try {
      expect(store.database.pragma("journal_mode", { simple: true })).toBe("memory");
      expect(store.database.pragma("synchronous", { simple: true })).toBe(2);
    } finally {
      await store.close();
    }
  });
});
