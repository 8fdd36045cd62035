/**
 * `WebhookRepository` on PostgreSQL, and the outbox the interception repository writes through in
 * the transaction of each change (`recordWebhooks`).
 *
 * The deliveries table is the delivery worker's queue here too, not pg-boss: a worker must pick
 * due deliveries per endpoint (a dead endpoint gets at most its share of slots), which one
 * pg-boss queue cannot do short of a queue per endpoint, and the log the merchant reads must be
 * the delivery's own state anyway. Instances share it safely: a claim leases candidates with one
 * conditional UPDATE, which PostgreSQL re-checks on each row after waiting for a concurrent
 * claimer's lock, so one delivery is never leased to two holders at once. Leases compare the
 * caller's clock (ISO text in UTC), as the SQLite store does.
 */
import { and, asc, desc, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import type pg from "pg";
import type { WebhookEvent, WebhookEventType } from "../../../contracts/webhooks.ts";
import { toInterceptionResource } from "../../domain/interception-resource.ts";
import { resourceWebhooks } from "../../webhooks/events.ts";
import {
  attemptColumns,
  failedAsDeleted,
  leasable,
  leaseIsFree,
  pickWithinRoom,
  rankedByEndpoint,
} from "../delivery-room.ts";
import type { DueDelivery, InterceptionWithEvents, WebhookRepository } from "../store.ts";
import { webhookDeliveriesTable, webhookEndpointsTable, webhookEventsTable } from "./schema.ts";
import { autocommit, inTransaction, type PgDb } from "./transaction.ts";

const deliveries = webhookDeliveriesTable;
const endpoints = webhookEndpointsTable;

/**
 * A delivery among `ids`, bound as one array: the statement's text is the same however many
 * there are, so it takes one of the pool's bounded statement names (named-statements.ts) rather
 * than one per list length.
 */
const anyOf = (ids: string[]): SQL => sql`${deliveries.id} = any(${sql.param(ids)}::text[])`;

/**
 * Inside a change's transaction: records its webhook events and their deliveries. One indexed
 * read when the merchant has no endpoint.
 */
export async function recordWebhooks(
  tx: PgDb,
  input: {
    merchantId: string;
    types: readonly WebhookEventType[];
    record: () => InterceptionWithEvents | Promise<InterceptionWithEvents>;
    at: string;
  },
): Promise<void> {
  await recordEventWebhooks(tx, {
    ...input,
    data: async () => toInterceptionResource(await input.record()),
  });
}

/** The same for any resource's change (a shipment's): `data` is the resource the events carry. */
export async function recordEventWebhooks(
  tx: PgDb,
  input: {
    merchantId: string;
    types: readonly WebhookEventType[];
    data: () => Promise<WebhookEvent["data"]>;
    at: string;
  },
): Promise<void> {
  if (input.types.length === 0) {
    return;
  }
  const found = await tx
    .select({ id: endpoints.id, events: endpoints.events })
    .from(endpoints)
    .where(and(eq(endpoints.merchantId, input.merchantId), isNull(endpoints.deletedAt)))
    .orderBy(asc(endpoints.id));
  if (found.length === 0) {
    return;
  }
  const data = await input.data();
  const made = resourceWebhooks({ ...input, data: () => data, endpoints: found });
  if (made.events.length > 0) {
    await tx.insert(webhookEventsTable).values(made.events);
    await tx.insert(deliveries).values(made.deliveries);
  }
}

export function pgWebhookRepository(pool: pg.Pool, db: PgDb): WebhookRepository {
  const ownEndpoint = (merchantId: string, id: string): SQL =>
    and(eq(endpoints.merchantId, merchantId), eq(endpoints.id, id)) ?? sql`false`;

  return {
    async createEndpoint(endpoint) {
      await autocommit(pool, () => db.insert(endpoints).values(endpoint));
    },

    listEndpoints(merchantId) {
      return db
        .select()
        .from(endpoints)
        .where(and(eq(endpoints.merchantId, merchantId), isNull(endpoints.deletedAt)))
        .orderBy(asc(endpoints.id));
    },

    async getEndpoint(merchantId, id) {
      const [row] = await db
        .select()
        .from(endpoints)
        .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)));
      return row ?? null;
    },

    deleteEndpoint(merchantId, id, at) {
      return inTransaction(pool, async ({ db: tx }) => {
        const deleted = await tx
          .update(endpoints)
          .set({ deletedAt: at })
          .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)));
        if (deleted.rowCount !== 1) {
          return false;
        }
        await tx
          .update(deliveries)
          .set(failedAsDeleted)
          .where(and(eq(deliveries.endpointId, id), eq(deliveries.status, "pending")));
        return true;
      });
    },

    async rotateSecret(merchantId, id, secret, previousUntil) {
      const [row] = await autocommit(pool, () =>
        db
          .update(endpoints)
          .set({
            previousSecret: sql`${endpoints.secret}`,
            previousSecretUntil: previousUntil,
            secret,
          })
          .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)))
          .returning(),
      );
      return row ?? null;
    },

    async listDeliveries(merchantId, endpointId, page) {
      const [endpoint] = await db
        .select({ id: endpoints.id })
        .from(endpoints)
        .where(ownEndpoint(merchantId, endpointId));
      if (!endpoint) {
        return null;
      }
      if (page.limit <= 0) {
        return [];
      }
      return db
        .select()
        .from(deliveries)
        .where(
          and(
            eq(deliveries.endpointId, endpointId),
            page.before === undefined ? undefined : lt(deliveries.id, page.before),
          ),
        )
        .orderBy(desc(deliveries.id))
        .limit(page.limit);
    },

    retryDelivery(merchantId, id, now) {
      return inTransaction(pool, async ({ db: tx }) => {
        const [found] = await tx
          .select({ delivery: deliveries, deletedAt: endpoints.deletedAt })
          .from(deliveries)
          .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
          .where(and(eq(deliveries.merchantId, merchantId), eq(deliveries.id, id)))
          .for("update", { of: deliveries });
        if (!found || found.deletedAt !== null) {
          return null;
        }
        const [retried] = await tx
          .update(deliveries)
          .set({ status: "pending", nextAttemptAt: now })
          .where(and(eq(deliveries.id, id), leaseIsFree(deliveries, now)))
          .returning();
        return retried ?? found.delivery;
      });
    },

    async getEvent(merchantId, id) {
      const [row] = await db
        .select()
        .from(webhookEventsTable)
        .where(and(eq(webhookEventsTable.merchantId, merchantId), eq(webhookEventsTable.id, id)));
      return row ?? null;
    },

    async claimDue(now, leaseUntil, room) {
      if (room.total <= 0) {
        return [];
      }
      // Each endpoint's oldest due deliveries through its own index range: one probe per
      // endpoint whatever the backlog (ranking every due delivery made each claim scan them all).
      // Only endpoints with pending deliveries are visited, found by a loose index scan of the
      // pending-only index (each step seeks the next endpoint id past the last): visiting every
      // endpoint made each pass cost in proportion to all merchants' endpoints.
      const due = await db.execute<{ id: string; endpointId: string }>(sql`
        with recursive pending(endpoint_id) as (
          (select first.endpoint_id from ${deliveries} first
           where first.status = 'pending' order by first.endpoint_id limit 1)
          union all
          select (
            select later.endpoint_id from ${deliveries} later
            where later.status = 'pending' and later.endpoint_id > pending.endpoint_id
            order by later.endpoint_id limit 1
          )
          from pending where pending.endpoint_id is not null
        )
        select d.id as "id", d.endpoint_id as "endpointId"
        from pending
        cross join lateral (
          select oldest.id, oldest.endpoint_id, oldest.next_attempt_at
          from ${deliveries} oldest
          where oldest.endpoint_id = pending.endpoint_id and oldest.status = 'pending'
            and oldest.next_attempt_at <= ${now}
            and (oldest.lease_until is null or oldest.lease_until <= ${now})
          order by oldest.next_attempt_at, oldest.id
          limit ${room.perEndpoint}
        ) d
        -- Per endpoint visited, by its primary key: as a join, the planner may hash all endpoints.
        where (select e.deleted_at is null from ${endpoints} e where e.id = pending.endpoint_id)
        order by d.next_attempt_at, d.id`);
      const candidates = rankedByEndpoint(due.rows);
      const ids = pickWithinRoom(candidates, room);
      if (ids.length === 0) {
        return [];
      }
      return inTransaction(pool, async ({ db: tx }): Promise<DueDelivery[]> => {
        // Re-checked on each row under its lock: of two instances claiming at once, one wins.
        const leased = await tx
          .update(deliveries)
          .set({ leaseUntil })
          .where(and(anyOf(ids), leasable(deliveries, now)))
          .returning({ id: deliveries.id });
        if (leased.length === 0) {
          return [];
        }
        return tx
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
          .where(anyOf(leased.map((row) => row.id)))
          .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.id));
      });
    },

    async recordAttempts(attempts) {
      if (attempts.length === 0) {
        return;
      }
      const rows = attempts.map(({ delivery, attempt }) => {
        const { status, lastStatusCode, lastError, nextAttemptAt } = attemptColumns(attempt);
        return {
          id: delivery.id,
          held_lease: delivery.leaseUntil,
          status,
          last_status_code: lastStatusCode,
          last_error: lastError,
          next_attempt_at: nextAttemptAt,
        };
      });
      // One statement for the batch; each row fenced by the lease its holder took.
      await autocommit(pool, () =>
        db.execute(sql`
          update ${deliveries} d set
            status = a.status,
            last_status_code = a.last_status_code,
            last_error = a.last_error,
            next_attempt_at = a.next_attempt_at,
            lease_until = null,
            attempts = d.attempts + 1
          from json_to_recordset(${JSON.stringify(rows)}::json) as a(
            id text, held_lease text, status text, last_status_code integer, last_error text,
            next_attempt_at text)
          where d.id = a.id and d.lease_until is not distinct from a.held_lease`),
      );
    },

    async releaseDeliveries(held) {
      if (held.length === 0) {
        return;
      }
      const rows = held.map((delivery) => ({ id: delivery.id, held_lease: delivery.leaseUntil }));
      await autocommit(pool, () =>
        db.execute(sql`
          update ${deliveries} d set lease_until = null
          from json_to_recordset(${JSON.stringify(rows)}::json) as a(id text, held_lease text)
          where d.id = a.id and d.lease_until is not distinct from a.held_lease`),
      );
    },
  };
}
