/** The cost ledger's and bulk release's reads on PostgreSQL (see ../ledger-and-locks.ts). */
import { and, asc } from "drizzle-orm";
import {
  costLineConditions,
  lockConditions,
  lockedAt,
  lockedBeforeCondition,
  lockedEventsOf,
} from "../ledger-and-locks.ts";
import type { InterceptionRepository } from "../store.ts";
import { interceptionEventsTable, interceptionsTable } from "./schema.ts";
import type { PgDb } from "./transaction.ts";

export function pgLedgerAndLocks(db: PgDb): Pick<InterceptionRepository, "costLines" | "lockedOf"> {
  const table = interceptionsTable;
  return {
    async costLines(merchantId, range, page) {
      if (page.limit <= 0) {
        return [];
      }
      return db
        .select({
          id: table.id,
          carrier: table.carrier,
          cost: table.cost,
          createdAt: table.createdAt,
        })
        .from(table)
        .where(and(...costLineConditions(table, merchantId, range, page.after)))
        .orderBy(asc(table.createdAt), asc(table.id))
        .limit(page.limit);
    },

    async lockedOf(merchantId, criteria, limit) {
      if (limit <= 0) {
        return [];
      }
      const events = interceptionEventsTable;
      const since = lockedAt(events);
      return db
        .select({ id: table.id, orderId: table.orderId, lockedAt: since })
        .from(table)
        .innerJoin(events, lockedEventsOf(table, events))
        .where(and(...lockConditions(table, merchantId, criteria)))
        .groupBy(table.id)
        .having(lockedBeforeCondition(events, criteria))
        .orderBy(asc(since), asc(table.id))
        .limit(limit);
    },
  };
}
