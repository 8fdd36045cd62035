/** Renders BENCHMARKS.md from the results of `bench/run.ts`. */

import type { BreakerResult } from "../scenarios/breaker.ts";
import type { GetResult } from "../scenarios/get.ts";
import type { InterceptResult, PhaseStats } from "../scenarios/intercept.ts";
import type { StoreResult } from "../scenarios/store.ts";
import type { ProfileSummary } from "./cpuprofile.ts";
import { bucketBound, countAbove } from "./stack.ts";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** /proc/loadavg (1, 5, 15 min) when the run started: load from outside the benchmark. */
  loadAverage: string;
  node: string;
  os: string;
  commit: string;
}

export interface Targets {
  interceptRate: number;
  medianAddedMs: number;
  p99AddedMs: number;
  throughputShare: number;
  getShare: number;
  breakerP99Ms: number;
  /** "No growth": the live heap (after a forced full GC, every 15 s) may trend up at most this. */
  heapSlopeMiBPerMin: number;
  /** …and the RSS trend may be at most this steep. */
  rssSlopeMiBPerMin: number;
}

export interface Results {
  machine: Machine;
  command: string;
  startedAt: string;
  wallSeconds: number;
  targets: Targets;
  sandboxLatencyMs: number;
  store?: StoreResult;
  get?: GetResult;
  intercept?: InterceptResult;
  breaker?: BreakerResult;
  errors: Record<string, string>;
}

const ms = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const int = (value: number) =>
  Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "–";
const pct = (value: number, digits = 0) =>
  Number.isFinite(value) ? `${value.toFixed(digits)} %` : "–";
const verdict = (pass: boolean | null) => (pass === null ? "n/a" : pass ? "PASS" : "**MISS**");

function cpuCell(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([name, value]) => `${name} ${value.toFixed(0)}`)
    .join(" / ");
}

/** Main-thread ms per request (from event-loop utilisation) and CPU ms per request. */
function perRequest(
  phase: PhaseStats | { throughput: number; cpu: Record<string, number> },
  elu: number,
) {
  const rate = phase.throughput;
  return {
    loopMs: (elu / 100 / rate) * 1000,
    cpuMs: ((phase.cpu.gateway ?? Number.NaN) / 100 / rate) * 1000,
  };
}

function profileTables(title: string, summary: ProfileSummary, lines: string[]): void {
  lines.push(
    `**${title}** — ${ms(summary.windowMs / 1000, 1)} s window, main thread busy ${pct(summary.busyPercent)} of it. ` +
      "Percentages are of the busy samples. V8 samples the main thread by wall clock, so time the " +
      "thread spends blocked inside a synchronous native call (SQLite's COMMIT and its fsync) is " +
      "charged to the JS function that made the call.",
    "",
    "| Self time | Function | Where |",
    "|---:|---|---|",
  );
  for (const entry of summary.topSelf) {
    lines.push(
      `| ${pct(entry.percent, 1)} | \`${entry.name}\` | ${entry.location || entry.area} |`,
    );
  }
  lines.push("", "| By area (self) | Area |", "|---:|---|");
  for (const entry of summary.areas.slice(0, 10)) {
    lines.push(`| ${pct(entry.percent, 1)} | ${entry.area} |`);
  }
  lines.push("", "| Inclusive | Our function | File |", "|---:|---|---|");
  for (const entry of summary.topOwnInclusive.slice(0, 10)) {
    lines.push(
      `| ${pct(entry.percent, 1)} | \`${entry.name}\` | ${entry.location.replace(/:1$/, "")} |`,
    );
  }
  lines.push("");
}

/** What held the gateway's event loop up during an open-loop phase, as one paragraph. */
function stallsParagraph(pair: InterceptResult["targetRate"]): string | null {
  const stalls = pair.gateway.stalls;
  if (!stalls) {
    return null;
  }
  const { loop, commits } = stalls;
  const meanCommitMs = commits.count > 0 ? (commits.sum / commits.count) * 1000 : Number.NaN;
  const parts = [
    `**What held the gateway up at ${pair.rate}/s** (the probe in the gateway, sampled every 0.5 s, and \`gateway_store_commit_seconds\` from its \`/metrics\`, over the gateway's timed phase above).`,
  ];
  if (loop) {
    parts.push(
      `The event loop ran a 2 ms timer up to ${ms(loop.maxMs, 1)} ms late, and ${ms(loop.worstP99Ms, 1)} ms late at p99 in its worst half second: a request that arrived then waited that long before any of its code ran.`,
      `Garbage collection paused the main thread ${int(loop.gcPauses)} times, ${ms(loop.gcPausedMs, 0)} ms in all (${ms(loop.gcPausedMs / loop.seconds, 1)} ms per second), the longest ${ms(loop.gcMaxMs, 1)} ms.`,
    );
  }
  parts.push(
    `The store made ${int(commits.count)} group commits (writes, COMMIT and fsync on the event loop), ${ms(meanCommitMs)} ms on average; half took at most ${ms(bucketBound(commits, 0.5) * 1000, 1)} ms, 99 % at most ${ms(bucketBound(commits, 0.99) * 1000, 1)} ms (bucket bounds), and ${int(countAbove(commits, 0.005))} took longer than 5 ms.`,
    "Every stall above lands on whichever requests are queued behind it.",
  );
  return parts.join(" ");
}

function areaShare(summary: ProfileSummary, match: (area: string) => boolean): number {
  return summary.areas.filter((entry) => match(entry.area)).reduce((sum, e) => sum + e.percent, 0);
}

/** CPU used by processes outside the benchmark in each measured phase, % of one core. */
function outsideLoad(results: Results): { phase: string; percent: number }[] {
  const phases: { phase: string; cpu: Record<string, number> }[] = [];
  const intercept = results.intercept;
  if (intercept) {
    for (const step of intercept.ladder) {
      phases.push({ phase: `intercept c=${step.concurrency} direct`, cpu: step.direct.cpu });
      phases.push({ phase: `intercept c=${step.concurrency} gateway`, cpu: step.gateway.cpu });
    }
    for (const pair of [intercept.targetRate, intercept.sustainableRate]) {
      if (pair) {
        phases.push({ phase: `intercept ${pair.rate}/s direct`, cpu: pair.direct.cpu });
        phases.push({ phase: `intercept ${pair.rate}/s gateway`, cpu: pair.gateway.cpu });
      }
    }
  }
  for (const step of results.get?.steps ?? []) {
    phases.push({ phase: `GET c=${step.concurrency} gateway`, cpu: step.gateway.cpu });
    phases.push({ phase: `GET c=${step.concurrency} bare`, cpu: step.bare.cpu });
  }
  if (results.breaker) {
    phases.push({ phase: "breaker", cpu: results.breaker.cpu });
    if (results.breaker.floor) {
      phases.push({ phase: "breaker floor (bare Hono)", cpu: results.breaker.floor.cpu });
    }
  }
  return phases
    .filter(({ cpu }) => cpu.machine !== undefined)
    .map(({ phase, cpu }) => {
      const ours = Object.entries(cpu)
        .filter(([name]) => name !== "machine" && name !== "steal")
        .reduce((sum, [, value]) => sum + value, 0);
      return { phase, percent: Math.max(0, (cpu.machine ?? 0) - ours) };
    });
}

export function renderReport(results: Results): string {
  const { machine, targets } = results;
  const lines: string[] = [];
  lines.push(
    "# Benchmarks",
    "",
    `Generated by \`${results.command}\` (\`bench/run.ts\`) on ${results.startedAt}, in ${int(results.wallSeconds)} s of wall time. ` +
      "Rewritten on every run: do not edit by hand.",
    "",
    "## Machine",
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${machine.cpuModel} |`,
    `| Cores | ${machine.cores} |`,
    `| Memory | ${machine.memoryGiB.toFixed(1)} GiB |`,
    `| Load average at start | ${machine.loadAverage} |`,
    `| Node | ${machine.node} |`,
    `| OS | ${machine.os} |`,
    `| Commit | ${machine.commit} |`,
    "",
    "Set-up: every process on this machine, loopback only. The SF sandbox runs alone in its own " +
      `process (\`src/sandbox-main.ts\`, \`SANDBOX_LATENCY_MS=${results.sandboxLatencyMs}\`), the ` +
      "gateway in its own (`node --import tsx src/main.ts`, fresh temp database, `LOG_LEVEL=error`, " +
      "rate limiter raised out of the way), the load generator (undici Pools, open or closed loop, " +
      "`bench/lib/load.ts`) in the bench process. The three compete for the same two cores; the " +
      "tables give each process's CPU (% of one core, all its threads), `machine` (every process on " +
      "the box, % of one core, so 200 = both cores busy) and `steal` (time the hypervisor gave to " +
      "other guests), so the bottleneck and any outside load are visible. The event-loop " +
      "utilisation of the gateway comes from a probe preloaded into it (`bench/lib/probe.ts`).",
    "",
  );

  // Summary
  const rows: string[] = [];
  const intercept = results.intercept;
  if (intercept) {
    const { targetRate } = intercept;
    const medianAdded = targetRate.gateway.summary.p50 - targetRate.direct.summary.p50;
    const p99Added = targetRate.gateway.summary.p99 - targetRate.direct.summary.p99;
    const sustained = !targetRate.gateway.overloaded && targetRate.gateway.unanswered === 0;
    const note = sustained ? "" : ` (gateway could not sustain ${targetRate.rate}/s)`;
    rows.push(
      `| Intercept median added at ${targetRate.rate} req/s | ≤ ${targets.medianAddedMs} ms | ${ms(medianAdded)} ms${note} | ${verdict(medianAdded <= targets.medianAddedMs)} |`,
      `| Intercept p99 added at ${targetRate.rate} req/s | ≤ ${targets.p99AddedMs} ms | ${ms(p99Added)} ms${note} | ${verdict(p99Added <= targets.p99AddedMs)} |`,
    );
    const bestGateway = Math.max(...intercept.ladder.map((step) => step.gateway.throughput));
    const bestDirect = Math.max(...intercept.ladder.map((step) => step.direct.throughput));
    const share = bestGateway / bestDirect;
    rows.push(
      `| Max intercept throughput vs direct | ≥ ${pct(targets.throughputShare * 100)} | ${int(bestGateway)}/s vs ${int(bestDirect)}/s = ${pct(share * 100)} | ${verdict(share >= targets.throughputShare)} |`,
    );
  } else {
    rows.push(`| Intercept | | not measured: ${results.errors.intercept ?? "skipped"} | n/a |`);
  }
  const get = results.get;
  if (get) {
    const bestGateway = Math.max(...get.steps.map((step) => step.gateway.throughput));
    const bestBare = Math.max(...get.steps.map((step) => step.bare.throughput));
    const share = bestGateway / bestBare;
    rows.push(
      `| \`GET /v1/interceptions/{id}\` vs bare Hono, ${int(get.rows)} stored | ≥ ${pct(targets.getShare * 100)} | ${int(bestGateway)}/s vs ${int(bestBare)}/s = ${pct(share * 100)} | ${verdict(share >= targets.getShare)} |`,
    );
  } else {
    rows.push(`| GET | | not measured: ${results.errors.get ?? "skipped"} | n/a |`);
  }
  const breaker = results.breaker;
  if (breaker) {
    const noGrowth =
      breaker.heapSlopeMiBPerMin <= targets.heapSlopeMiBPerMin &&
      breaker.rssSlopeMiBPerMin <= targets.rssSlopeMiBPerMin;
    // Results saved before the floor was measured have no `floor`.
    const floor = breaker.floor
      ? ` (floor: bare Hono at the same rate, same generator: p99 ${ms(breaker.floor.summary.p99)} ms)`
      : "";
    rows.push(
      `| Breaker open: p99 at ${breaker.rate} req/s | ≤ ${targets.breakerP99Ms} ms | ${ms(breaker.summary.p99)} ms${floor} | ${verdict(breaker.summary.p99 <= targets.breakerP99Ms && breaker.failed === 0)} |`,
      `| Breaker open: memory over ${breaker.durationS} s | no growth: trend of heap after full GC ≤ ${targets.heapSlopeMiBPerMin} MiB/min and of RSS ≤ ${targets.rssSlopeMiBPerMin} MiB/min | heap after GC ${ms(breaker.heapAfterGcStartMiB ?? Number.NaN, 1)} → ${ms(breaker.heapAfterGcEndMiB ?? Number.NaN, 1)} MiB (trend ${ms(breaker.heapSlopeMiBPerMin, 2)} MiB/min), RSS ${ms(breaker.rssStartMiB, 1)} → ${ms(breaker.rssEndMiB, 1)} MiB (trend ${ms(breaker.rssSlopeMiBPerMin, 1)} MiB/min) | ${verdict(noGrowth)} |`,
    );
  } else {
    rows.push(`| Breaker open | | not measured: ${results.errors.breaker ?? "skipped"} | n/a |`);
  }
  const store = results.store;
  if (store) {
    const largest = store.sizes.at(-1);
    rows.push(
      `| Store cost as it grows | reported | ${largest ? `at ${int(largest.rows)}: insert p50 ${ms(largest.insert.p50)} ms, get p50 ${ms(largest.getById.p50)} ms, ${int(largest.bytesPerInterception)} B/interception` : "–"} | n/a |`,
    );
  }
  lines.push(
    "## Summary",
    "",
    "| Target | Wanted | Measured | Result |",
    "|---|---|---|---|",
    ...rows,
    "",
  );
  const outside = outsideLoad(results);
  if (outside.length > 0) {
    const worst = Math.max(...outside.map((entry) => entry.percent));
    const sorted = outside.map((entry) => entry.percent).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    lines.push(
      `**Outside load.** Processes that are not part of the benchmark used a median ${pct(median)} and up to ${pct(worst)} of one core (of 200 %) during the timed phases (\`machine\` minus the benchmark's own processes; steal is shown separately). ${worst > 50 ? "That is heavy: the gateway, which needs CPU, was measured on a shared machine while the direct baseline mostly waits on the sandbox's timers, so the gateway's numbers here are pessimistic and vary between runs. The PASS/MISS verdicts stand as measured; a quiet machine is needed for stable numbers." : "Low enough not to change the picture."}`,
      "",
    );
  }
  for (const [scenario, error] of Object.entries(results.errors)) {
    lines.push(`> **${scenario} failed:** ${error.split("\n")[0]}`, "");
  }

  if (intercept) {
    lines.push(
      "## Intercept: gateway vs direct SF calls",
      "",
      `One gateway intercept makes two SF calls (route query, then \`EXP_RECE_WANTED_INTERCEPT\`); the direct baseline makes the same two calls, signed by the SF adapter itself, over an undici Pool with the gateway's carrier-pool settings (32 connections). The sandbox answers each call after ${intercept.latencyMs} ms. Every request uses a fresh in-transit parcel and a fresh Idempotency-Key; the carrier's outcome push is put off past the end of the run so both sides do the same carrier work.`,
      "",
    );
    const pairRows = (pair: InterceptResult["targetRate"]) => {
      const out: string[] = [];
      for (const side of ["direct", "gateway"] as const) {
        const phase = pair[side];
        out.push(
          `| ${side} | ${pair.rate}/s | ${int(phase.offered)} | ${int(phase.ok)} / ${int(phase.failed)} / ${int(phase.unanswered)}${phase.overloaded ? " (stopped sending: 5 s of backlog)" : ""} | ${ms(phase.summary.p50)} | ${ms(phase.summary.p90)} | ${ms(phase.summary.p99)} | ${ms(phase.summary.max)} | ${cpuCell(phase.cpu)} | ${pct(phase.gatewayElu)} |`,
        );
      }
      out.push(
        `| **added** | | | | **${ms(pair.gateway.summary.p50 - pair.direct.summary.p50)}** | ${ms(pair.gateway.summary.p90 - pair.direct.summary.p90)} | **${ms(pair.gateway.summary.p99 - pair.direct.summary.p99)}** | | | |`,
      );
      return out;
    };
    lines.push(
      `### Latency, open loop (requests scheduled by the clock for ${intercept.targetRate.durationS} s; latency counted from the scheduled send time)`,
      "",
      "| Side | Offered | Sent | ok / failed / unanswered | p50 ms | p90 ms | p99 ms | max ms | CPU % of one core | Gateway event loop busy |",
      "|---|---:|---:|---|---:|---:|---:|---:|---|---:|",
      ...pairRows(intercept.targetRate),
      ...(intercept.sustainableRate ? pairRows(intercept.sustainableRate) : []),
      "",
    );
    for (const pair of [intercept.targetRate, intercept.sustainableRate]) {
      const paragraph = pair ? stallsParagraph(pair) : null;
      if (paragraph) {
        lines.push(paragraph, "");
      }
    }
    if (intercept.sustainableRate) {
      lines.push(
        `The gateway could not keep up with ${intercept.targetRate.rate} req/s, so the latency at ${intercept.targetRate.rate}/s is mostly queueing. The second pair runs at ${intercept.sustainableRate.rate}/s, half the gateway's best closed-loop throughput, to show the added latency of a gateway that is not saturated.`,
        "",
      );
    }
    lines.push(
      "### Throughput, closed loop (each worker sends its next intercept when the previous one answered; each side warmed up first, untimed, at c=16)",
      "",
      "| Concurrency | Direct req/s | Direct p50 ms | Gateway req/s | Gateway p50 ms | Gateway p99 ms | Gateway / direct | CPU % of one core (gateway phase) | Gateway event loop busy | Gateway main-thread ms per intercept | Gateway CPU ms per intercept (all threads) |",
      "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    );
    for (const step of intercept.ladder) {
      const cost = perRequest(step.gateway, step.gateway.gatewayElu);
      lines.push(
        `| ${step.concurrency} | ${int(step.direct.throughput)} | ${ms(step.direct.summary.p50, 1)} | ${int(step.gateway.throughput)} | ${ms(step.gateway.summary.p50, 1)} | ${ms(step.gateway.summary.p99, 1)} | ${pct((step.gateway.throughput / step.direct.throughput) * 100)} | ${cpuCell(step.gateway.cpu)} | ${pct(step.gateway.gatewayElu)} | ${ms(cost.loopMs)} | ${ms(cost.cpuMs)} |`,
      );
    }
    const failures = intercept.ladder.flatMap((step) =>
      (["direct", "gateway"] as const)
        .filter((side) => step[side].failed > 0)
        .map(
          (side) =>
            `c=${step.concurrency} ${side}: ${step[side].failed} failed (${step[side].firstError ?? ""})`,
        ),
    );
    if (failures.length > 0) {
      lines.push("", `Failures: ${failures.join("; ")}.`);
    }
    lines.push("");
  }

  if (get) {
    lines.push(
      "## `GET /v1/interceptions/{id}` vs a bare Hono JSON route",
      "",
      `The gateway serves a database of ${int(get.rows)} interceptions (20 merchants, 3 events each, seeded by the store scenario); each request reads a different interception of the benchmark merchant, with its API key. The bare app (\`bench/bare-hono.ts\`, @hono/node-server, no auth, no database) answers the same route with a fixed JSON object: the gateway's own answer for one interception (${int(get.bodyBytes)} bytes). Closed loop, same generator and concurrency.`,
      "",
      "| Concurrency | Gateway req/s | Gateway p50 / p99 ms | Bare Hono req/s | Bare p50 / p99 ms | Gateway / bare | CPU % of one core (gateway phase) | CPU % of one core (bare phase) | Gateway event loop busy |",
      "|---:|---:|---|---:|---|---:|---|---|---:|",
    );
    for (const step of get.steps) {
      lines.push(
        `| ${step.concurrency} | ${int(step.gateway.throughput)} | ${ms(step.gateway.summary.p50)} / ${ms(step.gateway.summary.p99)} | ${int(step.bare.throughput)} | ${ms(step.bare.summary.p50)} / ${ms(step.bare.summary.p99)} | ${pct((step.gateway.throughput / step.bare.throughput) * 100)} | ${cpuCell(step.gateway.cpu)} | ${cpuCell(step.bare.cpu)} | ${pct(step.gateway.serverElu)} |`,
      );
    }
    lines.push("");
  }

  if (breaker) {
    const heapGrowth =
      breaker.heapAfterGcEndMiB !== null && breaker.heapAfterGcStartMiB !== null
        ? breaker.heapAfterGcEndMiB - breaker.heapAfterGcStartMiB
        : Number.NaN;
    lines.push(
      "## Carrier down, breaker open",
      "",
      `The gateway's SF endpoint is a loopback port nothing listens on (connections refused); \`BREAKER_VOLUME_THRESHOLD=5\`. The breaker opened after ${breaker.breakerOpenedAfter} eligibility requests; then \`POST /v1/eligibility\` ran open loop at ${breaker.rate} req/s for ${breaker.durationS} s (default \`BREAKER_RESET_TIMEOUT_MS\`, so the breaker lets one trial call through every 30 s and reopens). Answers: ${Object.entries(
        breaker.statuses,
      )
        .map(([status, count]) => `${count} × ${status}`)
        .join(
          ", ",
        )}; ${breaker.failed} not 200, ${breaker.unanswered} unanswered. Breaker at the end: ${breaker.circuitAtEnd === 1 ? "open" : String(breaker.circuitAtEnd)}.`,
      "",
      "| Server | Requests | p50 ms | p90 ms | p99 ms | max ms | CPU % of one core | RSS start → end MiB | RSS trend MiB/min | Heap after full GC, start → end MiB | Heap trend MiB/min |",
      "|---|---:|---:|---:|---:|---:|---|---|---:|---|---:|",
      `| gateway | ${int(breaker.summary.count)} | ${ms(breaker.summary.p50)} | ${ms(breaker.summary.p90)} | ${ms(breaker.summary.p99)} | ${ms(breaker.summary.max)} | ${cpuCell(breaker.cpu)} | ${ms(breaker.rssStartMiB, 1)} → ${ms(breaker.rssEndMiB, 1)} | ${ms(breaker.rssSlopeMiBPerMin, 2)} | ${ms(breaker.heapAfterGcStartMiB ?? Number.NaN, 1)} → ${ms(breaker.heapAfterGcEndMiB ?? Number.NaN, 1)} (${heapGrowth >= 0 ? "+" : ""}${ms(heapGrowth, 1)}) | ${ms(breaker.heapSlopeMiBPerMin, 2)} |`,
    );
    const floor = breaker.floor;
    if (floor) {
      lines.push(
        `| bare Hono (floor) | ${int(floor.summary.count)} | ${ms(floor.summary.p50)} | ${ms(floor.summary.p90)} | ${ms(floor.summary.p99)} | ${ms(floor.summary.max)} | ${cpuCell(floor.cpu)} | – | – | – | – |`,
        "",
        `The second row is the floor: after the gateway's run (the gateway idle meanwhile), the same generator sent the same eligibility requests at the same ${breaker.rate} req/s over the same Pool settings for ${floor.durationS} s to a bare Hono route (\`bench/bare-hono.ts\`: \`POST /v1/eligibility\` reads the JSON body and answers a constant; no auth, no database)${floor.failed > 0 ? `; ${floor.failed} of its requests were not answered 200` : ""}. That is what this machine and the load generator give for a route that does nothing, so the gateway's own share of the latency is roughly the difference: p50 ${ms(breaker.summary.p50 - floor.summary.p50)} ms, p99 ${ms(breaker.summary.p99 - floor.summary.p99)} ms.`,
      );
    } else {
      lines.push(
        "",
        "The floor (the same load against a bare Hono route) was not measured in this run.",
      );
    }
    lines.push(
      "",
      `Heap after a forced full GC (s: MiB): ${breaker.heapAfterGc.map(([second, value]) => `${Math.round(second)}: ${value.toFixed(2)}`).join(", ")}.`,
      "",
      `RSS every 10 s (MiB): ${breaker.rss
        .filter(([second], index) => index === 0 || Math.round(second) % 10 === 0)
        .map(([second, value]) => `${Math.round(second)} s: ${value.toFixed(1)}`)
        .join(", ")}.`,
      "",
    );
  }

  if (store) {
    lines.push(
      "## Store cost as it grows",
      "",
      "In-process, `openSqliteStore` on a temp file with the store's own pragmas (WAL, `synchronous = FULL`). Seeded rows are settled interceptions with 3 events each, 20 merchants, scattered tracking numbers (seeding itself: one prepared INSERT, one transaction per 50k rows, `synchronous = OFF` for the seeding only). At each size: 300 `insertInterception` calls (interception + event + submit job, one `BEGIN IMMEDIATE` transaction and its fsync each), 2,000 `getInterception` of random rows (row + events, one read transaction), 300 `listInterceptions` first pages (21 rows + their events). Timings in ms, after untimed warm-up calls.",
      "",
      "| Interceptions | insert p50 | insert p99 | get p50 | get p99 | list page p50 | list page p99 | DB + WAL on disk | after checkpoint | bytes / interception |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const size of store.sizes) {
      lines.push(
        `| ${int(size.rows)} | ${ms(size.insert.p50, 3)} | ${ms(size.insert.p99, 3)} | ${ms(size.getById.p50, 3)} | ${ms(size.getById.p99, 3)} | ${ms(size.listFirstPage.p50, 3)} | ${ms(size.listFirstPage.p99, 3)} | ${ms((size.dbBytes + size.walBytes) / 1024 / 1024, 1)} MiB | ${ms(size.checkpointedBytes / 1024 / 1024, 1)} MiB | ${int(size.bytesPerInterception)} |`,
      );
    }
    lines.push("");
  }

  lines.push("## What bounds the numbers", "");
  if (intercept) {
    const profile = intercept.profile;
    const summary = profile.summary;
    const sqlite = areaShare(summary, (area) => area === "pkg: better-sqlite3");
    const drizzle = areaShare(summary, (area) => area === "pkg: drizzle-orm");
    const cost = perRequest(profile.result, profile.result.gatewayElu);
    const best = intercept.ladder.reduce((a, b) =>
      b.gateway.throughput > a.gateway.throughput ? b : a,
    );
    const bestCost = perRequest(best.gateway, best.gateway.gatewayElu);
    lines.push(
      `**Intercept.** At its best (c=${best.concurrency}) the gateway completed ${int(best.gateway.throughput)} intercepts/s with its event loop busy ${pct(best.gateway.gatewayElu)} of the time and ${pct(best.gateway.cpu.gateway ?? Number.NaN)} of a core in CPU: ${ms(bestCost.loopMs)} ms of main-thread time per intercept against ${ms(bestCost.cpuMs)} ms of process CPU (all threads). ${bestCost.cpuMs < bestCost.loopMs * 0.8 ? "The gap is the main thread blocked in system calls (SQLite's fsync under `synchronous = FULL`) or waiting for a core." : "So at this step the loop was computing rather than waiting: the work per intercept is CPU (fsync waits show at the steps where loop time exceeds CPU time)."} The sandbox and the load generator used ${pct(best.gateway.cpu.sandbox ?? Number.NaN)} and ${pct(best.gateway.cpu.bench ?? Number.NaN)} of a core and the whole machine ${pct(best.gateway.cpu.machine ?? Number.NaN)} of its 200 % (steal ${pct(best.gateway.cpu.steal ?? Number.NaN)}): the ceiling is the gateway's single event loop, not the carrier or the load generator. Each intercept makes eight store calls on that loop: the API-key look-up (joined with its merchant), a read of the idempotency key, the open-interceptions check for the parcel, one write that claims the key and inserts the interception, its first event and its already-leased submit job, a read-back before the carrier call, the transition to submitted (with the poll job), a read-back for the answer, and the idempotency completion. Three of them are writes, each committed before the request goes on (an fsync under \`synchronous = FULL\`, WAL). Writes go through a group commit (\`src/store/group-commit.ts\`): the writes queued in the same event-loop turn share one \`BEGIN IMMEDIATE\` transaction and one COMMIT, each in its own savepoint, so under load concurrent intercepts share fsyncs. Every statement on the request path is compiled once (prepared); a transition's UPDATE is compiled once per set of patched columns. The fsync still runs on the event loop (better-sqlite3 is synchronous), so the time blocked in COMMIT shows as \`sqliteTransaction\` self time in the profile.`,
      "",
      `In the profiled run (a separate gateway under \`--cpu-prof\`, closed loop at c=${profile.concurrency}, ${int(profile.result.throughput)} intercepts/s, ${ms(cost.loopMs)} ms main-thread time per intercept) better-sqlite3 took ${pct(sqlite, 1)} and drizzle-orm ${pct(drizzle, 1)} of the busy main-thread samples. Profile file: \`${profile.file}\`.`,
      "",
    );
    const stalls = intercept.targetRate.gateway.stalls;
    if (stalls?.loop) {
      const { targetRate } = intercept;
      const meanCommitMs = (stalls.commits.sum / Math.max(1, stalls.commits.count)) * 1000;
      const alone = intercept.ladder.find((step) => step.concurrency === 1);
      lines.push(
        `**Intercept latency at ${targetRate.rate}/s.** Of the median added (${ms(targetRate.gateway.summary.p50 - targetRate.direct.summary.p50)} ms), about ${ms(3 * meanCommitMs, 1)} ms is the three commits each intercept waits for in turn (at that run's mean commit time); the rest is the gateway's own work and queueing behind other requests on a loop busy ${pct(targetRate.gateway.gatewayElu)} of the time${(targetRate.gateway.cpu.steal ?? 0) > 5 ? `, on a machine whose hypervisor took ${pct(targetRate.gateway.cpu.steal ?? Number.NaN)} of a core meanwhile (steal)` : ""}.${alone ? ` Even one intercept at a time (closed loop, c=${alone.concurrency}, nothing to queue behind) added ${ms(alone.gateway.summary.p50 - alone.direct.summary.p50)} ms at the median.` : ""} The p99 added (${ms(targetRate.gateway.summary.p99 - targetRate.direct.summary.p99)} ms) comes from the stalls measured in the same run and the queue that builds behind each: GC pauses up to ${ms(stalls.loop.gcMaxMs, 1)} ms, the slowest commits up to ${ms(bucketBound(stalls.commits, 1) * 1000, 1)} ms, and timers running up to ${ms(stalls.loop.maxMs, 1)} ms late, with the sandbox and the load generator sharing the two cores. Reaching ≤ ${targets.medianAddedMs} ms and ≤ ${targets.p99AddedMs} ms would take the fsync off the event loop (a writer thread; tsx cannot start a \`.ts\` worker on Node 20, so that needs a compiled build of the store) and fewer allocations per intercept; neither is done.`,
        "",
      );
    }
    profileTables("Intercept hot path (gateway main thread)", summary, lines);
  }
  if (get) {
    const summary = get.profile.summary;
    const sqlite = areaShare(summary, (area) => area === "pkg: better-sqlite3");
    const drizzle = areaShare(summary, (area) => area === "pkg: drizzle-orm");
    const hono = areaShare(summary, (area) => area.includes("hono") || area.includes("zod"));
    lines.push(
      `**GET.** A GET runs the API-key look-up (joined with its merchant) and the interception read (row + events in a read transaction) through statements prepared once (run by drizzle's session), validates the path with zod-openapi, and serialises the resource; the bare route does none of that. Profiled at c=${get.profile.concurrency} (${int(get.profile.result.throughput)} req/s under the profiler): better-sqlite3 ${pct(sqlite, 1)}, drizzle-orm ${pct(drizzle, 1)}, Hono + zod ${pct(hono, 1)} of the busy main-thread samples. Profile file: \`${get.profile.file}\`.`,
      "",
    );
    profileTables("GET hot path (gateway main thread)", summary, lines);
  }
  if (breaker?.profile) {
    const profile = breaker.profile;
    lines.push(
      `**Breaker open.** A fresh gateway under \`--cpu-prof\`, breaker open, the same ${breaker.rate} req/s of eligibility checks for 10 s (p50 ${ms(profile.result.summary.p50)} ms, p99 ${ms(profile.result.summary.p99)} ms under the profiler). Nothing reaches the carrier; what is left is HTTP, validation, auth (one SQLite read through a prepared statement, and a SHA-256 of the key), the check for open interceptions of the parcel (one more prepared read), and the open breaker refusing the tracking call up front (a state check and a metric, no timer, retry or opossum call). Profile file: \`${profile.file}\`.`,
      "",
    );
    profileTables(
      "Eligibility with the breaker open (gateway main thread)",
      profile.summary,
      lines,
    );
  }
  lines.push(
    "Profiles are summarised by `bench/lib/cpuprofile.ts` (also a CLI: `npx tsx bench/lib/cpuprofile.ts <file> [top]`), restricted to the timed window. Line numbers of our own files are not meaningful (tsx transpiles them), so they are shown without.",
    "",
  );
  return `${lines.join("\n")}\n`;
}
