/**
 * The store contract (test/store/contract) on SQLite: in memory, as the route tests use it, and on
 * a file, where a second connection stands in for a second instance.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import { describeStoreContract } from "./contract/index.ts";

describeStoreContract("SQLite in memory", async () => {
  const store = openSqliteStore({ path: ":memory:" });
  return { store, connectAnother: null, dispose: () => store.close() };
});

describeStoreContract("SQLite on a file", async () => {
  const directory = mkdtempSync(join(tmpdir(), "store-contract-"));
  const path = join(directory, "gateway.db");
  const store = openSqliteStore({ path });
  return {
    store,
    connectAnother: async () => openSqliteStore({ path }),
    async dispose() {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});
