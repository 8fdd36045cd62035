/** `npm run merchant`: its usage on --help, and a non-zero exit on a command line it cannot run. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "merchant-cli-"));
const databasePath = join(directory, "gateway.db");

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Runs `scripts/merchant.ts` as `npm run merchant --` does, with its own database. */
function merchant(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/merchant.ts", ...args],
      { cwd: root, env: { PATH: process.env.PATH, DATABASE_URL: `file:${databasePath}` } },
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
});
