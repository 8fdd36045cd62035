/**
 * Intercept throughput on PostgreSQL against SQLite, side by side in one run: closed loop at each
 * concurrency, in turn, on
 * - one gateway on a fresh SQLite file,
 * - one gateway on a PostgreSQL database (the bench's server, fsync on: see lib/postgres.ts),
 * - two gateways on that same database, every other request to each.
 * The three sides share one SF sandbox (answers after a fixed latency, outcome pushes put off past
 * the run) and one load generator, and every process runs throughout, so each phase's CPU shows
 * what the idle ones cost too. Per phase: each process's CPU (PostgreSQL summed over all its
 * processes), each gateway's event-loop utilisation and commit times, and the server's own view
 * (connection states sampled, transactions and WAL fsyncs counted; lib/pg-activity.ts). Then a
 * fresh PostgreSQL gateway under `--cpu-prof` at one instance's best concurrency: where its main
 * thread goes.
 */
import { join } from "node:path";
import { freePort } from "../../test/integration/loopback.ts";
import { closedLoop, type LoadResult, type Summary, summarize } from "../lib/load.ts";
import { type PgActivity, withPgActivity } from "../lib/pg-activity.ts";
import type { BenchPostgres } from "../lib/postgres.ts";
import { meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, stop } from "../lib/procs.ts";
import { cpuProfArgs, type ProfiledPhase, profilePhase } from "../lib/profiling.ts";
import { createParcels, gatewayClient, Parcels } from "../lib/sf.ts";
import {
  createMerchant,
  type Gateway,
  type Histogram,
  histogramDelta,
  readHistogram,
  startGateway,
  startSandbox,
  tempDir,
} from "../lib/stack.ts";
import { commitMetric } from "./intercept.ts";

export type StoreSide = "sqlite" | "postgres1" | "postgres2";
export const storeSides: StoreSide[] = ["sqlite", "postgres1", "postgres2"];

export interface StorePhase {
  summary: Summary;
  ok: number;
  failed: number;
  throughput: number;
  firstError?: string;
  /** % of one core over the phase, per process (every process of the scenario, idle or not). */
  cpu: Record<string, number>;
  /** Event-loop utilisation (%) of each gateway that took load. */
  elu: Record<string, number>;
  /** `gateway_store_commit_seconds` of each gateway that took load, over the phase. */
  commits: Record<string, Histogram>;
  /** The server's view; null on the SQLite side. */
  pg: PgActivity | null;
}

export interface PostgresResult {
  latencyMs: number;
  /** The gateways' DATABASE_POOL_SIZE (connections per instance). */
  poolSize: number;
  stepS: number;
  warmupS: number;
  steps: ({ concurrency: number } & Record<StoreSide, StorePhase>)[];
  /** One PostgreSQL gateway under `--cpu-prof`; null when the profiled run failed. */
  profile: (ProfiledPhase<{ throughput: number }> & { concurrency: number }) | null;
}

export interface PostgresOptions {
  latencyMs: number;
  ladder: number[];
  stepS: number;
  warmupS: number;
  profileS: number;
}

/** The gateways' pool: the default of `DATABASE_POOL_SIZE`, set so the report can name it. */
const poolSize = 10;

/** The names the CPU columns use for each process. */
export const processNames = {
  sqlite: "gateway (SQLite)",
  a: "gateway A",
  b: "gateway B",
  postgres: "postgres",
  sandbox: "sandbox",
};

export async function runPostgres(
  server: BenchPostgres,
  options: PostgresOptions,
  log: (line: string) => void,
): Promise<PostgresResult> {
  const directory = tempDir("postgres-throughput");
  const ports = { sqlite: await freePort(), a: await freePort(), b: await freePort() };
  // The outcome pushes are put off past the run, so the push URL is never used.
  const sandbox = await startSandbox(options.latencyMs, `http://127.0.0.1:${ports.a}`);
  const databaseUrl = await server.createDatabase("bench_throughput");
  const gateways: Gateway[] = [];
  const clients: ReturnType<typeof gatewayClient>[] = [];
  try {
    const start = async (port: number, name: string, database: { databasePath: string } | null) => {
      const gateway = await startGateway({
        name,
        port,
        sandboxUrl: sandbox.url,
        env: { DATABASE_POOL_SIZE: String(poolSize) },
        ...(database ?? { databaseUrl, probeDirectory: directory }),
      });
      gateways.push(gateway);
      return gateway;
    };
    const sqlite = await start(ports.sqlite, processNames.sqlite, {
      databasePath: join(directory, "gateway.db"),
    });
    // One after the other: the second start finds the migrations and pg-boss's queues in place.
    const a = await start(ports.a, processNames.a, null);
    const b = await start(ports.b, processNames.b, null);
    const connections = Math.max(...options.ladder, 16);
    const client = (gateway: Gateway, apiKey: string) => {
      const made = gatewayClient(gateway.url, apiKey, connections);
      clients.push(made);
      return made;
    };
    const viaSqlite = client(sqlite, await createMerchant(sqlite.url, "Store bench"));
    // One merchant on the shared database: both PostgreSQL instances accept its key.
    const pgKey = await createMerchant(a.url, "Store bench");
    const viaA = client(a, pgKey);
    const viaB = client(b, pgKey);

    const perSide = Math.ceil((options.ladder.length * options.stepS + options.warmupS) * 900);
    const perProfile = Math.ceil((options.profileS + 1) * 900);
    const started = performance.now();
    const all = await createParcels(sandbox.url, 3 * perSide + perProfile);
    log(
      `  postgres: ${all.length} SF parcels created in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const parcels: Record<StoreSide, Parcels> = {
      sqlite: new Parcels(all.slice(0, perSide)),
      postgres1: new Parcels(all.slice(perSide, 2 * perSide)),
      postgres2: new Parcels(all.slice(2 * perSide, 3 * perSide)),
    };
    const profileParcels = new Parcels(all.slice(3 * perSide));
    const loaded: Record<StoreSide, { name: string; gateway: Gateway; client: typeof viaA }[]> = {
      sqlite: [{ name: processNames.sqlite, gateway: sqlite, client: viaSqlite }],
      postgres1: [{ name: processNames.a, gateway: a, client: viaA }],
      postgres2: [
        { name: processNames.a, gateway: a, client: viaA },
        { name: processNames.b, gateway: b, client: viaB },
      ],
    };
    const fireFor = (side: StoreSide) => {
      const targets = loaded[side];
      return (index: number) =>
        (targets[index % targets.length] as (typeof targets)[number]).client.intercept(
          parcels[side].take(),
        );
    };
    const meterProcesses = {
      [processNames.sqlite]: sqlite.child.pid,
      [processNames.a]: a.child.pid,
      [processNames.b]: b.child.pid,
      [processNames.sandbox]: sandbox.child.pid,
    };

    const measure = async (side: StoreSide, concurrency: number): Promise<StorePhase> => {
      const targets = loaded[side];
      const commitsBefore = await Promise.all(
        targets.map(({ gateway }) => readHistogram(gateway.url, commitMetric)),
      );
      const meter = new CpuMeter(meterProcesses, { [processNames.postgres]: server.postmasterPid });
      const from = Date.now();
      const load = () =>
        closedLoop({
          concurrency,
          durationMs: options.stepS * 1000,
          maxRequests: parcels[side].left,
          fire: fireFor(side),
        });
      let result: LoadResult;
      let pg: PgActivity | null = null;
      let cpu: Record<string, number>;
      let to: number;
      if (side === "sqlite") {
        result = await load();
        cpu = meter.read();
        to = Date.now();
      } else {
        // The CPU and the loops are read when the load ends, before the counters' settling.
        let read: { cpu: Record<string, number>; to: number } | undefined;
        const owners = Object.fromEntries(
          targets.map(({ name, gateway }) => [name, gateway.child.pid]),
        );
        const sampled = await withPgActivity(databaseUrl, owners, async () => {
          const done = await load();
          read = { cpu: meter.read(), to: Date.now() };
          return done;
        });
        result = sampled.result;
        pg = sampled.activity;
        cpu = read?.cpu ?? {};
        to = read?.to ?? Date.now();
      }
      const commits: Record<string, Histogram> = {};
      const elu: Record<string, number> = {};
      for (const [index, { name, gateway }] of targets.entries()) {
        const before = commitsBefore[index] as Histogram;
        commits[name] = histogramDelta(before, await readHistogram(gateway.url, commitMetric));
        elu[name] = meanElu(gateway.probeFile, from, to);
      }
      return {
        summary: summarize(result.latencies),
        ok: result.ok,
        failed: result.failed,
        throughput: result.throughput,
        ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
        cpu,
        elu,
        commits,
        pg,
      };
    };

    for (const side of storeSides) {
      await closedLoop({
        concurrency: 16,
        durationMs: options.warmupS * 1000,
        maxRequests: Math.floor(parcels[side].left / 4),
        fire: fireFor(side),
      });
    }
    const steps: PostgresResult["steps"] = [];
    for (const concurrency of options.ladder) {
      const step: Partial<Record<StoreSide, StorePhase>> = {};
      for (const side of storeSides) {
        const phase = await measure(side, concurrency);
        step[side] = phase;
        log(
          `  postgres c=${concurrency} ${side}: ${phase.throughput.toFixed(0)}/s, p50 ${phase.summary.p50.toFixed(1)} ms, ${phase.failed} failed${phase.firstError ? ` (${phase.firstError})` : ""}`,
        );
      }
      steps.push({ concurrency, ...(step as Record<StoreSide, StorePhase>) });
    }
    await stop(a.child);
    const best = steps.reduce((x, y) => (y.postgres1.throughput > x.postgres1.throughput ? y : x));
    const profile = await profileGateway(
      { sandboxUrl: sandbox.url, databaseUrl, apiKey: pgKey, directory: tempDir("postgres-prof") },
      { concurrency: best.concurrency, durationS: options.profileS, parcels: profileParcels },
      log,
    );
    return {
      latencyMs: options.latencyMs,
      poolSize,
      stepS: options.stepS,
      warmupS: options.warmupS,
      steps,
      profile,
    };
  } finally {
    await Promise.all(clients.map((each) => each.close().catch(() => {})));
    for (const gateway of gateways) {
      await stop(gateway.child);
    }
    await stop(sandbox.child);
  }
}

/** A fresh gateway on the same database under `--cpu-prof`, closed loop: where its time goes. */
async function profileGateway(
  at: { sandboxUrl: string; databaseUrl: string; apiKey: string; directory: string },
  run: { concurrency: number; durationS: number; parcels: Parcels },
  log: (line: string) => void,
): Promise<PostgresResult["profile"]> {
  const gateway = await startGateway({
    name: "gateway A (cpu-prof)",
    port: await freePort(),
    sandboxUrl: at.sandboxUrl,
    databaseUrl: at.databaseUrl,
    probeDirectory: at.directory,
    env: { DATABASE_POOL_SIZE: String(poolSize) },
    nodeArgs: cpuProfArgs(at.directory),
  });
  const client = gatewayClient(gateway.url, at.apiKey, run.concurrency);
  const fire = () => client.intercept(run.parcels.take());
  try {
    await closedLoop({
      concurrency: run.concurrency,
      durationMs: 1_000,
      maxRequests: Math.floor(run.parcels.left / 4),
      fire,
    });
    const profile = await profilePhase(gateway.child, at.directory, async () => {
      const result = await closedLoop({
        concurrency: run.concurrency,
        durationMs: run.durationS * 1000,
        maxRequests: run.parcels.left,
        fire,
      });
      return { throughput: result.throughput };
    });
    log(`  postgres profile: ${profile.result.throughput.toFixed(0)}/s under --cpu-prof`);
    return { ...profile, concurrency: run.concurrency };
  } catch (error) {
    log(`  postgres profile failed: ${String(error)}`);
    return null;
  } finally {
    await client.close().catch(() => {});
    await stop(gateway.child);
  }
}
