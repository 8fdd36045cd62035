/** `MerchantRepository` on PostgreSQL: merchants and their API keys. */
import { and, eq, sql } from "drizzle-orm";
import type pg from "pg";
import type { ApiKeyRecord, MerchantRecord, MerchantRepository } from "../store.ts";
import { withDriverErrors } from "./errors.ts";
import { apiKeysTable, merchantsTable } from "./schema.ts";
import { autocommit, type PgDb } from "./transaction.ts";

export function pgMerchantRepository(pool: pg.Pool, db: PgDb): MerchantRepository {
  return {
    async create(merchant: MerchantRecord) {
      await autocommit(pool, () =>
        withDriverErrors(() => db.insert(merchantsTable).values(merchant)),
      );
    },

    async get(id: string) {
      const [row] = await db.select().from(merchantsTable).where(eq(merchantsTable.id, id));
      return row ?? null;
    },

    async createApiKey(key: ApiKeyRecord) {
      // A second key with the same hash, or one of no merchant, fails on its constraint.
      await autocommit(pool, () => withDriverErrors(() => db.insert(apiKeysTable).values(key)));
    },

    async getApiKeyWithMerchant(id: string) {
      const [row] = await db
        .select({ key: apiKeysTable, merchant: merchantsTable })
        .from(apiKeysTable)
        .innerJoin(merchantsTable, eq(merchantsTable.id, apiKeysTable.merchantId))
        .where(eq(apiKeysTable.id, id));
      return row ?? null;
    },

    async revokeApiKey(merchantId: string, keyId: string, at: string) {
      // Revoking twice keeps the first time: that is when the key stopped being trusted.
      const result = await autocommit(pool, () =>
        db
          .update(apiKeysTable)
          .set({ revokedAt: sql`coalesce(${apiKeysTable.revokedAt}, ${at})` })
          .where(and(eq(apiKeysTable.id, keyId), eq(apiKeysTable.merchantId, merchantId))),
      );
      return (result.rowCount ?? 0) > 0;
    },
  };
}
