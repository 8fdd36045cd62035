/** `MetaRepository` on SQLite: the database's own facts, one row per key in gateway_meta. */
import { eq } from "drizzle-orm";
import { gatewayMetaTable } from "../schema.ts";
import type { GatewayMode, MetaRepository } from "../store.ts";
import type { SqliteConnection } from "./connection.ts";

export function sqliteMeta({ db, write }: SqliteConnection): MetaRepository {
  return {
    claimMode(mode: GatewayMode) {
      return write((): GatewayMode => {
        db.insert(gatewayMetaTable)
          .values({ key: "mode", value: mode })
          .onConflictDoNothing()
          .run();
        const recorded = db
          .select({ value: gatewayMetaTable.value })
          .from(gatewayMetaTable)
          .where(eq(gatewayMetaTable.key, "mode"))
          .get()?.value;
        if (recorded !== "demo" && recorded !== "live") {
          throw new Error(`gateway_meta holds an unknown mode ${JSON.stringify(recorded)}.`);
        }
        return recorded;
      });
    },
  };
}
