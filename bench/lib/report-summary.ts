/**
 * BENCHMARKS.md's Summary: one row per target of issue 10 part D, in the issue's order, then the
 * measures that are only reported. A missed target says by how much and what bounds it, from
 * the same run's measurements (CPU shares, event-loop busy, commit times, stalls, PostgreSQL).
 */
import type { InterceptResult } from "../scenarios/intercept.ts";
import { machineFacts, saturated, stallFacts } from "./bounds.ts";
import { areaShare } from "./cpuprofile.ts";
import { int, ms, pct, signed, verdict } from "./format.ts";
import type { Results } from "./report.ts";
import { memorySummaryRows } from "./report-memory.ts";
import { postgresSummaryRows } from "./report-postgres.ts";
import { webhookSummaryRows } from "./report-webhooks.ts";
import { bucketBound, countAbove, type Histogram } from "./stack.ts";

const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

const notMeasured = (what: string, wanted: string, error: string | undefined) =>
  row([what, wanted, `not measured: ${error?.split("\n")[0] ?? "skipped"}`, "n/a", ""]);

function meanMs(histogram: Histogram): number {
  return histogram.count > 0 ? (histogram.sum / histogram.count) * 1000 : Number.NaN;
}

/** The intercept rows: median and p99 added at the target rate. */
function interceptRows(results: Results, intercept: InterceptResult): string[] {
  const { targets } = results;
  const cores = results.machine.cores;
  const { targetRate } = intercept;
  const gateway = targetRate.gateway;
  const medianAdded = gateway.summary.p50 - targetRate.direct.summary.p50;
  const p99Added = gateway.summary.p99 - targetRate.direct.summary.p99;
  const sustained = !gateway.overloaded && gateway.unanswered === 0;
  const note = sustained ? "" : ` (gateway could not sustain ${targetRate.rate}/s)`;
  const busy = saturated(gateway.cpu, gateway.gatewayElu, cores);
  const load = `${busy ? `${busy}; ` : ""}at ${targetRate.rate}/s the gateway's event loop was busy ${pct(gateway.gatewayElu)} and it used ${pct(gateway.cpu.gateway ?? Number.NaN)} of a core${busy ? "" : ` (${machineFacts(gateway.cpu, cores)})`}`;
  // One intercept at a time: the commits each intercept waits for, in turn, and what was added.
  const alone = intercept.ladder.find((step) => step.concurrency === 1);
  const aloneCommits = alone?.gateway.commits;
  const aloneFsyncs = alone?.gateway.fsyncs;
  const aloneFacts =
    alone && aloneCommits
      ? `; alone (closed loop, c=1) it added ${ms(alone.gateway.summary.p50 - alone.direct.summary.p50)} ms at the median, with ${ms(aloneCommits.count / Math.max(1, alone.gateway.ok), 1)} commits per intercept of ${ms(meanMs(aloneCommits))} ms each on the event loop${aloneFsyncs && aloneFsyncs.count > 0 ? `, each then waiting for its WAL fsync (${ms(meanMs(aloneFsyncs))} ms on average, ${ms(aloneFsyncs.count / Math.max(1, alone.gateway.ok), 1)} per intercept)` : ""}`
      : "";
  const commits = gateway.stalls?.commits;
  const fsyncs = gateway.stalls?.fsyncs;
  const commitFacts = commits
    ? `; ${int(commits.count)} group commits in the phase, ${ms(meanMs(commits))} ms on average, the slowest ≤ ${ms(bucketBound(commits, 1) * 1000, 0)} ms${fsyncs && fsyncs.count > 0 ? `; WAL fsyncs ${ms(meanMs(fsyncs))} ms on average, p99 ≤ ${ms(bucketBound(fsyncs, 0.99) * 1000, 0)} ms` : ""}`
    : "";
  const loop = gateway.stalls?.loop;
  const medianMiss =
    medianAdded <= targets.medianAddedMs
      ? ""
      : `${signed(medianAdded - targets.medianAddedMs)} ms over. Bound: ${load}${aloneFacts}${commitFacts}${loop ? `; GC ${ms(loop.gcPausedMs / loop.seconds, 1)} ms per second` : ""}.`;
  const p99Miss =
    p99Added <= targets.p99AddedMs
      ? ""
      : `${signed(p99Added - targets.p99AddedMs)} ms over. Bound: the stalls of the same phase, each landing on the requests queued behind it: ${loop ? stallFacts(loop) : "stalls not sampled"}${commits ? `, commits up to ${ms(bucketBound(commits, 1) * 1000, 0)} ms` : ""}${fsyncs && fsyncs.count > 0 ? `, WAL fsyncs up to ${ms(bucketBound(fsyncs, 1) * 1000, 0)} ms (${int(countAbove(fsyncs, 0.01))} over 10 ms)` : ""}; ${load}.`;
  return [
    row([
      `Intercept: median added over direct carrier calls, ${targetRate.rate} req/s`,
      `≤ ${targets.medianAddedMs} ms`,
      `${ms(medianAdded)} ms${note}`,
      verdict(medianAdded <= targets.medianAddedMs),
      medianMiss,
    ]),
    row([
      `Intercept: p99 added, ${targetRate.rate} req/s`,
      `≤ ${targets.p99AddedMs} ms`,
      `${ms(p99Added)} ms${note}`,
      verdict(p99Added <= targets.p99AddedMs),
      p99Miss,
    ]),
  ];
}

function getRow(results: Results): string {
  const get = results.get;
  const wanted = `≥ ${pct(results.targets.getShare * 100)}`;
  if (!get) {
    return notMeasured("`GET /v1/interceptions/{id}` vs bare Hono", wanted, results.errors.get);
  }
  const best = get.steps.reduce((a, b) => (b.gateway.throughput > a.gateway.throughput ? b : a));
  const bestBare = Math.max(...get.steps.map((step) => step.bare.throughput));
  const share = best.gateway.throughput / bestBare;
  const pass = share >= results.targets.getShare;
  const profile = get.profile.summary;
  const missed = pass
    ? ""
    : `${pct((results.targets.getShare - share) * 100)} short (${int(results.targets.getShare * bestBare - best.gateway.throughput)}/s). Bound at c=${best.concurrency}: ${saturated(best.gateway.cpu, best.gateway.serverElu, results.machine.cores) ?? "no saturated resource"}; the gateway's one event loop was busy ${pct(best.gateway.serverElu)}, ${pct(best.gateway.cpu.gateway ?? Number.NaN)} of a core, with the load generator at ${pct(best.gateway.cpu.bench ?? Number.NaN)} (${machineFacts(best.gateway.cpu, results.machine.cores)}); of its busy main thread (profile): better-sqlite3 ${pct(
        areaShare(profile, (area) => area === "pkg: better-sqlite3"),
        1,
      )}, drizzle-orm ${pct(
        areaShare(profile, (area) => area === "pkg: drizzle-orm"),
        1,
      )}, Hono + zod ${pct(
        areaShare(profile, (area) => area.includes("hono") || area.includes("zod")),
        1,
      )}, GC ${pct(
        areaShare(profile, (area) => area === "V8: garbage collector"),
        1,
      )}.`;
  return row([
    `\`GET /v1/interceptions/{id}\` vs bare Hono, ${int(get.rows)} stored`,
    wanted,
    `${int(best.gateway.throughput)}/s vs ${int(bestBare)}/s = ${pct(share * 100)}`,
    verdict(pass),
    missed,
  ]);
}

function dashboardRow(results: Results): string {
  const wanted = `≤ ${results.targets.dashboardP95Ms} ms p95`;
  const page = results.get?.dashboard;
  if (!page) {
    return notMeasured("Dashboard list page over 1M interceptions", wanted, results.errors.get);
  }
  const pass = page.summary.p95 <= results.targets.dashboardP95Ms && page.failed === 0;
  return row([
    `Dashboard list page (${page.rowsPerPage} rows, server-rendered, one request at a time) over ${int(results.get?.rows ?? 0)} stored`,
    wanted,
    `p50 ${ms(page.summary.p50)} ms, p95 ${ms(page.summary.p95)} ms, p99 ${ms(page.summary.p99)} ms over ${int(page.ok)} pages (${int(page.htmlBytes)} bytes of HTML)`,
    verdict(pass),
    pass
      ? ""
      : `${signed(page.summary.p95 - results.targets.dashboardP95Ms)} ms over${page.failed > 0 ? `, ${int(page.failed)} pages not 200` : ""}; gateway event loop busy ${pct(page.serverElu)}, ${pct(page.cpu.gateway ?? Number.NaN)} of a core (${machineFacts(page.cpu, results.machine.cores)}).`,
  ]);
}

/** The breaker's target row, and its memory row (reported beside it) when it ran. */
function breakerRows(results: Results): { target: string; memory: string | null } {
  const breaker = results.breaker;
  const { targets } = results;
  const wanted = `≤ +${targets.breakerP99OverFloorMs} ms`;
  if (!breaker) {
    return {
      target: notMeasured(
        "Breaker open: p99 over the bare-Hono floor",
        wanted,
        results.errors.breaker,
      ),
      memory: null,
    };
  }
  const floor = breaker.floor;
  const over = floor ? breaker.summary.p99 - floor.summary.p99 : Number.NaN;
  const pass = floor ? over <= targets.breakerP99OverFloorMs && breaker.failed === 0 : null;
  const stalls = breaker.stalls;
  const missed =
    pass === false
      ? `${signed(over - targets.breakerP99OverFloorMs)} ms over${breaker.failed > 0 ? `, ${int(breaker.failed)} answers not 200` : ""}. Bound: ${saturated(breaker.cpu, Number.NaN, results.machine.cores) ?? "no saturated resource"}; the gateway's own stalls during the run: ${stalls ? stallFacts(stalls) : "not sampled"}; gateway ${pct(breaker.cpu.gateway ?? Number.NaN)} of a core, load generator ${pct(breaker.cpu.bench ?? Number.NaN)} (${machineFacts(breaker.cpu, results.machine.cores)}).`
      : "";
  const memoryWanted = `flat: heap after GC trend ≤ ${targets.heapSlopeMiBPerMin} MiB/min`;
  const heapFlat = breaker.heapSlopeMiBPerMin <= targets.heapSlopeMiBPerMin;
  return {
    target: row([
      `Breaker open: p99 over the bare-Hono floor, ${breaker.rate} req/s`,
      wanted,
      floor
        ? `${signed(over)} ms (gateway p99 ${ms(breaker.summary.p99)} ms, floor p99 ${ms(floor.summary.p99)} ms: bare Hono, same rate and generator)`
        : `floor not measured (gateway p99 ${ms(breaker.summary.p99)} ms)`,
      verdict(pass),
      missed,
    ]),
    memory: row([
      `Breaker open: memory over ${breaker.durationS} s`,
      memoryWanted,
      `heap after GC ${ms(breaker.heapAfterGcStartMiB ?? Number.NaN, 1)} → ${ms(breaker.heapAfterGcEndMiB ?? Number.NaN, 1)} MiB (trend ${signed(breaker.heapSlopeMiBPerMin)} MiB/min); RSS ${ms(breaker.rssStartMiB, 1)} → ${ms(breaker.rssEndMiB, 1)} MiB (trend ${signed(breaker.rssSlopeMiBPerMin, 1)} MiB/min)`,
      verdict(heapFlat),
      heapFlat
        ? ""
        : `${ms(breaker.heapSlopeMiBPerMin - targets.heapSlopeMiBPerMin)} MiB/min over, between the two ends of a ${breaker.durationS} s run (JIT and caches may still be settling: the 10-minute memory rows are the measure).`,
    ]),
  };
}

/** Rows only reported, with no target. */
function reportedRows(results: Results): string[] {
  const rows: string[] = [];
  const intercept = results.intercept;
  if (intercept) {
    const bestGateway = Math.max(...intercept.ladder.map((step) => step.gateway.throughput));
    const bestDirect = Math.max(...intercept.ladder.map((step) => step.direct.throughput));
    rows.push(
      row([
        "Max intercept throughput vs direct (SQLite)",
        "reported",
        `${int(bestGateway)}/s vs ${int(bestDirect)}/s = ${pct((bestGateway / bestDirect) * 100)}`,
        "n/a",
        "",
      ]),
    );
  }
  const store = results.store;
  const largest = store?.sizes.at(-1);
  if (largest) {
    rows.push(
      row([
        "Store cost as it grows (SQLite)",
        "reported",
        `at ${int(largest.rows)}: insert p50 ${ms(largest.insert.p50)} ms, get p50 ${ms(largest.getById.p50)} ms, ${int(largest.bytesPerInterception)} B/interception`,
        "n/a",
        "",
      ]),
    );
  }
  return rows;
}

export function summaryLines(results: Results): string[] {
  const { targets } = results;
  const intercept = results.intercept;
  const [postgresTarget, ...postgresReported] = postgresSummaryRows(results);
  const breaker = breakerRows(results);
  return [
    "## Summary",
    "",
    "| Target | Wanted | Measured | Result | Where missed: by how much, and what bounds it (measured in the same run) |",
    "|---|---|---|---|---|",
    ...(intercept
      ? interceptRows(results, intercept)
      : [
          notMeasured(
            "Intercept: median added",
            `≤ ${targets.medianAddedMs} ms`,
            results.errors.intercept,
          ),
          notMeasured(
            "Intercept: p99 added",
            `≤ ${targets.p99AddedMs} ms`,
            results.errors.intercept,
          ),
        ]),
    getRow(results),
    breaker.target,
    ...(postgresTarget ? [postgresTarget] : []),
    ...memorySummaryRows(results),
    ...webhookSummaryRows(results),
    dashboardRow(results),
    ...postgresReported,
    ...(breaker.memory ? [breaker.memory] : []),
    ...reportedRows(results),
    "",
  ];
}
