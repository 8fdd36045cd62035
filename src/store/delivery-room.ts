/**
 * Which due deliveries a worker may take, the same on every store: oldest due first, at most
 * `room.total` in all and, per endpoint, what `room.perEndpoint` leaves beside the worker's
 * deliveries to it still in flight. So one dead or slow endpoint holds at most its own share of
 * the worker's slots, and the others' deliveries never wait behind its timeouts. Also the
 * conditions of a delivery's lease, for either dialect's deliveries table.
 *
 * A holder's record of an attempt is fenced by its lease: it changes the delivery only while the
 * row's `lease_until` is still the one the holder took, so a holder whose lease lapsed and was
 * taken over changes nothing. Each store writes that comparison in its own dialect (NULL-safe:
 * SQLite's `IS`, PostgreSQL's `IS NOT DISTINCT FROM`), for a whole batch of attempts at once.
 */
import {
  type AnyColumn,
  and,
  eq,
  isNull,
  lte,
  or,
  type Placeholder,
  type SQL,
  sql,
} from "drizzle-orm";
import type { DeliveryAttempt, DeliveryRoom, WebhookDeliveryStatus } from "./webhook-records.ts";

/** The deliveries table's columns the lease conditions read. */
interface LeaseColumns {
  status: AnyColumn;
  nextAttemptAt: AnyColumn;
  leaseUntil: AnyColumn;
}

/** A time: a value, or a placeholder of a statement prepared once. */
type At = string | Placeholder;

/** Nobody holds the delivery: never leased, or its lease lapsed by `now`. */
export function leaseIsFree(table: LeaseColumns, now: At): SQL {
  return or(isNull(table.leaseUntil), lte(table.leaseUntil, now)) ?? sql`1 = 1`;
}

/**
 * Leasable now: pending, due and free. Checked again under the write lock on the candidates a
 * claim read, since another connection may have leased some meanwhile.
 */
export function leasable(table: LeaseColumns, now: At): SQL {
  return (
    and(eq(table.status, "pending"), lte(table.nextAttemptAt, now), leaseIsFree(table, now)) ??
    sql`1 = 0`
  );
}

/** A due delivery, with its rank among its endpoint's due deliveries (1 = the oldest). */
export interface DueCandidate {
  id: string;
  endpointId: string;
  rank: number;
}

/**
 * Ranks due deliveries within their endpoint (1 = the oldest), given each endpoint's oldest due
 * ones in oldest-due-first order across endpoints.
 */
export function rankedByEndpoint(
  rows: readonly { id: string; endpointId: string }[],
): DueCandidate[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const rank = (seen.get(row.endpointId) ?? 0) + 1;
    seen.set(row.endpointId, rank);
    return { id: row.id, endpointId: row.endpointId, rank };
  });
}

/** The candidates to lease, given in oldest-due-first order. */
export function pickWithinRoom(candidates: readonly DueCandidate[], room: DeliveryRoom): string[] {
  const picked: string[] = [];
  for (const candidate of candidates) {
    if (picked.length >= room.total) {
      break;
    }
    const free = room.perEndpoint - (room.inFlight.get(candidate.endpointId) ?? 0);
    if (candidate.rank <= free) {
      picked.push(candidate.id);
    }
  }
  return picked;
}

/** The columns one attempt writes besides `attempts + 1`: delivered, pending again, or failed. */
export function attemptColumns(attempt: DeliveryAttempt) {
  const status: WebhookDeliveryStatus = attempt.delivered
    ? "delivered"
    : attempt.nextAttemptAt === null
      ? "failed"
      : "pending";
  return {
    status,
    lastStatusCode: attempt.statusCode,
    lastError: attempt.error,
    nextAttemptAt: status === "pending" ? attempt.nextAttemptAt : null,
    leaseUntil: null,
  };
}

/** What a pending delivery of a deleted endpoint becomes. */
export const failedAsDeleted = {
  status: "failed",
  lastError: "The endpoint was deleted.",
  nextAttemptAt: null,
} as const;
