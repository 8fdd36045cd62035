/**
 * The store contract (test/store/contract) on PostgreSQL: one database for this file, emptied
 * before each test, and a second store on it standing in for a second instance. The job cases that move the caller's
 * `now` over fixed times are SQLite's (see `dueByDatabaseClock`); postgres-jobs.test.ts tests
 * those rules on the database's clock.
 */
import { openTestPostgresStore, postgresTestDatabase } from "../support/postgres-store.ts";
import { describeStoreContract } from "./contract/index.ts";

const database = postgresTestDatabase();

describeStoreContract("PostgreSQL", async () => {
  const url = await database.url();
  await database.empty();
  const store = await openTestPostgresStore(url);
  return {
    store,
    connectAnother: () => openTestPostgresStore(url),
    dueByDatabaseClock: true,
    dispose: () => store.close(),
  };
});
