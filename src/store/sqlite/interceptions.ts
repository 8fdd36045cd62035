/**
 * `InterceptionRepository` on SQLite: interceptions with their events, the parcels' owners, and
 * the jobs each change owes, enqueued in that change's transaction (the outbox rule).
 */
import { and, desc } from "drizzle-orm";
import type { CarrierId } from "../../../contracts/carrier-adapter.ts";
import { holdsFreeRedirect } from "../../domain/cost.ts";
import { isFinal } from "../../domain/status.ts";
import { createdEventTypes, statusEventTypes } from "../../webhooks/events.ts";
import { transitionColumns } from "../applied-transition.ts";
import { listConditions } from "../interception-filter.ts";
import { interceptionsTable } from "../schema.ts";
import {
  IdempotencyConflictError,
  type InterceptionFilter,
  type InterceptionRecord,
  type InterceptionRepository,
  type InterceptionTransition,
  type InterceptionWithEvents,
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
  type TransitionResult,
} from "../store.ts";
import type { SqliteConnection } from "./connection.ts";
import type { KeyStatements } from "./idempotency.ts";
import {
  encodeColumns,
  eventColumns,
  interceptionReads,
  interceptionWrites,
  loadEvents,
  toEventRecord,
  transitionUpdates,
} from "./interception-statements.ts";
import { sqliteLedgerAndLocks } from "./ledger-and-locks.ts";
import type { WebhookOutbox } from "./webhooks.ts";

export function sqliteInterceptions(
  connection: SqliteConnection,
  keys: KeyStatements,
  webhooks: WebhookOutbox,
): InterceptionRepository {
  const { sqlite, db, read, write } = connection;
  const reads = interceptionReads(db);
  const writes = interceptionWrites(db);
  const transitionUpdate = transitionUpdates(db);

  /**
   * Inside a write: whether the parcel may be the merchant's, binding it to them when `bind`
   * (the carrier confirmed the parcel) and nobody has it yet. False when another merchant has it.
   */
  const bindOrCheckOwner = (
    parcel: Pick<InterceptionRecord, "carrier" | "trackingNumber" | "merchantId">,
    bind: boolean,
    at: string,
  ): boolean => {
    const { carrier, trackingNumber, merchantId } = parcel;
    const owner = reads.parcelOwner.get({ carrier, trackingNumber })?.merchantId;
    if (owner === undefined && bind) {
      writes.bindParcel.run({ carrier, trackingNumber, merchantId, boundAt: at });
      return true;
    }
    return owner === undefined || owner === merchantId;
  };

  /** How many of the merchant's redirects of the order hold a free one (DOMAIN.md "Redirect"). */
  const freeRedirectsOf = (merchantId: string, orderId: string): number =>
    reads.orderRedirects.all({ merchantId, orderId }).filter(holdsFreeRedirect).length;

  /**
   * One interception and its history, read in one snapshot; `merchantId` null for any. The
   * transaction function is made once: making one per call was 5 % of a GET.
   */
  // The prepared statements run on the same connection, so inside this read transaction.
  const readOne = sqlite.transaction(
    (id: string, merchantId: string | null): InterceptionWithEvents | null => {
      const row = reads.interceptionById.get({ id });
      if (!row || (merchantId !== null && row.merchantId !== merchantId)) {
        return null;
      }
      return { ...row, events: reads.eventsOf.all({ id }).map(toEventRecord) };
    },
  );

  return {
    ...sqliteLedgerAndLocks(connection),

    insert(input) {
      const { interception, event, job, idempotency, assumedFreeRedirects } = input;
      return write(() => {
        if (idempotency?.claim && !keys.claimKey.get(idempotency.claim)) {
          throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
        }
        // Checked before the parcel's open interception, so another merchant never learns
        // that one is under way.
        const { carrier, trackingNumber, merchantId } = interception;
        const confirmed = interception.parcelState !== "unknown";
        if (!bindOrCheckOwner(interception, confirmed, interception.createdAt)) {
          throw new ParcelOfAnotherMerchantError(carrier, trackingNumber);
        }
        // Counted in this transaction, so that of two redirects of one order stored at the same
        // moment only one can have assumed the free one is left.
        if (
          assumedFreeRedirects !== undefined &&
          freeRedirectsOf(merchantId, interception.orderId) !== assumedFreeRedirects
        ) {
          throw new OrderRedirectsChangedError(merchantId, interception.orderId);
        }
        const inserted = writes.insertInterception.run({
          ...interception,
          ...encodeColumns({ redirectTo: interception.redirectTo, failure: interception.failure }),
        });
        if (inserted.changes === 0) {
          // Throwing undoes this write's claim and binding with it.
          throw new ParcelBusyError(carrier, trackingNumber);
        }
        writes.insertEvent.run(eventColumns(interception.id, event));
        webhooks({
          merchantId,
          types: createdEventTypes(interception.status),
          record: () => ({ ...interception, events: [event] }),
          at: interception.createdAt,
        });
        if (job) {
          writes.insertJob.run({ ...job });
        }
        if (idempotency) {
          const linked = keys.linkKey.run({ ...idempotency, interceptionId: interception.id });
          if (linked.changes !== 1) {
            throw new IdempotencyConflictError(idempotency.merchantId, idempotency.key);
          }
        }
      });
    },

    parcelOwner(carrier: CarrierId, trackingNumber: string) {
      return read(() => reads.parcelOwner.get({ carrier, trackingNumber })?.merchantId ?? null);
    },

    get(merchantId: string, id: string) {
      return read(() => readOne(id, merchantId));
    },

    getById(id: string) {
      return read(() => readOne(id, null));
    },

    list(
      merchantId: string,
      filter: InterceptionFilter,
      page: { limit: number; before?: string },
    ): Promise<InterceptionWithEvents[]> {
      if (page.limit <= 0) {
        // SQLite reads LIMIT -1 as "no limit"; an empty page is what the caller asked for.
        return Promise.resolve([]);
      }
      const conditions = listConditions(interceptionsTable, merchantId, filter, page.before);
      // One read transaction so the page and its events come from the same snapshot.
      const readPage = () =>
        db.transaction((tx) => {
          const rows = tx
            .select()
            .from(interceptionsTable)
            .where(and(...conditions))
            .orderBy(desc(interceptionsTable.id))
            .limit(page.limit)
            .all();
          const events = loadEvents(
            tx,
            rows.map((row) => row.id),
          );
          return rows.map((row) => ({ ...row, events: events.get(row.id) ?? [] }));
        });
      return read(readPage);
    },

    async findForParcel(merchantId: string | null, carrier: CarrierId, trackingNumber: string) {
      const rows = await read(() => reads.parcelInterceptions.all({ carrier, trackingNumber }));
      return merchantId === null ? rows : rows.filter((row) => row.merchantId === merchantId);
    },

    redirectsOfOrder(merchantId: string, orderId: string) {
      return read(() => reads.orderRedirects.all({ merchantId, orderId }));
    },

    transition(id: string, transition: InterceptionTransition) {
      return write((): TransitionResult => {
        const row = reads.statusOf.get({ id });
        if (!row) {
          return "not_found";
        }
        if (!transition.from.includes(row.status)) {
          return "status_mismatch";
        }
        const carrierEventId = transition.event.carrierEventId ?? null;
        if (carrierEventId !== null && reads.carrierEvent.get({ id, carrierEventId })) {
          return "duplicate_event";
        }
        const scheduled = transition.scheduleJob;
        // One job of a kind per interception: a second would be the same work twice.
        const sameWork =
          scheduled !== undefined &&
          reads.otherJobOfKind.get({
            id,
            kind: scheduled.kind,
            except: transition.completeJobId ?? null,
          });
        if (sameWork) {
          return "job_exists";
        }
        // Last of the checks: binding writes, so it comes once nothing else can refuse the update.
        if (transition.bindParcel) {
          const parcel = reads.interceptionById.get({ id });
          if (parcel && !bindOrCheckOwner(parcel, true, transition.event.at)) {
            return "parcel_of_another_merchant";
          }
        }
        const columns = transitionColumns(row, transition);
        const { status } = columns;
        // The status guard is repeated in the UPDATE so the write is conditional on its own,
        // whatever isolation a future backend gives the read above.
        const patch = encodeColumns(columns);
        const updated = transitionUpdate(Object.keys(patch)).run({
          ...patch,
          id,
          fromStatus: row.status,
        });
        if (updated.changes !== 1) {
          return "status_mismatch";
        }
        writes.insertEvent.run(
          eventColumns(id, {
            at: transition.event.at,
            status,
            detail: transition.event.detail,
            carrierEventId,
            actor: transition.event.actor,
          }),
        );
        webhooks({
          merchantId: row.merchantId,
          types: statusEventTypes(row.status, status),
          // The interception as GET would now answer it, read inside this write.
          record: () => {
            const changed = readOne(id, null);
            if (!changed) {
              throw new Error(`interception ${id} vanished inside its own transition`);
            }
            return changed;
          },
          at: transition.event.at,
        });
        if (isFinal(status)) {
          // Decided: whatever jobs are left (a poll beside a cancel, say) have nothing to do.
          writes.deleteJobsOf.run({ interceptionId: id });
        } else if (transition.completeJobId !== undefined) {
          writes.deleteJobOf.run({ id: transition.completeJobId, interceptionId: id });
        }
        if (transition.scheduleJob) {
          writes.insertJob.run({ ...transition.scheduleJob });
        }
        if (transition.completeIdempotency) {
          keys.completeKey.run(transition.completeIdempotency);
        }
        return "applied";
      });
    },
  };
}
