/** `MerchantRepository` on SQLite: merchants and their API keys. */
import { and, eq, sql } from "drizzle-orm";
import { apiKeysTable, merchantsTable } from "../schema.ts";
import type { ApiKeyRecord, MerchantRecord, MerchantRepository } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";

export function sqliteMerchants({ db, read, write }: SqliteConnection): MerchantRepository {
  // Every authenticated request reads these two: compiled once, as building each query through
  // drizzle per call was a third of the intercept path's CPU in the benchmark's profile.
  const merchantById = db
    .select()
    .from(merchantsTable)
    .where(eq(merchantsTable.id, sql.placeholder("id")))
    .prepare();
  const apiKeyWithMerchant = db
    .select({ key: apiKeysTable, merchant: merchantsTable })
    .from(apiKeysTable)
    .innerJoin(merchantsTable, eq(merchantsTable.id, apiKeysTable.merchantId))
    .where(eq(apiKeysTable.id, sql.placeholder("id")))
    .prepare();

  return {
    create(merchant: MerchantRecord) {
      return write(() => {
        db.insert(merchantsTable).values(merchant).run();
      });
    },

    get(id: string) {
      return read(() => merchantById.get({ id }) ?? null);
    },

    createApiKey(key: ApiKeyRecord) {
      return write(() => {
        db.insert(apiKeysTable).values(key).run();
      });
    },

    getApiKeyWithMerchant(id: string) {
      return read(() => apiKeyWithMerchant.get({ id }) ?? null);
    },

    revokeApiKey(merchantId: string, keyId: string, at: string) {
      return write(() => {
        // Revoking twice keeps the first time: that is when the key stopped being trusted.
        const result = db
          .update(apiKeysTable)
          .set({ revokedAt: sql`coalesce(${apiKeysTable.revokedAt}, ${at})` })
          .where(and(eq(apiKeysTable.id, keyId), eq(apiKeysTable.merchantId, merchantId)))
          .run();
        return result.changes > 0;
      });
    },
  };
}
