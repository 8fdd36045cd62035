/**
 * The uniqueness rules a write may run into on purpose, named by the index that enforces them.
 *
 * SQLite reports a broken unique index as SQLITE_CONSTRAINT_UNIQUE with the index's *columns* in
 * the message text, never its name, and the text is the only place those columns appear: telling
 * one rule from another by the error means parsing messages. So a write that may break a rule
 * does not catch anything: it names the rule's index as its conflict target (`ON CONFLICT
 * (<columns>) WHERE <predicate>`, which also selects a partial index), a row that would break it
 * is simply not written (`changes` is 0), and the caller says what that means. Any other
 * constraint (a duplicate id, a foreign key) still throws, as the bug it is. Columns and
 * predicate are read from the schema's index by its name, so the target cannot drift from the
 * index drizzle-kit migrates; a name the schema lacks fails when the store opens.
 */
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { getTableConfig, type IndexColumn, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { interceptionsTable } from "../schema.ts";

/**
 * For drizzle's `onConflictDoUpdate`: an update that never happens (`WHERE 0`) makes it SQLite's
 * DO NOTHING for the one index named. Not `onConflictDoNothing`: drizzle's SQLite builder prints
 * its WHERE after DO NOTHING (a syntax error), so a partial index could not be targeted with it.
 */
function skipRowsBreaking(table: SQLiteTable, indexName: string) {
  const config = getTableConfig(table);
  const index = config.indexes.find((each) => each.config.name === indexName);
  if (!index?.config.unique) {
    throw new Error(`${config.name} has no unique index ${indexName}.`);
  }
  const columns: IndexColumn[] = index.config.columns;
  // Any column will do for the update that never runs; SQLite wants one.
  const [anyColumn] = Object.entries(getTableColumns(table));
  if (anyColumn === undefined) {
    throw new Error(`${config.name} has no columns.`);
  }
  const [key, column] = anyColumn;
  return {
    target: columns,
    targetWhere: index.config.where,
    set: { [key]: sql`${column}` } as Record<string, SQL>,
    setWhere: sql`0`,
  };
}

/**
 * One open (pending, submitted or locked) interception per parcel and merchant: storing a second
 * stores nothing (`ParcelBusyError` for the caller).
 */
export const oneOpenInterceptionPerParcel = skipRowsBreaking(
  interceptionsTable,
  "interceptions_one_open_per_merchant_parcel",
);
