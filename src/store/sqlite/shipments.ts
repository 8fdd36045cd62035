/**
 * `ShipmentRepository` on SQLite. Every change is one synchronous write (connection.ts): the
 * shipment, its event, its webhook events (the outbox), the deadlines it sets and, for a new
 * shipment, its idempotency key's answer all commit together or not at all.
 */
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { proposalAt } from "../../domain/obligations/ship-date-proposals.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import { parcelOwnersTable, shipmentEventsTable, shipmentsTable } from "../schema.ts";
import type {
  ShipmentRecord,
  ShipmentRepository,
  ShipmentWithEvents,
} from "../shipment-records.ts";
import { shipmentEventColumns, withShipmentEvents } from "../shipment-rows.ts";
import { IdempotencyConflictError } from "../store.ts";
import type { Db, Reader, SqliteConnection } from "./connection.ts";
import { enqueueDeadlines } from "./deadlines.ts";
import type { KeyStatements } from "./idempotency.ts";
import { proposalsOf } from "./ship-date-proposals.ts";
import type { EventOutbox } from "./webhooks.ts";

const shipments = shipmentsTable;
const events = shipmentEventsTable;

export function sqliteShipments(
  { db, read, write }: SqliteConnection,
  keys: KeyStatements,
  outbox: EventOutbox,
): ShipmentRepository {
  return {
    insert(input) {
      const { shipment, idempotency } = input;
      return write(() => {
        if (idempotency) {
          const { claim, completion } = idempotency;
          // With a claim, the key is new to this request: claiming it here is the claim itself.
          // Without, this request claimed it before and must still hold it unanswered.
          const held = claim
            ? keys.claimKey.get(claim) !== undefined
            : keys.keyByName.get(completion)?.state === "in_progress";
          if (!held) {
            throw new IdempotencyConflictError(completion.merchantId, completion.key);
          }
          keys.completeKey.run(completion);
        }
        db.insert(shipments).values(shipment).run();
        db.insert(events).values(shipmentEventColumns(shipment.id, input.event)).run();
        enqueueDeadlines(db, input.deadlines);
      });
    },

    get(merchantId, id) {
      return read(() => {
        const found = readOne(db, id);
        return found?.merchantId === merchantId ? found : null;
      });
    },

    getById(id) {
      return read(() => readOne(db, id));
    },

    list(merchantId, filter, page) {
      return read(() => {
        const rows = db
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
          .limit(page.limit)
          .all();
        return withEvents(db, rows);
      });
    },

    shippedWithParcel(carrier: CarrierId, trackingNumber: string) {
      return read(() =>
        db
          .select()
          .from(shipments)
          .where(
            and(
              eq(shipments.carrier, carrier),
              eq(shipments.trackingNumber, trackingNumber),
              eq(shipments.status, "shipped"),
            ),
          )
          .orderBy(asc(shipments.id))
          .all(),
      );
    },

    transition(id, transition) {
      return write(() => {
        const current = readOne(db, id);
        if (
          !current ||
          (transition.merchantId !== undefined && current.merchantId !== transition.merchantId)
        ) {
          return { outcome: "not_found" as const };
        }
        if (
          transition.expectVersion !== undefined &&
          current.version !== transition.expectVersion
        ) {
          return { outcome: "stale" as const };
        }
        if (!transition.from.includes(current.status)) {
          return { outcome: "status_mismatch" as const, shipment: current };
        }
        const changed: ShipmentWithEvents = {
          ...current,
          ...transition.patch,
          status: transition.to ?? current.status,
          version: current.version + 1,
          updatedAt: transition.event.at,
        };
        if (
          transition.bindParcel &&
          !bindOrCheckOwner(db, parcelOf(changed), transition.event.at)
        ) {
          return { outcome: "parcel_of_another_merchant" as const };
        }
        const { events: _history, id: _id, ...columns } = changed;
        db.update(shipments).set(columns).where(eq(shipments.id, id)).run();
        db.insert(events).values(shipmentEventColumns(id, transition.event)).run();
        enqueueDeadlines(db, transition.schedule ?? []);
        const after: ShipmentWithEvents = {
          ...changed,
          events: [...changed.events, transition.event],
        };
        if (transition.webhook) {
          outbox({
            merchantId: after.merchantId,
            types: [transition.webhook],
            data: () => {
              const now = new Date(transition.event.at);
              const proposals = proposalsOf(db, id).map((each) => proposalAt(each, now));
              return toShipmentResource(after, proposals);
            },
            at: transition.event.at,
          });
        }
        return { outcome: "applied" as const, shipment: after };
      });
    },
  };
}

/** The parcel a shipment that is being shipped names. */
function parcelOf(shipment: ShipmentRecord): Parcel {
  const { carrier, trackingNumber, merchantId } = shipment;
  if (carrier === null || trackingNumber === null) {
    throw new Error(`shipment ${shipment.id} binds a parcel without a carrier and tracking number`);
  }
  return { carrier, trackingNumber, merchantId };
}

/** A parcel and the merchant that names it. */
export interface Parcel {
  carrier: CarrierId;
  trackingNumber: string;
  merchantId: string;
}

/**
 * Inside a write: binds the parcel to the merchant unless someone has it (the first binder keeps
 * it, as for interceptions); false when another merchant has it.
 */
export function bindOrCheckOwner(db: Db, parcel: Parcel, at: string): boolean {
  const { carrier, trackingNumber, merchantId } = parcel;
  db.insert(parcelOwnersTable)
    .values({ carrier, trackingNumber, merchantId, boundAt: at })
    .onConflictDoNothing()
    .run();
  const owner = db
    .select({ merchantId: parcelOwnersTable.merchantId })
    .from(parcelOwnersTable)
    .where(
      and(
        eq(parcelOwnersTable.carrier, carrier),
        eq(parcelOwnersTable.trackingNumber, trackingNumber),
      ),
    )
    .get();
  return owner?.merchantId === merchantId;
}

function readOne(reader: Reader, id: string): ShipmentWithEvents | null {
  const row = reader.select().from(shipments).where(eq(shipments.id, id)).get();
  return row ? (withEvents(reader, [row])[0] ?? null) : null;
}

/** The rows with their histories, in the rows' order; one read for all their events. */
function withEvents(reader: Reader, rows: ShipmentRecord[]): ShipmentWithEvents[] {
  if (rows.length === 0) {
    return [];
  }
  const found = reader
    .select()
    .from(events)
    .where(
      inArray(
        events.shipmentId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(events.id))
    .all();
  return withShipmentEvents(rows, found);
}
