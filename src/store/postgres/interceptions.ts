/**
 * `InterceptionRepository` on PostgreSQL: interceptions with their events, and the parcels'
 * owners. Jobs are enqueued and removed through the job queue (pg-boss) on the same transaction.
 *
 * How races between instances are decided, write by write:
 * - one open interception per merchant and parcel: the partial unique index; the second insert
 *   waits for the first's transaction and fails with 23505 on that index (`ParcelBusyError`);
 * - a parcel's owner: the primary key of parcel_owners with `INSERT … ON CONFLICT DO NOTHING`;
 *   the loser waits for the winner's transaction, then reads the winner as the owner;
 * - the order's free redirect: a transaction-scoped advisory lock on (merchant, order) taken
 *   before the recount, so of two redirects of one order stored at once the second counts the
 *   first (READ COMMITTED: its next statement sees what committed while it waited);
 * - the idempotency key: its primary key (a claim in the insert) and a conditional link;
 * - a transition: the interception's row lock (`FOR UPDATE`), so the checks (status, repeated
 *   carrier report, job of the same kind, owner) and the writes of two transitions of one
 *   interception never interleave.
 */
import { and, asc, desc, eq, getTableColumns, isNull, sql } from "drizzle-orm";
import type pg from "pg";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { holdsFreeRedirect } from "../../domain/cost.ts";
import { isFinal } from "../../domain/status.ts";
import { createdEventTypes, statusEventTypes } from "../../webhooks/events.ts";
import { transitionColumns } from "../applied-transition.ts";
import { listConditions } from "../interception-filter.ts";
import {
  IdempotencyConflictError,
  type InterceptionEventRecord,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionRepository,
  type InterceptionTransition,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
  type TransitionResult,
} from "../store.ts";
import { violatesUnique } from "./errors.ts";
import { completeKey, insertClaim, keyNamed } from "./idempotency.ts";
import type { PgJobQueue } from "./job-queue.ts";
import { pgLedgerAndLocks } from "./ledger-and-locks.ts";
import {
  idempotencyKeysTable,
  interceptionEventsTable,
  interceptionsTable,
  parcelOwnersTable,
} from "./schema.ts";
import { inTransaction, type PgDb } from "./transaction.ts";
import { recordWebhooks } from "./webhooks.ts";

/**
 * The class of the advisory locks on an order's redirects (the bytes of "IGWR"), in the two-int
 * key space; the second int is a hash of merchant and order. A hash collision only makes two
 * orders wait for each other.
 */
const orderRedirectsLockClass = 0x4947_5752;

/**
 * An interception's events, oldest first, as a JSON array: read in the row's own statement. Written
 * out with an alias, as drizzle leaves the columns of a one-table select unqualified.
 */
const eventsOfRow = sql<InterceptionEventRecord[]>`coalesce((
  select json_agg(json_build_object(
    'at', e.at, 'status', e.status, 'detail', e.detail, 'carrierEventId', e.carrier_event_id,
    'actor', json_build_object('type', e.actor_type, 'id', e.actor_id)
  ) order by e.id)
  from ${interceptionEventsTable} e
  where e.interception_id = ${interceptionsTable}.id
), '[]'::json)`;

/** A row with its history in one statement, so both come from one snapshot. */
const withEvents = { ...getTableColumns(interceptionsTable), events: eventsOfRow };

export function pgInterceptionRepository(
  pool: pg.Pool,
  db: PgDb,
  queue: PgJobQueue,
): InterceptionRepository {
  const readOne = async (id: string, merchantId: string | null) => {
    const [row] = await db
      .select(withEvents)
      .from(interceptionsTable)
      .where(
        and(
          eq(interceptionsTable.id, id),
          merchantId === null ? undefined : eq(interceptionsTable.merchantId, merchantId),
        ),
      );
    return row ?? null;
  };

  return {
    ...pgLedgerAndLocks(db),

    insert(input) {
      const { interception, event, job, idempotency, assumedFreeRedirects } = input;
      const { carrier, trackingNumber, merchantId } = interception;
      return inTransaction(pool, async ({ db: tx, client }) => {
        if (idempotency?.claim && !(await insertClaim(tx, idempotency.claim))) {
          throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
        }
        // Checked before the parcel's open interception, so another merchant never learns
        // that one is under way.
        const confirmed = interception.parcelState !== "unknown";
        if (!(await bindOrCheckOwner(tx, interception, confirmed, interception.createdAt))) {
          throw new ParcelOfAnotherMerchantError(carrier, trackingNumber);
        }
        if (assumedFreeRedirects !== undefined) {
          await tx.execute(
            sql`select pg_advisory_xact_lock(${orderRedirectsLockClass}::int, hashtext(${merchantId}::text || ':' || ${interception.orderId}::text))`,
          );
          const redirects = await redirectsOf(tx, merchantId, interception.orderId);
          if (redirects.filter(holdsFreeRedirect).length !== assumedFreeRedirects) {
            throw new OrderRedirectsChangedError(merchantId, interception.orderId);
          }
        }
        try {
          await tx.insert(interceptionsTable).values(interception);
        } catch (error) {
          if (violatesUnique(error, "interceptions_one_open_per_merchant_parcel")) {
            throw new ParcelBusyError(carrier, trackingNumber);
          }
          throw error;
        }
        await tx.insert(interceptionEventsTable).values(eventColumns(interception.id, event));
        await recordWebhooks(tx, {
          merchantId,
          types: createdEventTypes(interception.status),
          record: () => ({ ...interception, events: [event] }),
          at: interception.createdAt,
        });
        if (job) {
          await queue.enqueue(client, job, carrier);
        }
        if (idempotency) {
          // Only a key nobody linked yet: if a takeover already stored its interception, storing
          // this one too would intercept the parcel twice.
          const linked = await tx
            .update(idempotencyKeysTable)
            .set({ interceptionId: interception.id })
            .where(
              and(
                keyNamed(idempotency.merchantId, idempotency.key),
                isNull(idempotencyKeysTable.interceptionId),
              ),
            );
          if (linked.rowCount !== 1) {
            throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
          }
        }
      });
    },

    parcelOwner(carrier: CarrierId, trackingNumber: string) {
      return ownerOf(db, carrier, trackingNumber);
    },

    get(merchantId: string, id: string) {
      return readOne(id, merchantId);
    },

    getById(id: string) {
      return readOne(id, null);
    },

    async list(merchantId: string, filter: InterceptionFilter, page) {
      if (page.limit <= 0) {
        return [];
      }
      const conditions = listConditions(interceptionsTable, merchantId, filter, page.before);
      // The page and its events in one statement: one snapshot, one round trip.
      return db
        .select(withEvents)
        .from(interceptionsTable)
        .where(and(...conditions))
        .orderBy(desc(interceptionsTable.id))
        .limit(page.limit);
    },

    findForParcel(merchantId: string | null, carrier: CarrierId, trackingNumber: string) {
      return db
        .select()
        .from(interceptionsTable)
        .where(
          and(
            eq(interceptionsTable.carrier, carrier),
            eq(interceptionsTable.trackingNumber, trackingNumber),
            merchantId === null ? undefined : eq(interceptionsTable.merchantId, merchantId),
          ),
        )
        .orderBy(asc(interceptionsTable.id));
    },

    redirectsOfOrder(merchantId: string, orderId: string) {
      return redirectsOf(db, merchantId, orderId);
    },

    transition(id: string, transition: InterceptionTransition) {
      return inTransaction(pool, async ({ db: tx, client }): Promise<TransitionResult> => {
        const [row] = await tx
          .select({
            status: interceptionsTable.status,
            action: interceptionsTable.action,
            merchantId: interceptionsTable.merchantId,
            carrier: interceptionsTable.carrier,
            trackingNumber: interceptionsTable.trackingNumber,
          })
          .from(interceptionsTable)
          .where(eq(interceptionsTable.id, id))
          .for("update");
        if (!row) {
          return "not_found";
        }
        if (!transition.from.includes(row.status)) {
          return "status_mismatch";
        }
        const carrierEventId = transition.event.carrierEventId ?? null;
        if (carrierEventId !== null && (await hasCarrierEvent(tx, id, carrierEventId))) {
          return "duplicate_event";
        }
        const scheduled = transition.scheduleJob;
        // One job of a kind per interception: a second would be the same work twice.
        if (
          scheduled !== undefined &&
          (await queue.hasOpenJob(client, id, scheduled.kind, transition.completeJobId ?? null))
        ) {
          return "job_exists";
        }
        // Last of the checks: binding writes, so it comes once nothing else can refuse the update.
        if (
          transition.bindParcel &&
          !(await bindOrCheckOwner(tx, row, true, transition.event.at))
        ) {
          return "parcel_of_another_merchant";
        }
        const columns = transitionColumns(row, transition);
        const { status } = columns;
        // The status guard is repeated in the UPDATE, so the write is conditional on its own.
        const updated = await tx
          .update(interceptionsTable)
          .set(columns)
          .where(and(eq(interceptionsTable.id, id), eq(interceptionsTable.status, row.status)));
        if (updated.rowCount !== 1) {
          return "status_mismatch";
        }
        await tx.insert(interceptionEventsTable).values(
          eventColumns(id, {
            at: transition.event.at,
            status,
            detail: transition.event.detail,
            carrierEventId,
            actor: transition.event.actor,
          }),
        );
        await recordWebhooks(tx, {
          merchantId: row.merchantId,
          types: statusEventTypes(row.status, status),
          // The interception as GET would now answer it, read in this transaction.
          record: async () => {
            const [changed] = await tx
              .select(withEvents)
              .from(interceptionsTable)
              .where(eq(interceptionsTable.id, id));
            if (!changed) {
              throw new Error(`interception ${id} vanished inside its own transition`);
            }
            return changed;
          },
          at: transition.event.at,
        });
        if (isFinal(status)) {
          // Decided: whatever jobs are left (a poll beside a cancel, say) have nothing to do.
          await queue.removeAllFor(client, id);
        } else if (transition.completeJobId !== undefined) {
          await queue.remove(client, id, transition.completeJobId);
        }
        if (scheduled) {
          await queue.enqueue(client, scheduled, row.carrier);
        }
        if (transition.completeIdempotency) {
          // The request's answer commits with the outcome it reports.
          await completeKey(tx, transition.completeIdempotency);
        }
        return "applied";
      });
    },
  };
}

/**
 * Inside a transaction: whether the parcel may be the merchant's, binding it to them when `bind`
 * (the carrier confirmed the parcel) and nobody has it yet. False when another merchant has it.
 */
export async function bindOrCheckOwner(
  tx: PgDb,
  parcel: Pick<InterceptionRecord, "carrier" | "trackingNumber" | "merchantId">,
  bind: boolean,
  at: string,
): Promise<boolean> {
  const { carrier, trackingNumber, merchantId } = parcel;
  if (bind) {
    // The first merchant to bind a parcel keeps it; a concurrent binder waits for this insert's
    // transaction and then reads its owner below.
    const bound = await tx
      .insert(parcelOwnersTable)
      .values({ carrier, trackingNumber, merchantId, boundAt: at })
      .onConflictDoNothing()
      .returning({ merchantId: parcelOwnersTable.merchantId });
    if (bound.length === 1) {
      return true;
    }
  }
  const owner = await ownerOf(tx, carrier, trackingNumber);
  return owner === null || owner === merchantId;
}

/** The id of the merchant a parcel is bound to, or null. */
async function ownerOf(reader: PgDb, carrier: CarrierId, trackingNumber: string) {
  const [row] = await reader
    .select({ merchantId: parcelOwnersTable.merchantId })
    .from(parcelOwnersTable)
    .where(
      and(
        eq(parcelOwnersTable.carrier, carrier),
        eq(parcelOwnersTable.trackingNumber, trackingNumber),
      ),
    );
  return row?.merchantId ?? null;
}

/** The merchant's redirects of one order, oldest first (for the order's free redirect). */
function redirectsOf(reader: PgDb, merchantId: string, orderId: string) {
  return reader
    .select({
      id: interceptionsTable.id,
      status: interceptionsTable.status,
      cost: interceptionsTable.cost,
    })
    .from(interceptionsTable)
    .where(
      and(
        eq(interceptionsTable.merchantId, merchantId),
        eq(interceptionsTable.orderId, orderId),
        eq(interceptionsTable.action, "redirect"),
      ),
    )
    .orderBy(asc(interceptionsTable.id));
}

async function hasCarrierEvent(tx: PgDb, id: string, carrierEventId: string): Promise<boolean> {
  const rows = await tx
    .select({ id: interceptionEventsTable.id })
    .from(interceptionEventsTable)
    .where(
      and(
        eq(interceptionEventsTable.interceptionId, id),
        eq(interceptionEventsTable.carrierEventId, carrierEventId),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** An event's columns: its actor in two. */
function eventColumns(interceptionId: string, event: InterceptionEventRecord) {
  const { actor, ...rest } = event;
  return { interceptionId, ...rest, actorType: actor.type, actorId: actor.id };
}
