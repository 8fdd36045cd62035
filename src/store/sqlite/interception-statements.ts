/**
 * The statements of the interception repository, compiled once: building each query through
 * drizzle on every call was a third of the intercept path's CPU in the benchmark's profile.
 * Values are bound by name from the records. Nullable JSON columns are bound already encoded
 * (`encodeColumns`): drizzle would encode a null as the text `null` rather than SQL NULL. drizzle
 * types no placeholder in `set()`, hence `sql` there.
 */
import { and, asc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import {
  interceptionEventsTable,
  interceptionsTable,
  jobsTable,
  parcelOwnersTable,
} from "../schema.ts";
import type { InterceptionEventRecord } from "../store.ts";
import type { Db, Reader } from "./connection.ts";
import { oneOpenInterceptionPerParcel } from "./constraints.ts";

export function interceptionReads(db: Db) {
  return {
    interceptionById: db
      .select()
      .from(interceptionsTable)
      .where(eq(interceptionsTable.id, sql.placeholder("id")))
      .prepare(),
    eventsOf: db
      .select({
        at: interceptionEventsTable.at,
        status: interceptionEventsTable.status,
        detail: interceptionEventsTable.detail,
        carrierEventId: interceptionEventsTable.carrierEventId,
        actorType: interceptionEventsTable.actorType,
        actorId: interceptionEventsTable.actorId,
      })
      .from(interceptionEventsTable)
      .where(eq(interceptionEventsTable.interceptionId, sql.placeholder("id")))
      .orderBy(asc(interceptionEventsTable.id))
      .prepare(),
    /** Another job of a kind for an interception (`except`: the one being completed, or null). */
    otherJobOfKind: db
      .select({ id: jobsTable.id })
      .from(jobsTable)
      .where(
        and(
          eq(jobsTable.interceptionId, sql.placeholder("id")),
          eq(jobsTable.kind, sql.placeholder("kind")),
          sql`${jobsTable.id} IS NOT ${sql.placeholder("except")}`,
        ),
      )
      .prepare(),
    statusOf: db
      .select({
        status: interceptionsTable.status,
        action: interceptionsTable.action,
        merchantId: interceptionsTable.merchantId,
      })
      .from(interceptionsTable)
      .where(eq(interceptionsTable.id, sql.placeholder("id")))
      .prepare(),
    carrierEvent: db
      .select({ id: interceptionEventsTable.id })
      .from(interceptionEventsTable)
      .where(
        and(
          eq(interceptionEventsTable.interceptionId, sql.placeholder("id")),
          eq(interceptionEventsTable.carrierEventId, sql.placeholder("carrierEventId")),
        ),
      )
      .prepare(),
    parcelInterceptions: db
      .select()
      .from(interceptionsTable)
      .where(
        and(
          eq(interceptionsTable.carrier, sql.placeholder("carrier")),
          eq(interceptionsTable.trackingNumber, sql.placeholder("trackingNumber")),
        ),
      )
      .orderBy(asc(interceptionsTable.id))
      .prepare(),
    parcelOwner: db
      .select({ merchantId: parcelOwnersTable.merchantId })
      .from(parcelOwnersTable)
      .where(
        and(
          eq(parcelOwnersTable.carrier, sql.placeholder("carrier")),
          eq(parcelOwnersTable.trackingNumber, sql.placeholder("trackingNumber")),
        ),
      )
      .prepare(),
    orderRedirects: db
      .select({
        id: interceptionsTable.id,
        status: interceptionsTable.status,
        cost: interceptionsTable.cost,
      })
      .from(interceptionsTable)
      .where(
        and(
          eq(interceptionsTable.merchantId, sql.placeholder("merchantId")),
          eq(interceptionsTable.orderId, sql.placeholder("orderId")),
          eq(interceptionsTable.action, "redirect"),
        ),
      )
      .orderBy(asc(interceptionsTable.id))
      .prepare(),
  };
}

export function interceptionWrites(db: Db) {
  const p = sql.placeholder;
  return {
    /** Changes nothing when the merchant has an open interception of the parcel (constraints.ts). */
    insertInterception: db
      .insert(interceptionsTable)
      .values({
        id: p("id"),
        merchantId: p("merchantId"),
        carrier: p("carrier"),
        trackingNumber: p("trackingNumber"),
        orderId: p("orderId"),
        action: p("action"),
        reason: p("reason"),
        items: p("items"),
        parcel: p("parcel"),
        redirectTo: sql`${p("redirectTo")}`,
        note: p("note"),
        status: p("status"),
        parcelState: p("parcelState"),
        successLikelihood: p("successLikelihood"),
        carrierReference: p("carrierReference"),
        cost: p("cost"),
        failure: sql`${p("failure")}`,
        createdAt: p("createdAt"),
        updatedAt: p("updatedAt"),
      })
      .onConflictDoUpdate(oneOpenInterceptionPerParcel)
      .prepare(),
    // The first merchant to bind a parcel keeps it; a later bind changes nothing.
    bindParcel: db
      .insert(parcelOwnersTable)
      .values({
        carrier: p("carrier"),
        trackingNumber: p("trackingNumber"),
        merchantId: p("merchantId"),
        boundAt: p("boundAt"),
      })
      .onConflictDoNothing()
      .prepare(),
    insertEvent: db
      .insert(interceptionEventsTable)
      .values({
        interceptionId: p("interceptionId"),
        at: p("at"),
        status: p("status"),
        detail: p("detail"),
        carrierEventId: p("carrierEventId"),
        actorType: p("actorType"),
        actorId: sql`${p("actorId")}`,
      })
      .prepare(),
    insertJob: db
      .insert(jobsTable)
      .values({
        id: p("id"),
        interceptionId: p("interceptionId"),
        kind: p("kind"),
        runAt: p("runAt"),
        attempts: p("attempts"),
        maybeSent: p("maybeSent"),
        leaseUntil: p("leaseUntil"),
        lastError: p("lastError"),
      })
      .prepare(),
    deleteJobOf: db
      .delete(jobsTable)
      .where(and(eq(jobsTable.id, p("id")), eq(jobsTable.interceptionId, p("interceptionId"))))
      .prepare(),
    deleteJobsOf: db
      .delete(jobsTable)
      .where(eq(jobsTable.interceptionId, p("interceptionId")))
      .prepare(),
  };
}

/**
 * The UPDATE of a transition sets the columns of its patch, which differ between callers: one
 * statement is compiled per set of columns (a handful exist) and kept. Values are bound already
 * encoded (see `encodeColumns`).
 */
export function transitionUpdates(db: Db) {
  const compiled = new Map<string, ReturnType<typeof compile>>();
  const compile = (columns: string[]) =>
    db
      .update(interceptionsTable)
      .set(Object.fromEntries(columns.map((column) => [column, sql`${sql.placeholder(column)}`])))
      .where(
        and(
          eq(interceptionsTable.id, sql.placeholder("id")),
          eq(interceptionsTable.status, sql.placeholder("fromStatus")),
        ),
      )
      .prepare();
  return (columns: string[]) => {
    const key = columns.join(",");
    let statement = compiled.get(key);
    if (!statement) {
      statement = compile(columns);
      compiled.set(key, statement);
    }
    return statement;
  };
}

const interceptionColumns = getTableColumns(interceptionsTable) as Record<
  string,
  { mapToDriverValue(value: unknown): unknown }
>;

/**
 * Interception fields as SQLite stores them (JSON as text); null stays SQL NULL. An undefined
 * field is left out, as drizzle's `set()` leaves such a column alone.
 */
export function encodeColumns(fields: Record<string, unknown>): Record<string, unknown> {
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) {
      continue;
    }
    const column = interceptionColumns[name];
    if (!column) {
      throw new Error(`interceptions has no column ${name}`);
    }
    encoded[name] = value === null ? null : column.mapToDriverValue(value);
  }
  return encoded;
}

/** Events of many interceptions in one query, oldest first per interception. */
export function loadEvents(reader: Reader, ids: string[]): Map<string, InterceptionEventRecord[]> {
  const byInterception = new Map<string, InterceptionEventRecord[]>();
  if (ids.length === 0) {
    return byInterception;
  }
  const rows = reader
    .select({
      interceptionId: interceptionEventsTable.interceptionId,
      at: interceptionEventsTable.at,
      status: interceptionEventsTable.status,
      detail: interceptionEventsTable.detail,
      carrierEventId: interceptionEventsTable.carrierEventId,
      actorType: interceptionEventsTable.actorType,
      actorId: interceptionEventsTable.actorId,
    })
    .from(interceptionEventsTable)
    .where(inArray(interceptionEventsTable.interceptionId, ids))
    .orderBy(asc(interceptionEventsTable.interceptionId), asc(interceptionEventsTable.id))
    .all();
  for (const { interceptionId, ...row } of rows) {
    const event = toEventRecord(row);
    const list = byInterception.get(interceptionId);
    if (list) {
      list.push(event);
    } else {
      byInterception.set(interceptionId, [event]);
    }
  }
  return byInterception;
}

/** An event row as stored (its actor in two columns) as the record the store returns. */
export function toEventRecord(row: {
  at: string;
  status: InterceptionEventRecord["status"];
  detail: string;
  carrierEventId: string | null;
  actorType: InterceptionEventRecord["actor"]["type"];
  actorId: string | null;
}): InterceptionEventRecord {
  const { actorType, actorId, ...event } = row;
  return { ...event, actor: { type: actorType, id: actorId } };
}

/** An event's columns, bound by name to `insertEvent`. */
export function eventColumns(interceptionId: string, event: InterceptionEventRecord) {
  const { actor, ...rest } = event;
  return { interceptionId, ...rest, actorType: actor.type, actorId: actor.id };
}
