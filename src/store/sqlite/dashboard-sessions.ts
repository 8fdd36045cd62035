/** `DashboardSessionRepository` on SQLite. */
import { and, eq, inArray, lt, lte, or, sql } from "drizzle-orm";
import { apiKeysTable, dashboardSessionsTable, merchantsTable } from "../schema.ts";
import type { DashboardSessionRecord, DashboardSessionRepository } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";

export function sqliteDashboardSessions({
  db,
  read,
  write,
}: SqliteConnection): DashboardSessionRepository {
  // Every dashboard request reads it: compiled once.
  const sessionWithKey = db
    .select({
      session: dashboardSessionsTable,
      merchant: merchantsTable,
      keyRevokedAt: apiKeysTable.revokedAt,
    })
    .from(dashboardSessionsTable)
    .innerJoin(merchantsTable, eq(merchantsTable.id, dashboardSessionsTable.merchantId))
    .innerJoin(apiKeysTable, eq(apiKeysTable.id, dashboardSessionsTable.apiKeyId))
    .where(eq(dashboardSessionsTable.tokenHash, sql.placeholder("tokenHash")))
    .prepare();

  return {
    create(session: DashboardSessionRecord) {
      return write(() => {
        db.insert(dashboardSessionsTable).values(session).run();
      });
    },

    get(tokenHash: string) {
      return read(() => sessionWithKey.get({ tokenHash }) ?? null);
    },

    touch(tokenHash: string, at: string) {
      return write(() => {
        db.update(dashboardSessionsTable)
          .set({ lastSeenAt: at })
          .where(
            and(
              eq(dashboardSessionsTable.tokenHash, tokenHash),
              lt(dashboardSessionsTable.lastSeenAt, at),
            ),
          )
          .run();
      });
    },

    delete(tokenHash: string) {
      return write(() => {
        db.delete(dashboardSessionsTable)
          .where(eq(dashboardSessionsTable.tokenHash, tokenHash))
          .run();
      });
    },

    deleteEnded({ now, idleSince, limit }) {
      return write(() => {
        const ended = db
          .select({ tokenHash: dashboardSessionsTable.tokenHash })
          .from(dashboardSessionsTable)
          .where(
            or(
              lte(dashboardSessionsTable.expiresAt, now),
              lt(dashboardSessionsTable.lastSeenAt, idleSince),
            ),
          )
          .limit(limit);
        return db
          .delete(dashboardSessionsTable)
          .where(inArray(dashboardSessionsTable.tokenHash, ended))
          .run().changes;
      });
    },
  };
}
