/**
 * A fresh PostgreSQL database per caller on the run's server (postgres-global-setup.ts), so a
 * test file's rows and pg-boss queues never meet another file's.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";

/** Creates an empty database and returns its URL. */
export async function freshPostgresDatabase(prefix = "t"): Promise<string> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`.toLowerCase();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
