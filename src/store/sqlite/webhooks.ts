/**
 * `WebhookRepository` on SQLite, and the outbox the interception repository writes through in
 * the transaction of each change (`webhookOutbox`). The deliveries table is the worker's queue:
 * a delivery is leased like a job (`lease_until`), by one conditional UPDATE; the queue's
 * statements are compiled once (delivery-statements.ts).
 */
import { and, asc, desc, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { WebhookEvent, WebhookEventType } from "../../../contracts/webhooks.ts";
import { toInterceptionResource } from "../../domain/interception-resource.ts";
import { resourceWebhooks } from "../../webhooks/events.ts";
import {
  attemptColumns,
  failedAsDeleted,
  leaseIsFree,
  pickWithinRoom,
  rankedByEndpoint,
} from "../delivery-room.ts";
import { webhookDeliveriesTable, webhookEndpointsTable, webhookEventsTable } from "../schema.ts";
import type { DueDelivery, InterceptionWithEvents, WebhookRepository } from "../store.ts";
import type { Db, SqliteConnection } from "./connection.ts";
import { deliveryStatements } from "./delivery-statements.ts";

const deliveries = webhookDeliveriesTable;
const endpoints = webhookEndpointsTable;

/**
 * Records the webhook events of one interception change and their deliveries; runs inside the
 * change's write. Costs one indexed read when the merchant has no endpoint.
 */
export type WebhookOutbox = (input: {
  merchantId: string;
  types: readonly WebhookEventType[];
  record: () => InterceptionWithEvents;
  at: string;
}) => void;

/** The same for any resource's change (a shipment's): `data` is the resource the events carry. */
export type EventOutbox = (input: {
  merchantId: string;
  types: readonly WebhookEventType[];
  data: () => WebhookEvent["data"];
  at: string;
}) => void;

export function webhookOutbox(events: EventOutbox): WebhookOutbox {
  return (input) => events({ ...input, data: () => toInterceptionResource(input.record()) });
}

export function eventOutbox(db: Db): EventOutbox {
  const p = sql.placeholder;
  const subscribers = db
    .select({ id: endpoints.id, events: endpoints.events })
    .from(endpoints)
    .where(and(eq(endpoints.merchantId, p("merchantId")), isNull(endpoints.deletedAt)))
    .orderBy(asc(endpoints.id))
    .prepare();
  const insertEvent = db
    .insert(webhookEventsTable)
    .values({
      id: p("id"),
      merchantId: p("merchantId"),
      type: p("type"),
      createdAt: p("createdAt"),
      body: p("body"),
    })
    .prepare();
  const insertDelivery = db
    .insert(deliveries)
    .values({
      id: p("id"),
      eventId: p("eventId"),
      endpointId: p("endpointId"),
      merchantId: p("merchantId"),
      type: p("type"),
      status: p("status"),
      attempts: p("attempts"),
      lastStatusCode: sql`${p("lastStatusCode")}`,
      lastError: sql`${p("lastError")}`,
      nextAttemptAt: p("nextAttemptAt"),
      createdAt: p("createdAt"),
      leaseUntil: sql`${p("leaseUntil")}`,
    })
    .prepare();
  // Named, so profiles tell this write (inside the change's transaction) from the others.
  const writeWebhookEvents: EventOutbox = (input) => {
    if (input.types.length === 0) {
      return;
    }
    const found = subscribers.all({ merchantId: input.merchantId });
    if (found.length === 0) {
      return;
    }
    const made = resourceWebhooks({ ...input, endpoints: found });
    for (const event of made.events) {
      insertEvent.run({ ...event });
    }
    for (const delivery of made.deliveries) {
      insertDelivery.run({ ...delivery });
    }
  };
  return writeWebhookEvents;
}

export function sqliteWebhooks({ db, read, write }: SqliteConnection): WebhookRepository {
  const ownEndpoint = (merchantId: string, id: string): SQL =>
    and(eq(endpoints.merchantId, merchantId), eq(endpoints.id, id)) ?? sql`0`;
  const queue = deliveryStatements(db);

  return {
    createEndpoint(endpoint) {
      return write(() => {
        db.insert(endpoints).values(endpoint).run();
      });
    },

    listEndpoints(merchantId) {
      return read(() =>
        db
          .select()
          .from(endpoints)
          .where(and(eq(endpoints.merchantId, merchantId), isNull(endpoints.deletedAt)))
          .orderBy(asc(endpoints.id))
          .all(),
      );
    },

    getEndpoint(merchantId, id) {
      return read(
        () =>
          db
            .select()
            .from(endpoints)
            .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)))
            .get() ?? null,
      );
    },

    deleteEndpoint(merchantId, id, at) {
      return write(() => {
        const deleted = db
          .update(endpoints)
          .set({ deletedAt: at })
          .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)))
          .run();
        if (deleted.changes !== 1) {
          return false;
        }
        db.update(deliveries)
          .set(failedAsDeleted)
          .where(and(eq(deliveries.endpointId, id), eq(deliveries.status, "pending")))
          .run();
        return true;
      });
    },

    rotateSecret(merchantId, id, secret, previousUntil) {
      return write(
        () =>
          db
            .update(endpoints)
            .set({
              previousSecret: sql`${endpoints.secret}`,
              previousSecretUntil: previousUntil,
              secret,
            })
            .where(and(ownEndpoint(merchantId, id), isNull(endpoints.deletedAt)))
            .returning()
            .get() ?? null,
      );
    },

    listDeliveries(merchantId, endpointId, page) {
      return read(() =>
        db.transaction((tx) => {
          const endpoint = tx
            .select({ id: endpoints.id })
            .from(endpoints)
            .where(ownEndpoint(merchantId, endpointId))
            .get();
          if (!endpoint) {
            return null;
          }
          if (page.limit <= 0) {
            return [];
          }
          return tx
            .select()
            .from(deliveries)
            .where(
              and(
                eq(deliveries.endpointId, endpointId),
                page.before === undefined ? undefined : lt(deliveries.id, page.before),
              ),
            )
            .orderBy(desc(deliveries.id))
            .limit(page.limit)
            .all();
        }),
      );
    },

    retryDelivery(merchantId, id, now) {
      return write(() => {
        const [found] = db
          .select({ delivery: deliveries, deletedAt: endpoints.deletedAt })
          .from(deliveries)
          .innerJoin(endpoints, eq(endpoints.id, deliveries.endpointId))
          .where(and(eq(deliveries.merchantId, merchantId), eq(deliveries.id, id)))
          .all();
        if (!found || found.deletedAt !== null) {
          return null;
        }
        return (
          db
            .update(deliveries)
            .set({ status: "pending", nextAttemptAt: now })
            .where(and(eq(deliveries.id, id), leaseIsFree(deliveries, now)))
            .returning()
            .get() ?? found.delivery
        );
      });
    },

    getEvent(merchantId, id) {
      return read(
        () =>
          db
            .select()
            .from(webhookEventsTable)
            .where(
              and(eq(webhookEventsTable.merchantId, merchantId), eq(webhookEventsTable.id, id)),
            )
            .get() ?? null,
      );
    },

    async claimDue(now, leaseUntil, room) {
      if (room.total <= 0) {
        return [];
      }
      // The look-up is a read, so an idle worker's passes take no write lock.
      const candidates = await read(() =>
        rankedByEndpoint(queue.dueByEndpoint.all({ now, perEndpoint: room.perEndpoint })),
      );
      const ids = pickWithinRoom(candidates, room);
      if (ids.length === 0) {
        return [];
      }
      // Named (as the record and release writes are), so profiles tell the queue's writes apart:
      // the group commit runs them later, with none of the methods above them on the stack.
      const leaseDue = (): DueDelivery[] => {
        // Checked again under the write lock: another connection may have leased some meanwhile.
        const leased = queue.lease.all({ ids: JSON.stringify(ids), now, leaseUntil });
        if (leased.length === 0) {
          return [];
        }
        return queue.withEventAndEndpoint.all({
          ids: JSON.stringify(leased.map((row) => row.id)),
        });
      };
      return write(leaseDue);
    },

    recordAttempts(attempts) {
      if (attempts.length === 0) {
        return Promise.resolve();
      }
      const writeAttempts = () => {
        for (const { delivery, attempt } of attempts) {
          const { status, lastStatusCode, lastError, nextAttemptAt } = attemptColumns(attempt);
          queue.recordAttempt.run({
            id: delivery.id,
            heldLease: delivery.leaseUntil,
            status,
            lastStatusCode,
            lastError,
            nextAttemptAt,
          });
        }
      };
      return write(writeAttempts);
    },

    releaseDeliveries(held) {
      if (held.length === 0) {
        return Promise.resolve();
      }
      const writeReleases = () => {
        for (const delivery of held) {
          queue.release.run({ id: delivery.id, heldLease: delivery.leaseUntil });
        }
      };
      return write(writeReleases);
    },
  };
}
