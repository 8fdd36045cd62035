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

/**
 * The endpoints with pending deliveries, each once, in id order: a loose index scan of the
 * pending-only index (each step seeks the next endpoint id past the last), so it costs one seek
 * per such endpoint, not one per endpoint, nor one per pending delivery.
 */
const pendingEndpoints = sql`(
  with recursive pending_endpoint(endpoint_id) as (
    select (select min(first.endpoint_id) from ${deliveries} first where first.status = 'pending')
    union all
    select (
      select min(later.endpoint_id) from ${deliveries} later
      where later.status = 'pending' and later.endpoint_id > pending_endpoint.endpoint_id
    )
    from pending_endpoint where pending_endpoint.endpoint_id is not null
  )
  select endpoint_id from pending_endpoint where endpoint_id is not null
)`;

export function deliveryStatements(db: Db) {
  return {
    /**
     * Each endpoint's oldest due deliveries (at most `perEndpoint`), through its own index range:
     * one probe per endpoint whatever the backlog; oldest due first across endpoints. Only
     * endpoints with pending deliveries are visited, found by skipping through the pending index
     * one endpoint at a time: scanning every endpoint cost each pass about 0.2–0.3 ms per
     * thousand endpoints on the event loop, with nothing due.
     */
    dueByEndpoint: db
      .select({ id: deliveries.id, endpointId: deliveries.endpointId })
      .from(sql`${pendingEndpoints} pending`)
      .innerJoin(
        endpoints,
        and(eq(endpoints.id, sql`pending.endpoint_id`), isNull(endpoints.deletedAt)),
      )
      .innerJoin(
        deliveries,
        sql`${deliveries.id} in (
          select due.id from ${deliveries} due
          where due.endpoint_id = pending.endpoint_id and due.status = 'pending'
            and due.next_attempt_at <= ${p("now")}
            and (due.lease_until is null or due.lease_until <= ${p("now")})
          order by due.next_attempt_at, due.id
          limit ${p("perEndpoint")})`,
      )
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
