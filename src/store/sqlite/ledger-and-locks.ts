/** The cost ledger's and bulk release's reads on SQLite (see ../ledger-and-locks.ts). */
import { and, asc } from "drizzle-orm";
import {
  costLineConditions,
  lockConditions,
  lockedAt,
  lockedBeforeCondition,
  lockedEventsOf,
} from "../ledger-and-locks.ts";
import { interceptionEventsTable, interceptionsTable } from "../schema.ts";
import type { InterceptionRepository } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";

export function sqliteLedgerAndLocks({
  db,
  read,
}: SqliteConnection): Pick<InterceptionRepository, "costLines" | "lockedOf"> {
  const table = interceptionsTable;
  return {
    costLines(merchantId, range, page) {
      if (page.limit <= 0) {
        // SQLite reads LIMIT -1 as "no limit"; an empty page is what the caller asked for.
        return Promise.resolve([]);
      }
      return read(() =>
        db
          .select({
            id: table.id,
            carrier: table.carrier,
            cost: table.cost,
            createdAt: table.createdAt,
          })
          .from(table)
          .where(and(...costLineConditions(table, merchantId, range, page.after)))
          .orderBy(asc(table.createdAt), asc(table.id))
          .limit(page.limit)
          .all(),
      );
    },

    lockedOf(merchantId, criteria, limit) {
      if (limit <= 0) {
        return Promise.resolve([]);
      }
      const events = interceptionEventsTable;
      const since = lockedAt(events);
      return read(() =>
        db
          .select({ id: table.id, orderId: table.orderId, lockedAt: since })
          .from(table)
          .innerJoin(events, lockedEventsOf(table, events))
          .where(and(...lockConditions(table, merchantId, criteria)))
          .groupBy(table.id)
          .having(lockedBeforeCondition(events, criteria))
          .orderBy(asc(since), asc(table.id))
          .limit(limit)
          .all(),
      );
    },
  };
}
