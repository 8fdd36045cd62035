/**
 * Memory under intercept load, on both stores at once: one gateway on a SQLite file and one on a
 * PostgreSQL database, each with its own SF sandbox, each taking the same open-loop rate of
 * intercepts for the whole run (10 min in a full run). The sandbox pushes each outcome a few
 * seconds after the intercept, so interceptions also end (push in, final status, jobs removed),
 * as they do in production; the carrier's polling fallback (15 min) does not start within the run.
 *
 * After a warm-up, every `gcEveryS` the probe in each gateway runs a full GC and reports the heap
 * left (the live heap), and RSS is read from /proc every `rssEveryS`; the trend of each is a
 * least-squares slope, per minute. A leak shows as a heap trend that stays up; RSS moves with
 * the allocator and caches too, so it is reported, not judged.
 */
import { join } from "node:path";
import { freePort } from "../../test/integration/loopback.ts";
import { openLoop, type Summary, slope, summarize } from "../lib/load.ts";
import type { BenchPostgres } from "../lib/postgres.ts";
import { gcSample, meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, rssMiB, stop } from "../lib/procs.ts";
import { createParcels, gatewayClient, Parcels } from "../lib/sf.ts";
import {
  createMerchant,
  type Gateway,
  type Sandbox,
  startGateway,
  startSandbox,
  tempDir,
} from "../lib/stack.ts";

export type MemoryStore = "sqlite" | "postgres";

export interface StoreMemory {
  store: MemoryStore;
  offered: number;
  ok: number;
  failed: number;
  unanswered: number;
  /** Scheduled intercepts not sent: 5 s worth were unanswered then. */
  skipped: number;
  firstError?: string;
  summary: Summary;
  /** [seconds since the measured run began, MiB]. */
  heapAfterGc: [number, number][];
  heapSlopeMiBPerMin: number;
  rss: [number, number][];
  rssSlopeMiBPerMin: number;
  /** Gateway event-loop utilisation over the run, %. */
  elu: number;
}

export interface MemoryResult {
  rate: number;
  durationS: number;
  warmupS: number;
  gcEveryS: number;
  rssEveryS: number;
  outcomeDelayMs: number;
  /** % of one core over the measured run, per process. */
  cpu: Record<string, number>;
  stores: StoreMemory[];
}

export interface MemoryOptions {
  latencyMs: number;
  rate: number;
  durationS: number;
  warmupS: number;
  gcEveryS: number;
  rssEveryS: number;
}

const MiB = 1024 * 1024;
/** The sandbox pushes each outcome this long after the intercept. */
const outcomeDelayMs = 2_000;

interface Stack {
  store: MemoryStore;
  sandbox: Sandbox;
  gateway: Gateway;
}

export async function runMemory(
  server: BenchPostgres,
  options: MemoryOptions,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const directory = tempDir("memory");
  const databaseUrl = await server.createDatabase("bench_memory");
  const stacks: Stack[] = [];
  const clients: ReturnType<typeof gatewayClient>[] = [];
  try {
    for (const store of ["sqlite", "postgres"] as const) {
      const port = await freePort();
      const sandbox = await startSandbox(options.latencyMs, `http://127.0.0.1:${port}`);
      stacks.push({
        store,
        sandbox,
        gateway: await startGateway({
          name: `gateway (${store}, memory)`,
          port,
          sandboxUrl: sandbox.url,
          nodeArgs: ["--expose-gc"],
          env: { BENCH_PROBE_INTERVAL_MS: "1000" },
          ...(store === "sqlite"
            ? { databasePath: join(directory, "gateway.db") }
            : { databaseUrl, probeDirectory: directory }),
        }),
      });
    }
    const perStore = Math.ceil(options.rate * (options.durationS + options.warmupS) * 1.05);
    const started = performance.now();
    const runs = await Promise.all(
      stacks.map(async (stack) => {
        const apiKey = await createMerchant(stack.gateway.url, "Memory bench");
        const client = gatewayClient(stack.gateway.url, apiKey, 64);
        clients.push(client);
        const parcels = new Parcels(
          await createParcels(stack.sandbox.url, perStore, outcomeDelayMs),
        );
        return { stack, fire: () => client.intercept(parcels.take()) };
      }),
    );
    log(
      `  memory: ${2 * perStore} SF parcels created in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const open = (fire: () => Promise<boolean>, durationS: number) =>
      openLoop({
        rate: options.rate,
        durationMs: durationS * 1000,
        maxRequests: Math.ceil(options.rate * durationS),
        // A store that falls 5 s behind has requests skipped, not the load stopped: the run
        // must keep intercepts coming for its whole length.
        maxInFlight: options.rate * 5,
        whenFull: "skip",
        drainTimeoutMs: 30_000,
        fire,
      });
    await Promise.all(runs.map(({ fire }) => open(fire, options.warmupS)));

    const startedAt = Date.now();
    const seconds = () => (Date.now() - startedAt) / 1000;
    const heap = new Map<MemoryStore, [number, number][]>(stacks.map((s) => [s.store, []]));
    const rss = new Map<MemoryStore, [number, number][]>(stacks.map((s) => [s.store, []]));
    const sampleGc = () =>
      Promise.all(
        stacks.map(async ({ store, gateway }) => {
          const at = seconds();
          const sample = await gcSample(gateway.probeFile, gateway.child.pid, Date.now());
          if (sample) {
            heap.get(store)?.push([at, sample.heapUsed / MiB]);
          }
        }),
      );
    const sampleRss = () => {
      for (const { store, gateway } of stacks) {
        rss.get(store)?.push([seconds(), rssMiB(gateway.child.pid)]);
      }
    };
    await sampleGc();
    sampleRss();
    const gcTimer = setInterval(() => void sampleGc(), options.gcEveryS * 1000);
    const rssTimer = setInterval(sampleRss, options.rssEveryS * 1000);
    const meter = new CpuMeter(
      Object.fromEntries(
        stacks.flatMap(({ store, gateway, sandbox }) => [
          [`gateway (${store})`, gateway.child.pid],
          [`sandbox (${store})`, sandbox.child.pid],
        ]),
      ),
      { postgres: server.postmasterPid },
    );
    const results = await Promise.all(runs.map(({ fire }) => open(fire, options.durationS)));
    const cpu = meter.read();
    const endedAt = Date.now();
    clearInterval(gcTimer);
    clearInterval(rssTimer);
    sampleRss();
    await sampleGc();

    const stores = stacks.map(({ store, gateway }, index): StoreMemory => {
      const result = results[index];
      if (!result) {
        throw new Error(`no load result for ${store}`);
      }
      const heapPoints = (heap.get(store) ?? []).sort((x, y) => x[0] - y[0]);
      const rssPoints = rss.get(store) ?? [];
      const measured: StoreMemory = {
        store,
        offered: result.offered,
        ok: result.ok,
        failed: result.failed,
        unanswered: result.unanswered,
        skipped: result.skipped ?? 0,
        ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
        summary: summarize(result.latencies),
        heapAfterGc: heapPoints,
        heapSlopeMiBPerMin: slope(heapPoints) * 60,
        rss: rssPoints,
        rssSlopeMiBPerMin: slope(rssPoints) * 60,
        elu: meanElu(gateway.probeFile, startedAt, endedAt),
      };
      log(
        `  memory ${store}: ${measured.ok} ok / ${measured.failed} failed, heap after GC ${heapPoints[0]?.[1].toFixed(1)} → ${heapPoints.at(-1)?.[1].toFixed(1)} MiB (${measured.heapSlopeMiBPerMin.toFixed(2)} MiB/min), RSS ${rssPoints[0]?.[1].toFixed(0)} → ${rssPoints.at(-1)?.[1].toFixed(0)} MiB`,
      );
      return measured;
    });
    return {
      rate: options.rate,
      durationS: options.durationS,
      warmupS: options.warmupS,
      gcEveryS: options.gcEveryS,
      rssEveryS: options.rssEveryS,
      outcomeDelayMs,
      cpu,
      stores,
    };
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    for (const { gateway, sandbox } of stacks) {
      await stop(gateway.child);
      await stop(sandbox.child);
    }
  }
}
