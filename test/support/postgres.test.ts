import pg from "pg";
import { describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "./postgres.ts";

describe("the test PostgreSQL", () => {
  it("gives each caller its own empty database on loopback", async () => {
    const [one, two] = await Promise.all([freshPostgresDatabase(), freshPostgresDatabase()]);
    expect(one).not.toBe(two);
    expect(new URL(one).hostname).toBe("127.0.0.1");
    const client = new pg.Client({ connectionString: one });
    await client.connect();
    try {
      await client.query("CREATE TABLE probe (id int)");
      const tables = await client.query(
        "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(tables.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
