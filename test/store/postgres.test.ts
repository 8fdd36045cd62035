/**
 * What only the PostgreSQL store has: migrations under the advisory lock when instances start
 * together, the shared rate-limit buckets, and how values are stored. (What every store does,
 * races between instances included, is the store contract's: postgres.contract.test.ts.)
 */

import { readdirSync } from "node:fs";
import pg from "pg";
import { ulid } from "ulid";
import { afterEach, describe, expect, it } from "vitest";
import { gatewayActor } from "../../src/domain/actors.ts";
import type { PostgresStore } from "../../src/store/postgres/index.ts";
import { migrationLockKey } from "../../src/store/postgres/migrate.ts";
import { pgKeyRateLimiter } from "../../src/store/postgres/rate-limits.ts";
import type { InterceptionRecord } from "../../src/store/store.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { openTestPostgresStore } from "../support/postgres-store.ts";
import { blocksRead } from "../support/prepared-plans.ts";

const T0 = Date.parse("2026-11-21T08:00:00.000Z");

function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

function icpId(seconds: number): string {
  return `icp_${ulid(T0 + seconds * 1000)}`;
}

function interception(id: string, overrides: Partial<InterceptionRecord> = {}): InterceptionRecord {
  return {
    id,
    merchantId: "mer_a",
    carrier: "sf-express",
    trackingNumber: "SF1400000000001",
    orderId: "ORD-1",
    action: "redirect",
    reason: "address_error",
    items: [{ subOrderId: "SUB-1", quantity: 2 }],
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    redirectTo: { name: "Li Lei", phone: "13800138000", country: "CN", city: "深圳", line1: "1" },
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

const opened: PostgresStore[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

/** `count` stores on one new database, as `count` instances, with merchants A and B. */
async function instances(count: number): Promise<PostgresStore[]> {
  const url = await freshPostgresDatabase();
  const first = await openTestPostgresStore(url);
  opened.push(first);
  for (const id of ["mer_a", "mer_b"]) {
    await first.merchants.create({ id, name: id, pickupService: true, createdAt: at(0) });
  }
  const others = await Promise.all(
    Array.from({ length: count - 1 }, () => openTestPostgresStore(url)),
  );
  opened.push(...others);
  return [first, ...others];
}

async function oneInstance(): Promise<PostgresStore> {
  const [store] = await instances(1);
  if (!store) {
    throw new Error("no instance");
  }
  return store;
}

function insert(store: PostgresStore, record: InterceptionRecord) {
  return store.interceptions.insert({
    interception: record,
    event: {
      at: record.createdAt,
      status: "pending",
      detail: "Stored.",
      carrierEventId: null,
      actor: gatewayActor,
    },
    job: null,
    idempotency: null,
  });
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("starting on PostgreSQL", () => {
  it("applies the migrations once when several instances start on a new database at once", async () => {
    const url = await freshPostgresDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openTestPostgresStore(url)));
    opened.push(...stores);
    const files = readdirSync(new URL("../../drizzle/postgres/", import.meta.url)).filter((name) =>
      name.endsWith(".sql"),
    );
    const applied = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations",
    );
    expect(applied).toEqual([{ n: files.length }]);
    // Every instance works on the one schema.
    await stores[0]?.merchants.create({
      id: "mer_a",
      name: "A",
      pickupService: false,
      createdAt: at(0),
    });
    for (const store of stores) {
      expect(await store.merchants.get("mer_a")).toMatchObject({ id: "mer_a" });
    }
    // A later start finds nothing to apply.
    opened.push(await openTestPostgresStore(url));
    expect(await query(url, "SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations")).toEqual(
      [{ n: files.length }],
    );
  });

  it("waits for the migration lock while another instance holds it", async () => {
    const url = await freshPostgresDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [migrationLockKey.toString()]);
      const starting = openTestPostgresStore(url);
      const waiting = async () =>
        (
          await holder.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
          )
        ).rows[0]?.n;
      await expect.poll(waiting, { timeout: 10_000 }).toBe(1);
      const tables = await holder.query(
        "SELECT 1 FROM pg_tables WHERE tablename = 'interceptions'",
      );
      expect(tables.rowCount, "nothing migrated while the lock is held").toBe(0);
      await holder.query("SELECT pg_advisory_unlock($1)", [migrationLockKey.toString()]);
      opened.push(await starting);
      expect(await opened[0]?.meta.claimMode("live")).toBe("live");
    } finally {
      await holder.end();
    }
  });
});

describe("the shared per-key rate limit", () => {
  it("gives a key its burst once, however many instances it asks", async () => {
    const stores = await instances(3);
    const now = () => new Date(T0);
    const limiters = stores.map((store) => store.keyRateLimiter({ burst: 5, perSecond: 1 }, now));
    const takes = await Promise.all(
      Array.from({ length: 15 }, (_, index) => limiters[index % 3]?.take("igk_a")),
    );
    const allowed = takes.filter((take) => take?.retryAfterMs === 0);
    expect(allowed.map((take) => take?.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
    // Another key has its own bucket.
    expect((await limiters[0]?.take("igk_b"))?.retryAfterMs).toBe(0);
  });

  it("refills at the sustained rate on the gateway's clock, and says how long to wait", async () => {
    const store = await oneInstance();
    let ms = T0;
    const limiter = store.keyRateLimiter({ burst: 3, perSecond: 2 }, () => new Date(ms));
    const take = () => limiter.take("igk_a");
    expect([await take(), await take(), await take()].map((t) => t.retryAfterMs)).toEqual([
      0, 0, 0,
    ]);
    expect(await take()).toEqual({ remaining: 0, retryAfterMs: 500 });
    ms += 200;
    expect(await take(), "refused takes change nothing").toEqual({
      remaining: 0,
      retryAfterMs: 300,
    });
    ms += 300;
    expect(await take()).toEqual({ remaining: 0, retryAfterMs: 0 });
    ms += 60_000;
    expect(await take(), "never above the burst").toEqual({ remaining: 2, retryAfterMs: 0 });
  });

  it("reads the time once it has a connection, not before waiting for one", async () => {
    const store = await oneInstance();
    let ms = T0;
    const clock = () => new Date(ms);
    // This instance's only connection is busy: its take waits, and meanwhile another instance
    // takes the key's one token five seconds later.
    const busyPool = new pg.Pool({ connectionString: store.pool.options.connectionString, max: 1 });
    try {
      const waiting = pgKeyRateLimiter(busyPool, { burst: 1, perSecond: 1 }, clock);
      const held = await busyPool.connect();
      const pending = waiting.take("igk_a");
      ms += 5000;
      const other = store.keyRateLimiter({ burst: 1, perSecond: 1 }, clock);
      expect((await other.take("igk_a")).retryAfterMs).toBe(0);
      // One second later the bucket holds a token again; the waiting take runs only now.
      ms += 1000;
      held.release();
      expect(await pending, "a time read before the wait would have been refused").toEqual({
        remaining: 0,
        retryAfterMs: 0,
      });
    } finally {
      await busyPool.end();
    }
  });
});

describe("values as PostgreSQL stores them", () => {
  it("keeps JSON as written, absent values as SQL NULL, and ids in byte order", async () => {
    const store = await oneInstance();
    const record = interception(icpId(1), { redirectTo: null });
    await insert(store, record);
    const [row] = (
      await store.pool.query(
        "SELECT cost::text AS cost, redirect_to IS NULL AS no_address, failure IS NULL AS no_failure FROM interceptions",
      )
    ).rows;
    expect(row).toEqual({
      cost: JSON.stringify(record.cost),
      no_address: true,
      no_failure: true,
    });
    expect(await store.interceptions.getById(record.id)).toEqual({
      ...record,
      events: [
        {
          at: at(0),
          status: "pending",
          detail: "Stored.",
          carrierEventId: null,
          actor: gatewayActor,
        },
      ],
    });
    const collations = await store.pool.query(
      "SELECT collation_name FROM information_schema.columns WHERE table_name = 'interceptions' AND column_name = 'id'",
    );
    expect(collations.rows).toEqual([{ collation_name: "C" }]);
  });
});

describe("a parcel's and an order's interceptions among many of the merchant's", () => {
  it("are found through their own index: what each look-up reads does not grow with them", async () => {
    // One connection, so the statements the store prepares are the ones examined below.
    const store = await openTestPostgresStore(await freshPostgresDatabase(), { poolSize: 1 });
    opened.push(store);
    await store.merchants.create({ id: "mer_a", name: "A", pickupService: true, createdAt: at(0) });
    await insert(store, interception(icpId(0)));
    // Looked up a few times while the table is small, as right after a start: PostgreSQL may
    // settle on one plan for the connection then.
    for (let round = 0; round < 6; round += 1) {
      expect(
        await store.interceptions.findForParcel("mer_a", "sf-express", "SF1400000000001"),
      ).toHaveLength(1);
      expect(await store.interceptions.redirectsOfOrder("mer_a", "ORD-1")).toHaveLength(1);
      const page = await store.interceptions.list(
        "mer_a",
        { trackingNumber: "SF1400000000001" },
        { limit: 21 },
      );
      expect(page.map((row) => row.trackingNumber)).toEqual(["SF1400000000001"]);
    }
    for (let n = 1; n <= 1000; n += 1) {
      const trackingNumber = `SF15${String(n).padStart(11, "0")}`;
      await insert(
        store,
        interception(icpId(n), { trackingNumber, orderId: `ORD-${n + 1}`, status: "submitted" }),
      );
    }
    const parcel = await blocksRead(
      store.pool,
      '"interceptions"."carrier" = $1 and "interceptions"."tracking_number" = $2',
      ["sf-express", "SF1400000000001", "mer_a"],
    );
    const order = await blocksRead(store.pool, '"interceptions"."order_id" = $2', [
      "mer_a",
      "ORD-1",
      "redirect",
    ]);
    const listed = await blocksRead(
      store.pool,
      '"interceptions"."merchant_id" = $1 and "interceptions"."tracking_number" = $2',
      ["mer_a", "SF1400000000001", "21"],
    );
    // Each index and the row: a handful of pages (3 when written). Walking the merchant's
    // interceptions in id order, the plan the connection once settled on since that index also
    // gives the order, read them all (72 pages here).
    expect(parcel).toBeLessThan(20);
    expect(order).toBeLessThan(20);
    expect(listed).toBeLessThan(20);
  });
});

describe("the webhook worker's look-up of due deliveries", () => {
  it("visits only endpoints with pending deliveries: what it reads does not grow with the others", async () => {
    // One connection, so the statement the store prepares is the one examined below.
    const store = await openTestPostgresStore(await freshPostgresDatabase(), { poolSize: 1 });
    opened.push(store);
    const endpoint = (n: number, merchantId: string) =>
      store.webhooks.createEndpoint({
        id: `we_${String(n).padStart(4, "0")}`,
        merchantId,
        url: `https://hooks.example.com/${n}`,
        events: null,
        description: null,
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        previousSecret: null,
        previousSecretUntil: null,
        createdAt: at(0),
        deletedAt: null,
      });
    for (const id of ["mer_a", "mer_b"]) {
      await store.merchants.create({ id, name: id, pickupService: true, createdAt: at(0) });
    }
    // Merchant A's three endpoints each get a delivery of its new interception, due at once.
    for (let n = 0; n < 3; n += 1) {
      await endpoint(n, "mer_a");
    }
    await insert(store, interception(icpId(0)));
    const room = { total: 10, perEndpoint: 4, inFlight: new Map<string, number>() };
    const before = at(-1);
    // Looked up while the tables are small, as right after a start (a second before the
    // deliveries are due, so none is leased): PostgreSQL may settle on one plan then.
    for (let round = 0; round < 6; round += 1) {
      expect(await store.webhooks.claimDue(before, at(90), room)).toEqual([]);
    }
    // Then many merchants' endpoints with nothing to deliver.
    for (let n = 3; n < 2_000; n += 1) {
      await endpoint(n, "mer_b");
    }
    const read = await blocksRead(store.pool, "with recursive pending", [before, before, "4"]);
    // The pending index and the three endpoints'. Probing each of the 2,000 endpoints' index
    // range read thousands of pages; joining the endpoints hashed them all (47 pages here).
    expect(read).toBeLessThan(30);
    expect(await store.webhooks.claimDue(at(1), at(90), room)).toHaveLength(3);
  });
});
