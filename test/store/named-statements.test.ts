import type pg from "pg";
import { describe, expect, it } from "vitest";
import { namingStatements, statementName } from "../../src/store/postgres/named-statements.ts";

describe("named statements", () => {
  it("names a text the same way every time, and different texts differently", () => {
    const select = "select 1 where $1 = $1";
    expect(statementName(select)).toBe(statementName(select));
    expect(statementName(select)).not.toBe(statementName("select 2 where $1 = $1"));
  });

  it("gives drizzle's statements their name and keeps a name drizzle gave", async () => {
    const seen: pg.QueryConfig[] = [];
    const client = {
      query: async (config: pg.QueryConfig) => {
        seen.push(config);
        return { rows: [] };
      },
    } as unknown as pg.PoolClient;
    const named = namingStatements(client);
    await named.query({ text: "select $1::int", values: [1] });
    await named.query({ text: "select $1::int", values: [2], name: "mine" });
    expect(seen[0]).toMatchObject({
      text: "select $1::int",
      name: statementName("select $1::int"),
    });
    expect(seen[1]?.name).toBe("mine");
  });

  it("stops naming new texts past its bound, so varying texts cannot fill every connection", () => {
    const names = Array.from({ length: 400 }, (_, i) => statementName(`select ${i} in ($1)`));
    const named = names.filter((name) => name !== undefined);
    expect(named.length).toBeGreaterThan(0);
    expect(named.length).toBeLessThan(400);
    expect(new Set(named).size).toBe(named.length);
    // A text named before the bound keeps its name.
    expect(statementName("select 0 in ($1)")).toBe(names[0]);
  });
});
