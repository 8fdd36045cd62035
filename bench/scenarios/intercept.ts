/**
 * Intercept latency and throughput through the gateway against the direct baseline (the same two
 * SF calls with undici, signed by the SF adapter), both against the SF sandbox in its own process
 * answering after a fixed latency:
 * 1. closed loop at increasing concurrency, both sides at each step (maximum throughput), after
 *    an untimed warm-up of each side so the first step does not measure a cold JIT;
 * 2. open loop at the target rate, both sides (the target's "added" latency);
 * 3. when the gateway cannot sustain the target rate, open loop again at half the gateway's
 *    maximum, so the added latency of an unsaturated gateway is known too;
 * 4. a fresh gateway under `--cpu-prof`, closed loop, only the timed window summarised.
 */
import { join } from "node:path";
import { freePort } from "../../test/integration/loopback.ts";
import { closedLoop, type LoadResult, openLoop, type Summary, summarize } from "../lib/load.ts";
import { type LoopStalls, loopStalls, meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, stop } from "../lib/procs.ts";
import { cpuProfArgs, type ProfiledPhase, profilePhase } from "../lib/profiling.ts";
import { createParcels, directClient, gatewayClient, Parcels } from "../lib/sf.ts";
import {
  createMerchant,
  type Histogram,
  histogramDelta,
  histogramIn,
  readMetrics,
  startGateway,
  startSandbox,
  tempDir,
} from "../lib/stack.ts";

export interface PhaseStats {
  summary: Summary;
  ok: number;
  failed: number;
  unanswered: number;
  offered: number;
  overloaded: boolean;
  throughput: number;
  maxLagMs: number;
  /** % of one core, per process, over the phase. */
  cpu: Record<string, number>;
  /** Gateway event-loop utilisation over the phase, % (NaN when not sampled). */
  gatewayElu: number;
  firstError?: string;
  /** Gateway side of an open-loop phase: what held its event loop up. */
  stalls?: GatewayStalls;
  /** Gateway side of a closed-loop step: `gateway_store_commit_seconds` over the step. */
  commits?: Histogram;
  /** Gateway side of a closed-loop step: `gateway_store_fsync_seconds` over the step. */
  fsyncs?: Histogram;
}

export interface GatewayStalls {
  loop: LoopStalls | null;
  /** `gateway_store_commit_seconds` observed during the phase. */
  commits: Histogram;
  /** `gateway_store_fsync_seconds`: the WAL fsync each write waited for after its commit. */
  fsyncs: Histogram;
}

export const commitMetric = "gateway_store_commit_seconds";
export const fsyncMetric = "gateway_store_fsync_seconds";

/** The store's commit and fsync histograms as the gateway's /metrics has them now. */
async function readStoreTimes(url: string): Promise<{ commits: Histogram; fsyncs: Histogram }> {
  const metrics = await readMetrics(url);
  return { commits: histogramIn(metrics, commitMetric), fsyncs: histogramIn(metrics, fsyncMetric) };
}

export interface LatencyPair {
  rate: number;
  durationS: number;
  direct: PhaseStats;
  gateway: PhaseStats;
}

export interface InterceptResult {
  latencyMs: number;
  targetRate: LatencyPair;
  /** At half the gateway's maximum throughput; null when the target rate was sustained. */
  sustainableRate: LatencyPair | null;
  ladder: { concurrency: number; direct: PhaseStats; gateway: PhaseStats }[];
  profile: ProfiledPhase<PhaseStats> & { concurrency: number };
}

export interface InterceptOptions {
  latencyMs: number;
  rate: number;
  durationS: number;
  warmupS: number;
  /** Untimed closed loop at c=16 on each side before the ladder. */
  ladderWarmupS: number;
  ladder: number[];
  stepS: number;
  profileS: number;
  profileConcurrency: number;
}

function stats(result: LoadResult, cpu: Record<string, number>, gatewayElu: number): PhaseStats {
  return {
    summary: summarize(result.latencies),
    ok: result.ok,
    failed: result.failed,
    unanswered: result.unanswered,
    offered: result.offered,
    overloaded: result.overloaded,
    throughput: result.throughput,
    maxLagMs: result.maxLagMs,
    cpu,
    gatewayElu,
    ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
  };
}

type Side = "direct" | "gateway";

export async function runIntercept(
  options: InterceptOptions,
  log: (line: string) => void,
): Promise<InterceptResult> {
  const gatewayPort = await freePort();
  const sandbox = await startSandbox(options.latencyMs, `http://127.0.0.1:${gatewayPort}`);
  const directory = tempDir("intercept");
  const gateway = await startGateway({
    port: gatewayPort,
    sandboxUrl: sandbox.url,
    databasePath: join(directory, "gateway.db"),
  });
  const maxConcurrency = Math.max(...options.ladder, options.profileConcurrency, 64);
  const apiKey = await createMerchant(gateway.url, "Intercept bench");
  const viaGateway = gatewayClient(gateway.url, apiKey, maxConcurrency);
  const direct = directClient(sandbox.url);
  try {
    // Parcels per side: the warm-up and closed-loop steps (the direct side reaches ~650/s here),
    // and two open-loop pairs; the profiled run draws from its own share.
    const perLadder = Math.ceil(
      (options.ladder.length * options.stepS + options.ladderWarmupS) * 800,
    );
    const perOpenLoop = 2 * Math.ceil(options.rate * (options.durationS + options.warmupS));
    const perProfile = Math.ceil((options.profileS + 1) * 400);
    const started = performance.now();
    const all = await createParcels(sandbox.url, 2 * (perLadder + perOpenLoop) + perProfile);
    log(
      `  intercept: ${all.length} SF parcels created in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const perSide = perLadder + perOpenLoop;
    const parcels: Record<Side, Parcels> = {
      direct: new Parcels(all.slice(0, perSide)),
      gateway: new Parcels(all.slice(perSide, 2 * perSide)),
    };
    const profileParcels = new Parcels(all.slice(2 * perSide));
    const clients: Record<Side, (trackingNumber: string) => Promise<boolean>> = {
      direct: direct.intercept,
      gateway: viaGateway.intercept,
    };
    const fireFor = (side: Side) => () => clients[side](parcels[side].take());
    const pids = { gateway: gateway.child.pid, sandbox: sandbox.child.pid };
    const measure = async (run: () => Promise<LoadResult>): Promise<PhaseStats> => {
      const meter = new CpuMeter(pids);
      const from = Date.now();
      const result = await run();
      const cpu = meter.read();
      return stats(result, cpu, meanElu(gateway.probeFile, from, Date.now()));
    };

    // 1. Throughput: closed loop at increasing concurrency, once both sides are warm.
    for (const side of ["direct", "gateway"] as const) {
      await closedLoop({
        concurrency: 16,
        durationMs: options.ladderWarmupS * 1000,
        maxRequests: Math.max(0, parcels[side].left - perOpenLoop),
        fire: fireFor(side),
      });
    }
    const ladder: InterceptResult["ladder"] = [];
    for (const concurrency of options.ladder) {
      const step: Partial<Record<Side, PhaseStats>> = {};
      for (const side of ["direct", "gateway"] as const) {
        const before = side === "gateway" ? await readStoreTimes(gateway.url) : null;
        const got = await measure(() =>
          closedLoop({
            concurrency,
            durationMs: options.stepS * 1000,
            maxRequests: Math.max(0, parcels[side].left - perOpenLoop),
            fire: fireFor(side),
          }),
        );
        if (before) {
          const after = await readStoreTimes(gateway.url);
          got.commits = histogramDelta(before.commits, after.commits);
          got.fsyncs = histogramDelta(before.fsyncs, after.fsyncs);
        }
        step[side] = got;
        log(
          `  intercept c=${concurrency} ${side}: ${step[side]?.throughput.toFixed(0)}/s, p50 ${step[side]?.summary.p50.toFixed(1)} ms, ${step[side]?.failed} failed`,
        );
      }
      ladder.push({
        concurrency,
        direct: step.direct as PhaseStats,
        gateway: step.gateway as PhaseStats,
      });
    }

    // 2./3. Latency: open loop at a fixed offered rate, direct first.
    const latencyAt = async (rate: number): Promise<LatencyPair> => {
      const pair: Partial<Record<Side, PhaseStats>> = {};
      for (const side of ["direct", "gateway"] as const) {
        const open = (durationS: number) =>
          openLoop({
            rate,
            durationMs: durationS * 1000,
            maxRequests: Math.ceil(rate * durationS),
            // Five seconds of backlog means the side cannot keep up: stop adding to it.
            maxInFlight: Math.max(50, rate * 5),
            drainTimeoutMs: 90_000,
            fire: fireFor(side),
          });
        await open(options.warmupS);
        const before = side === "gateway" ? await readStoreTimes(gateway.url) : null;
        const from = Date.now();
        const got = await measure(() => open(options.durationS));
        if (before) {
          const to = Date.now();
          const after = await readStoreTimes(gateway.url);
          got.stalls = {
            loop: loopStalls(gateway.probeFile, from, to),
            commits: histogramDelta(before.commits, after.commits),
            fsyncs: histogramDelta(before.fsyncs, after.fsyncs),
          };
        }
        pair[side] = got;
        log(
          `  intercept ${rate}/s ${side}: p50 ${got.summary.p50.toFixed(1)} ms, p99 ${got.summary.p99.toFixed(1)} ms, ${got.offered} sent, ${got.failed} failed, ${got.unanswered} unanswered${got.overloaded ? " (overloaded: stopped sending)" : ""}`,
        );
      }
      return {
        rate,
        durationS: options.durationS,
        direct: pair.direct as PhaseStats,
        gateway: pair.gateway as PhaseStats,
      };
    };
    const targetRate = await latencyAt(options.rate);
    const bestGateway = Math.max(...ladder.map((step) => step.gateway.throughput));
    const sustained =
      !targetRate.gateway.overloaded &&
      targetRate.gateway.unanswered === 0 &&
      bestGateway >= options.rate;
    const halfMax = Math.max(1, Math.floor(bestGateway / 2));
    const sustainableRate = sustained ? null : await latencyAt(Math.min(options.rate, halfMax));
    await viaGateway.close();
    await stop(gateway.child);

    // 4. Profile: a fresh gateway under `--cpu-prof`.
    const profileDirectory = tempDir("intercept-prof");
    const profiledPort = await freePort();
    const profiled = await startGateway({
      name: "gateway (cpu-prof)",
      port: profiledPort,
      sandboxUrl: sandbox.url,
      databasePath: join(profileDirectory, "gateway.db"),
      nodeArgs: cpuProfArgs(profileDirectory),
    });
    const profiledKey = await createMerchant(profiled.url, "Profile bench");
    const profiledClient = gatewayClient(profiled.url, profiledKey, options.profileConcurrency);
    const fire = () => profiledClient.intercept(profileParcels.take());
    await closedLoop({
      concurrency: options.profileConcurrency,
      durationMs: 1_000,
      maxRequests: Math.min(200, profileParcels.left),
      fire,
    });
    const profile = await profilePhase(profiled.child, profileDirectory, async () => {
      const meter = new CpuMeter({ gateway: profiled.child.pid, sandbox: sandbox.child.pid });
      const from = Date.now();
      const result = await closedLoop({
        concurrency: options.profileConcurrency,
        durationMs: options.profileS * 1000,
        maxRequests: profileParcels.left,
        fire,
      });
      const cpu = meter.read();
      return stats(result, cpu, meanElu(profiled.probeFile, from, Date.now()));
    });
    await profiledClient.close();
    log(
      `  intercept profile: ${profile.result.throughput.toFixed(0)}/s under --cpu-prof, ${profile.file}`,
    );
    return {
      latencyMs: options.latencyMs,
      targetRate,
      sustainableRate,
      ladder,
      profile: { ...profile, concurrency: options.profileConcurrency },
    };
  } finally {
    await viaGateway.close().catch(() => {});
    await direct.close().catch(() => {});
    await stop(gateway.child);
    await stop(sandbox.child);
  }
}
