/**
 * The statements of the webhook worker's queue on SQLite, compiled once: building each through
 * drizzle and preparing it afresh on every claim and every record was most of the worker's cost
 * on the event loop (it shares it with the requests). A variable list of ids is bound as one JSON
 * array (`json_each`), so one compiled statement serves any number.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { leasable } from "../delivery-room.ts";
import { webhookDeliveriesTable, webhookEndpointsTable, webhookEventsTable } from "../schema.ts";
import type { Db } from "./connection.ts";

const deliveries = webhookDeliveriesTable;
const endpoints = webhookEndpointsTable;
const p = sql.placeholder;
const inIds = sql`${deliveries.id} in (select value from json_each(${p("ids")}))`;
/** Still under the lease its holder took (`IS`: NULL-safe). */
const heldBy = and(eq(deliveries.id, p("id")), sql`${deliveries.leaseUntil} is ${p("heldLease")}`);

export function deliveryStatements(db: Db) {
  return {
    /**
     * Each endpoint's oldest due deliveries (at most `perEndpoint`), through its own index range:
     * one probe per endpoint whatever the backlog; oldest due first across endpoints.
     */
    dueByEndpoint: db
      .select({ id: deliveries.id, endpointId: deliveries.endpointId })
      .from(endpoints)
      .innerJoin(
        deliveries,
        sql`${deliveries.id} in (
          select due.id from ${deliveries} due
          where due.endpoint_id = ${endpoints.id} and due.status = 'pending'
            and due.next_attempt_at <= ${p("now")}
            and (due.lease_until is null or due.lease_until <= ${p("now")})
          order by due.next_attempt_at, due.id
          limit ${p("perEndpoint")})`,
      )
      .where(isNull(endpoints.deletedAt))
      .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.id))
      .prepare(),
    /** Leases those of `ids` still leasable; returns the ids it leased. */
    lease: db
      .update(deliveries)
      .set({ leaseUntil: sql`${p("leaseUntil")}` })
      .where(and(inIds, leasable(deliveries, p("now"))))
      .returning({ id: deliveries.id })
      .prepare(),
    /** The leased deliveries with what the worker sends: the event and the endpoint's secrets. */
    withEventAndEndpoint: db
      .select({
        delivery: deliveries,
        event: webhookEventsTable,
        endpoint: {
          id: endpoints.id,
          url: endpoints.url,
          secret: endpoints.secret,
          previousSecret: endpoints.previousSecret,
          previousSecretUntil: endpoints.previousSecretUntil,
        },
      })
      .from(deliveries)
      .innerJoin(webhookEventsTable, eq(webhookEventsTable.id, deliveries.eventId))
      .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
      .where(inIds)
      .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.id))
      .prepare(),
    /** One attempt, fenced by the lease its holder took. */
    recordAttempt: db
      .update(deliveries)
      .set({
        status: sql`${p("status")}`,
        lastStatusCode: sql`${p("lastStatusCode")}`,
        lastError: sql`${p("lastError")}`,
        nextAttemptAt: sql`${p("nextAttemptAt")}`,
        leaseUntil: null,
        attempts: sql`${deliveries.attempts} + 1`,
      })
      .where(heldBy)
      .prepare(),
    /** Gives a delivery back unattempted, fenced by the lease its holder took. */
    release: db.update(deliveries).set({ leaseUntil: null }).where(heldBy).prepare(),
  };
}
