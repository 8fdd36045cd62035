/** `MetaRepository` on PostgreSQL: the database's own facts (gateway_meta). */
import { eq } from "drizzle-orm";
import type pg from "pg";
import type { GatewayMode, MetaRepository } from "../store.ts";
import { gatewayMetaTable } from "./schema.ts";
import { autocommit, type PgDb } from "./transaction.ts";

export function pgMetaRepository(pool: pg.Pool, db: PgDb): MetaRepository {
  return {
    async claimMode(mode: GatewayMode): Promise<GatewayMode> {
      // ON CONFLICT DO NOTHING decides between instances starting together: the first insert
      // wins, the others wait for its transaction, then read the mode it recorded.
      await autocommit(pool, () =>
        db.insert(gatewayMetaTable).values({ key: "mode", value: mode }).onConflictDoNothing(),
      );
      const [row] = await db
        .select({ value: gatewayMetaTable.value })
        .from(gatewayMetaTable)
        .where(eq(gatewayMetaTable.key, "mode"));
      const recorded = row?.value;
      if (recorded !== "demo" && recorded !== "live") {
        throw new Error(`gateway_meta holds an unknown mode ${JSON.stringify(recorded)}.`);
      }
      return recorded;
    },
  };
}
