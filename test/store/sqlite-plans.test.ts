/**
 * How SQLite runs the store's look-ups of a parcel's and an order's interceptions: each must
 * search its own index, which also gives the rows in id order. The store never runs ANALYZE, so
 * SQLite plans by its rules alone and an empty database gets the plan a big one would: with
 * `id` missing from those indexes it preferred the merchant's (merchant_id, id) index for the
 * order it gives and read every interception of the merchant (a redirect among 50,000 of one
 * merchant's read all 50,000).
 */
import { and, desc } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { listConditions } from "../../src/store/interception-filter.ts";
import type { InterceptionFilter } from "../../src/store/interception-records.ts";
import { interceptionsTable } from "../../src/store/schema.ts";
import { deliveryStatements } from "../../src/store/sqlite/delivery-statements.ts";
import { interceptionReads } from "../../src/store/sqlite/interception-statements.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";

let store: SqliteStore;

afterEach(async () => {
  await store.close();
});

/** SQLite's plan for a prepared statement of the store, one line per step. */
function planOf(query: { getQuery(): { sql: string; params: unknown[] } }): string[] {
  const { sql, params } = query.getQuery();
  const rows = store.database
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params.map(() => "x")) as { detail: string }[];
  return rows.map((row) => row.detail);
}

describe("the store's look-ups on SQLite", () => {
  it("find a parcel's interceptions through the parcel index, in id order without a sort", () => {
    store = openSqliteStore({ path: ":memory:" });
    const reads = interceptionReads(drizzle({ client: store.database }));

    expect(planOf(reads.parcelInterceptions)).toEqual([
      "SEARCH interceptions USING INDEX interceptions_parcel_idx (carrier=? AND tracking_number=?)",
    ]);
  });

  it("find an order's redirects through the order index, not by walking the merchant's", () => {
    store = openSqliteStore({ path: ":memory:" });
    const reads = interceptionReads(drizzle({ client: store.database }));

    expect(planOf(reads.orderRedirects)).toEqual([
      "SEARCH interceptions USING INDEX interceptions_merchant_order_idx (merchant_id=? AND order_id=?)",
    ]);
  });

  it("list a merchant's interceptions of one tracking number or order through its own index", () => {
    store = openSqliteStore({ path: ":memory:" });
    const db = drizzle({ client: store.database });
    // The listing's query as the store builds it.
    const listPlan = (filter: InterceptionFilter) =>
      planOf(
        db
          .select()
          .from(interceptionsTable)
          .where(and(...listConditions(interceptionsTable, "mer_a", filter, undefined)))
          .orderBy(desc(interceptionsTable.id))
          .limit(21)
          .prepare(),
      );

    // Not interceptions_merchant_id_idx, walking all of the merchant's to find the parcel's,
    // with or without another filter beside it.
    const byTrackingNumber =
      "SEARCH interceptions USING INDEX interceptions_merchant_tracking_idx (merchant_id=? AND tracking_number=?)";
    expect(listPlan({ trackingNumber: "SF1400000000001" })).toEqual([byTrackingNumber]);
    expect(listPlan({ trackingNumber: "SF1400000000001", status: "succeeded" })).toEqual([
      byTrackingNumber,
    ]);
    expect(listPlan({ orderId: "ORD-1", status: "succeeded" })).toEqual([
      "SEARCH interceptions USING INDEX interceptions_merchant_order_idx (merchant_id=? AND order_id=?)",
    ]);
  });

  it("find due webhook deliveries by visiting only endpoints with pending ones", () => {
    store = openSqliteStore({ path: ":memory:" });
    const queue = deliveryStatements(drizzle({ client: store.database }));

    const plan = planOf(queue.dueByEndpoint);
    // Every endpoint was scanned on every worker pass before: 10,000 endpoints with nothing due
    // cost each pass about 3 ms of the event loop.
    expect(plan.filter((step) => step.startsWith("SCAN webhook_endpoints"))).toEqual([]);
    expect(plan).toContain(
      "SEARCH later USING COVERING INDEX webhook_deliveries_endpoint_due_idx (endpoint_id>?)",
    );
    expect(plan).toContain(
      "SEARCH webhook_endpoints USING INDEX sqlite_autoindex_webhook_endpoints_1 (id=?)",
    );
  });
});
