/**
 * What PostgreSQL was doing for the gateways during a phase, seen from the server:
 * - `pg_stat_activity` sampled every 200 ms (one small query on the bench's own connection), each
 *   connection told to its gateway process by its client port: how many of each gateway's pooled
 *   connections were idle in the pool, inside a transaction waiting
 *   for the gateway (`idle in transaction`: the gateway's event loop has not sent the next
 *   statement yet), running a statement, or waiting on the server (the WAL flush of a COMMIT,
 *   a lock). Averaged over the samples, that says whether the pool, the server or the gateway
 *   held the requests up.
 * - counters read before and after (`pg_stat_database` transactions, `pg_stat_io` WAL writes and
 *   fsyncs with their time, as `track_io_timing` is on). Backends publish these at most once a
 *   second when idle, so the reader waits that long after the phase before its second read.
 */
import pg from "pg";
import { readStatements, resetStatements, type StatementCost } from "./pg-statements.ts";
import { sleep, tcpLocalPorts } from "./procs.ts";

/** The gateway's pools name their connections so (src/store/postgres/index.ts). */
const gatewayApplications = "interception-gateway%";

export interface PgCounters {
  /** Transactions committed in the database (the gateways' own and pg-boss's; not the bench's). */
  commits: number;
  rollbacks: number;
  /** WAL written and flushed to disk, server-wide; null when `pg_stat_io` has no WAL rows. */
  walWrites: number | null;
  walFsyncs: number | null;
  walFsyncMs: number | null;
}

/** Mean number of one pool's connections open, and in each state, per sample. */
export interface PoolView {
  /** The gateway process it belongs to (the caller's label), told by the connection's port. */
  instance: string;
  /** Its `application_name`: the store's pool, or the rate-limit buckets' own. */
  application: string;
  open: number;
  states: Record<string, number>;
}

export interface PgActivity {
  samples: number;
  pools: PoolView[];
  /** What the counters moved by over the phase. */
  counters: PgCounters;
  /** Each statement's cost over the phase (pg-statements.ts); null without pg_stat_statements. */
  statements: StatementCost[] | null;
}

/** A connection's state as a label: what it was doing when sampled. */
function stateOf(row: { state: string | null; wait: string | null }): string {
  if (row.state === "idle") {
    return "idle in the pool";
  }
  if (row.state === "idle in transaction") {
    return "in a transaction, waiting for the gateway";
  }
  if (row.state === "active") {
    return row.wait ? `running, waiting on ${row.wait}` : "running (on CPU)";
  }
  return row.state ?? "unknown";
}

async function readCounters(client: pg.Client, database: string): Promise<PgCounters> {
  const db = await client.query<{ commits: string; rollbacks: string }>(
    "SELECT xact_commit AS commits, xact_rollback AS rollbacks FROM pg_stat_database WHERE datname = $1",
    [database],
  );
  let wal: { writes: string | null; fsyncs: string | null; fsync_ms: string | null } | undefined;
  try {
    const io = await client.query<NonNullable<typeof wal>>(
      "SELECT sum(writes) AS writes, sum(fsyncs) AS fsyncs, sum(fsync_time) AS fsync_ms FROM pg_stat_io WHERE object = 'wal'",
    );
    wal = io.rows[0];
  } catch {
    // PostgreSQL before 18 keeps no WAL rows in pg_stat_io.
  }
  const number = (value: string | null | undefined) =>
    value === null || value === undefined ? null : Number(value);
  return {
    commits: Number(db.rows[0]?.commits ?? Number.NaN),
    rollbacks: Number(db.rows[0]?.rollbacks ?? Number.NaN),
    walWrites: number(wal?.writes),
    walFsyncs: number(wal?.fsyncs),
    walFsyncMs: number(wal?.fsync_ms),
  };
}

function difference(before: PgCounters, after: PgCounters): PgCounters {
  const minus = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  return {
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    walWrites: minus(after.walWrites, before.walWrites),
    walFsyncs: minus(after.walFsyncs, before.walFsyncs),
    walFsyncMs: minus(after.walFsyncMs, before.walFsyncMs),
  };
}

/**
 * Runs `load` while sampling the server's view of database `url`; returns both. `instances` names
 * the gateway processes (label → pid) whose connections are told apart.
 */
export async function withPgActivity<T>(
  url: string,
  instances: Record<string, number>,
  load: () => Promise<T>,
): Promise<{ result: T; activity: PgActivity }> {
  const database = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: url, application_name: "gateway-bench" });
  await client.connect();
  try {
    const countingStatements = await resetStatements(client);
    const before = await readCounters(client, database);
    // Per instance and pool: connections seen, and per state, summed over the samples.
    const tally = new Map<string, { open: number; states: Map<string, number> }>();
    let samples = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const rows = await client.query<{
          application: string;
          port: number | null;
          state: string | null;
          wait: string | null;
        }>(
          "SELECT application_name AS application, client_port AS port, state, wait_event_type || '/' || wait_event AS wait FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE $2",
          [database, gatewayApplications],
        );
        const owners = new Map<number, string>();
        for (const [label, pid] of Object.entries(instances)) {
          for (const port of tcpLocalPorts(pid)) {
            owners.set(port, label);
          }
        }
        samples += 1;
        for (const row of rows.rows) {
          const key = JSON.stringify([
            owners.get(row.port ?? -1) ?? "another process",
            row.application,
          ]);
          const pool = tally.get(key) ?? { open: 0, states: new Map() };
          tally.set(key, pool);
          pool.open += 1;
          const state = stateOf(row);
          pool.states.set(state, (pool.states.get(state) ?? 0) + 1);
        }
        await sleep(200);
      }
    })();
    let result: T;
    try {
      result = await load();
    } finally {
      sampling = false;
      await sampler;
    }
    await sleep(1_200);
    const after = await readCounters(client, database);
    const statements = countingStatements ? await readStatements(client, database) : null;
    // The bench's own queries on this connection commit too: one per sample, and the second
    // query of the first read.
    const counted = difference(before, after);
    counted.commits -= samples + 1;
    const mean = (count: number) => (samples > 0 ? count / samples : Number.NaN);
    return {
      result,
      activity: {
        samples,
        pools: [...tally].map(([key, seen]) => {
          const [instance, application] = JSON.parse(key) as [string, string];
          return {
            instance,
            application,
            open: mean(seen.open),
            states: Object.fromEntries(
              [...seen.states].map(([state, count]) => [state, mean(count)]),
            ),
          };
        }),
        counters: counted,
        statements,
      },
    };
  } finally {
    await client.end();
  }
}
