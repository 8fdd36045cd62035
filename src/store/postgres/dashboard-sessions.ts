/** `DashboardSessionRepository` on PostgreSQL. */
import { and, eq, inArray, lt, lte, or } from "drizzle-orm";
import type pg from "pg";
import type { DashboardSessionRecord, DashboardSessionRepository } from "../store.ts";
import { withDriverErrors } from "./errors.ts";
import { apiKeysTable, dashboardSessionsTable, merchantsTable } from "./schema.ts";
import { autocommit, type PgDb } from "./transaction.ts";

export function pgDashboardSessionRepository(pool: pg.Pool, db: PgDb): DashboardSessionRepository {
  return {
    async create(session: DashboardSessionRecord) {
      await autocommit(pool, () =>
        withDriverErrors(() => db.insert(dashboardSessionsTable).values(session)),
      );
    },

    async get(tokenHash: string) {
      const [row] = await db
        .select({
          session: dashboardSessionsTable,
          merchant: merchantsTable,
          keyRevokedAt: apiKeysTable.revokedAt,
        })
        .from(dashboardSessionsTable)
        .innerJoin(merchantsTable, eq(merchantsTable.id, dashboardSessionsTable.merchantId))
        .innerJoin(apiKeysTable, eq(apiKeysTable.id, dashboardSessionsTable.apiKeyId))
        .where(eq(dashboardSessionsTable.tokenHash, tokenHash));
      return row ?? null;
    },

    async touch(tokenHash: string, at: string) {
      await autocommit(pool, () =>
        db
          .update(dashboardSessionsTable)
          .set({ lastSeenAt: at })
          .where(
            and(
              eq(dashboardSessionsTable.tokenHash, tokenHash),
              lt(dashboardSessionsTable.lastSeenAt, at),
            ),
          ),
      );
    },

    async delete(tokenHash: string) {
      await autocommit(pool, () =>
        db.delete(dashboardSessionsTable).where(eq(dashboardSessionsTable.tokenHash, tokenHash)),
      );
    },

    async deleteEnded({ now, idleSince, limit }) {
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
      const result = await autocommit(pool, () =>
        db.delete(dashboardSessionsTable).where(inArray(dashboardSessionsTable.tokenHash, ended)),
      );
      return result.rowCount ?? 0;
    },
  };
}
