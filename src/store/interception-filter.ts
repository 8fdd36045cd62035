/**
 * What a page of `interceptions.list` matches, the same on every store: the merchant's rows, the
 * filter's fields, and ids before the previous page's last (ids sort by creation).
 */
import { type AnyColumn, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { InterceptionFilter } from "./store.ts";

/** The interceptions table's columns the filter reads, of either dialect's table. */
interface FilterColumns {
  id: AnyColumn;
  merchantId: AnyColumn;
  orderId: AnyColumn;
  trackingNumber: AnyColumn;
  status: AnyColumn;
  carrier: AnyColumn;
  createdAt: AnyColumn;
}

export function listConditions(
  table: FilterColumns,
  merchantId: string,
  filter: InterceptionFilter,
  before: string | undefined,
): SQL[] {
  const conditions: SQL[] = [eq(table.merchantId, merchantId)];
  if (filter.orderId !== undefined) {
    conditions.push(eq(table.orderId, filter.orderId));
  }
  if (filter.trackingNumber !== undefined) {
    conditions.push(eq(table.trackingNumber, filter.trackingNumber));
  }
  if (filter.status !== undefined) {
    conditions.push(eq(table.status, filter.status));
  }
  if (filter.carrier !== undefined) {
    // The filter is any string (an unknown carrier simply matches nothing), the column a
    // CarrierId, so compare in SQL rather than cast.
    conditions.push(sql`${table.carrier} = ${filter.carrier}`);
  }
  // ISO-8601 UTC text of one fixed form on both stores: text order is time order.
  if (filter.createdFrom !== undefined) {
    conditions.push(gte(table.createdAt, filter.createdFrom));
  }
  if (filter.createdBefore !== undefined) {
    conditions.push(lt(table.createdAt, filter.createdBefore));
  }
  if (before !== undefined) {
    conditions.push(lt(table.id, before));
  }
  return conditions;
}
