/**
 * What the cost ledger and bulk release read, the same on every store: the conditions of a page
 * of cost lines, and of a merchant's locks with the time each became locked.
 */
import { type AnyColumn, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { CostLineCursor, LockCriteria } from "./store.ts";

/** The interceptions table's columns these read, of either dialect's table. */
interface InterceptionColumns {
  id: AnyColumn;
  merchantId: AnyColumn;
  orderId: AnyColumn;
  status: AnyColumn;
  createdAt: AnyColumn;
}

/** The events table's columns these read. */
interface EventColumns {
  interceptionId: AnyColumn;
  status: AnyColumn;
  at: AnyColumn;
}

/**
 * One merchant's interceptions created in `[from, to)`, after the cursor in (createdAt, id)
 * order: a range of the `interceptions_merchant_created_idx` index.
 */
export function costLineConditions(
  table: InterceptionColumns,
  merchantId: string,
  range: { from: string; to: string },
  after: CostLineCursor | undefined,
): SQL[] {
  const conditions: SQL[] = [
    eq(table.merchantId, merchantId),
    gte(table.createdAt, range.from),
    lt(table.createdAt, range.to),
  ];
  if (after !== undefined) {
    conditions.push(sql`(${table.createdAt}, ${table.id}) > (${after.createdAt}, ${after.id})`);
  }
  return conditions;
}

/**
 * The merchant's interceptions that are locked now, of the given orders if any. `status` is
 * written as a literal, not a bound value, so both planners use the partial index on locks.
 */
export function lockConditions(
  table: InterceptionColumns,
  merchantId: string,
  criteria: LockCriteria,
): SQL[] {
  const conditions: SQL[] = [eq(table.merchantId, merchantId), sql`${table.status} = 'locked'`];
  if (criteria.orderIds !== undefined) {
    conditions.push(inArray(table.orderId, [...criteria.orderIds]));
  }
  return conditions;
}

/**
 * When an interception became locked: the time of its first `locked` event. It is locked when
 * stored (the parcel was not collected) or later, when the worker's late assessment finds so;
 * events recorded while it stays locked (a pickup cancelled) carry `locked` too, hence the first.
 * `updatedAt` would not do: those later events move it.
 */
export function lockedAt(events: EventColumns): SQL<string> {
  return sql<string>`min(${events.at})`;
}

/** Joins an interception to its `locked` events (see `lockedAt`). */
export function lockedEventsOf(table: InterceptionColumns, events: EventColumns): SQL {
  return sql`${events.interceptionId} = ${table.id} and ${events.status} = 'locked'`;
}

/** Keeps the locks older than `lockedBefore`, when given (a HAVING clause). */
export function lockedBeforeCondition(
  events: EventColumns,
  criteria: LockCriteria,
): SQL | undefined {
  return criteria.lockedBefore === undefined
    ? undefined
    : sql`${lockedAt(events)} < ${criteria.lockedBefore}`;
}
