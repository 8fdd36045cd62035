/** `npm run merchant`: its usage on --help, and a non-zero exit on a command line it cannot run. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../support/postgres.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "merchant-cli-"));
const databasePath = join(directory, "gateway.db");

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `scripts/merchant.ts` as `npm run merchant --` does, with its own database. */
function merchant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return merchantOn(`file:${databasePath}`, args);
}

function merchantOn(
  databaseUrl: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/merchant.ts", ...args],
      { cwd: root, env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

describe("npm run merchant", () => {
  for (const flag of ["--help", "-h"]) {
    it(`prints the usage on ${flag} and exits 0, touching no database`, async () => {
      const result = await merchant(flag);
      expect(result, JSON.stringify(result)).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toMatch(/^Usage:/);
      expect(result.stdout).toContain("npm run merchant -- create --name");
      expect(result.stdout).toContain("npm run merchant -- key --merchant");
      expect(existsSync(databasePath)).toBe(false);
    });
  }

  for (const args of [["frobnicate"], ["create"], ["key", "--bogus"]]) {
    it(`prints the usage and exits non-zero for [${args.join(" ")}]`, async () => {
      const result = await merchant(...args);
      expect(result.code, JSON.stringify(result)).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("Usage:");
      expect(existsSync(databasePath)).toBe(false);
    });
  }

  it("still creates a merchant and prints its key", async () => {
    const result = await merchant("create", "--name", "Tea House", "--pickup-service");
    expect(result.code, JSON.stringify(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: expect.stringMatching(/^mer_/),
      name: "Tea House",
      pickupService: true,
      apiKey: expect.stringMatching(/^igk_/),
    });
  });

  it("creates a merchant in a PostgreSQL database, and a key for it", async () => {
    const url = await freshPostgresDatabase();
    const created = await merchantOn(url, ["create", "--name", "Tea House"]);
    expect(created.code, JSON.stringify(created)).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const issued = await merchantOn(url, ["key", "--merchant", id]);
    expect(issued.code, JSON.stringify(issued)).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const keys = await client.query("SELECT merchant_id FROM api_keys ORDER BY created_at");
      expect(keys.rows).toEqual([{ merchant_id: id }, { merchant_id: id }]);
    } finally {
      await client.end();
    }
    // Two processes, each compiling the script with tsx and migrating a new database: seconds
    // apiece on a loaded machine.
  }, 60_000);
});
