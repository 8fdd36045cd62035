/**
 * `ShipmentRepository` on PostgreSQL. Every change is one transaction: the shipment, its event,
 * its webhook events (the outbox), the deadlines it sets (pg-boss, on the same connection) and,
 * for a new shipment, its idempotency key's answer. Instances race on a shipment through its row
 * lock (`SELECT … FOR UPDATE`): a second change waits for the first and then sees its result.
 */
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type pg from "pg";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { proposalAt } from "../../domain/obligations/ship-date-proposals.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import { shipmentEventColumns, withShipmentEvents } from "../shipment-rows.ts";
import type {
  ShipmentRecord,
  ShipmentRepository,
  ShipmentTransitionResult,
  ShipmentWithEvents,
} from "../store.ts";
import { IdempotencyConflictError } from "../store.ts";
import type { PgDeadlineQueue } from "./deadlines.ts";
import { completeKey, insertClaim, keyNamed } from "./idempotency.ts";
import { bindOrCheckOwner } from "./interceptions.ts";
import { idempotencyKeysTable, shipmentEventsTable, shipmentsTable } from "./schema.ts";
import { proposalsOf } from "./ship-date-proposals.ts";
import { inTransaction, type PgDb } from "./transaction.ts";
import { recordEventWebhooks } from "./webhooks.ts";

const shipments = shipmentsTable;
const events = shipmentEventsTable;

export function pgShipmentRepository(
  pool: pg.Pool,
  db: PgDb,
  deadlines: PgDeadlineQueue,
): ShipmentRepository {
  return {
    insert(input) {
      const { shipment, idempotency } = input;
      return inTransaction(pool, async ({ db: tx, client }) => {
        if (idempotency) {
          const { claim, completion } = idempotency;
          // With a claim, the key is new to this request: inserting it is the claim itself.
          // Without, this request claimed it before and must still hold it unanswered.
          const held = claim
            ? await insertClaim(tx, claim)
            : (
                await tx
                  .select({ state: idempotencyKeysTable.state })
                  .from(idempotencyKeysTable)
                  .where(keyNamed(completion.merchantId, completion.key))
                  .for("update")
              )[0]?.state === "in_progress";
          if (!held) {
            throw new IdempotencyConflictError(completion.merchantId, completion.key);
          }
          await completeKey(tx, completion);
        }
        await tx.insert(shipments).values(shipment);
        await tx.insert(events).values(shipmentEventColumns(shipment.id, input.event));
        await deadlines.enqueue(client, input.deadlines);
      });
    },

    async get(merchantId, id) {
      const found = await readOne(db, id, false);
      return found?.merchantId === merchantId ? found : null;
    },

    getById(id) {
      return readOne(db, id, false);
    },

    async list(merchantId, filter, page) {
      const rows = await db
        .select()
        .from(shipments)
        .where(
          and(
            eq(shipments.merchantId, merchantId),
            filter.orderId === undefined ? undefined : eq(shipments.orderId, filter.orderId),
            filter.status === undefined ? undefined : eq(shipments.status, filter.status),
            page.before === undefined ? undefined : lt(shipments.id, page.before),
          ),
        )
        .orderBy(desc(shipments.id))
        .limit(page.limit);
      return withEvents(db, rows);
    },

    shippedWithParcel(carrier: CarrierId, trackingNumber: string) {
      return db
        .select()
        .from(shipments)
        .where(
          and(
            eq(shipments.carrier, carrier),
            eq(shipments.trackingNumber, trackingNumber),
            eq(shipments.status, "shipped"),
          ),
        )
        .orderBy(asc(shipments.id));
    },

    transition(id, transition) {
      return inTransaction(pool, async ({ db: tx, client }): Promise<ShipmentTransitionResult> => {
        const current = await readOne(tx, id, true);
        if (
          !current ||
          (transition.merchantId !== undefined && current.merchantId !== transition.merchantId)
        ) {
          return { outcome: "not_found" };
        }
        if (
          transition.expectVersion !== undefined &&
          current.version !== transition.expectVersion
        ) {
          return { outcome: "stale" };
        }
        if (!transition.from.includes(current.status)) {
          return { outcome: "status_mismatch", shipment: current };
        }
        const changed: ShipmentWithEvents = {
          ...current,
          ...transition.patch,
          status: transition.to ?? current.status,
          version: current.version + 1,
          updatedAt: transition.event.at,
        };
        if (transition.bindParcel) {
          const { carrier, trackingNumber } = changed;
          if (carrier === null || trackingNumber === null) {
            throw new Error(`shipment ${id} binds a parcel without a carrier and tracking number`);
          }
          const parcel = { carrier, trackingNumber, merchantId: changed.merchantId };
          if (!(await bindOrCheckOwner(tx, parcel, true, transition.event.at))) {
            // Nothing written yet in this transaction but the bind attempt, which did not bind.
            return { outcome: "parcel_of_another_merchant" };
          }
        }
        const { events: _history, id: _id, ...columns } = changed;
        await tx.update(shipments).set(columns).where(eq(shipments.id, id));
        await tx.insert(events).values(shipmentEventColumns(id, transition.event));
        await deadlines.enqueue(client, transition.schedule ?? []);
        const after: ShipmentWithEvents = {
          ...changed,
          events: [...changed.events, transition.event],
        };
        if (transition.webhook) {
          await recordEventWebhooks(tx, {
            merchantId: after.merchantId,
            types: [transition.webhook],
            data: async () => {
              const now = new Date(transition.event.at);
              const proposals = (await proposalsOf(tx, id)).map((each) => proposalAt(each, now));
              return toShipmentResource(after, proposals);
            },
            at: transition.event.at,
          });
        }
        return { outcome: "applied", shipment: after };
      });
    },
  };
}

/** One shipment with its history; `lock` holds its row until the transaction ends. */
async function readOne(
  reader: PgDb,
  id: string,
  lock: boolean,
): Promise<ShipmentWithEvents | null> {
  const query = reader.select().from(shipments).where(eq(shipments.id, id));
  const [row] = lock ? await query.for("update") : await query;
  return row ? ((await withEvents(reader, [row]))[0] ?? null) : null;
}

/** The rows with their histories, in the rows' order; one read for all their events. */
async function withEvents(reader: PgDb, rows: ShipmentRecord[]): Promise<ShipmentWithEvents[]> {
  if (rows.length === 0) {
    return [];
  }
  const found = await reader
    .select()
    .from(events)
    .where(
      inArray(
        events.shipmentId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(events.id));
  return withShipmentEvents(rows, found);
}
