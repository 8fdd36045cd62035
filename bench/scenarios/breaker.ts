/**
 * Carrier down, breaker open: the gateway's SF endpoint refuses connections (nothing listens on
 * the port), the breaker is opened with a few calls, then POST /v1/eligibility is driven at a
 * steady rate for 60 s. Latency, the gateway's RSS (from /proc, as `ps -o rss=`) every second,
 * and its heap after a forced full GC before and after the run (through the preloaded probe).
 * Then the same load against a bare Hono route, the floor that the machine and the load
 * generator set for the latency.
 */
import { join } from "node:path";
import { Pool } from "undici";
import { freePort } from "../../test/integration/loopback.ts";
import { openLoop, type Summary, slope, summarize } from "../lib/load.ts";
import { gcSample, type LoopStalls, loopStalls } from "../lib/probe-reader.ts";
import { CpuMeter, rssMiB, sleep, spawnNode, stop, waitReady } from "../lib/procs.ts";
import { cpuProfArgs, type ProfiledPhase, profilePhase } from "../lib/profiling.ts";
import { interceptBody, nextTrackingNumber } from "../lib/sf.ts";
import { createMerchant, metricValue, startGateway, tempDir } from "../lib/stack.ts";

/** The same open loop against `bench/bare-hono.ts`: a route that reads the body, nothing else. */
export interface BreakerFloor {
  durationS: number;
  summary: Summary;
  /** Requests not answered 200, or not answered at all. */
  failed: number;
  cpu: Record<string, number>;
}

export interface BreakerResult {
  rate: number;
  durationS: number;
  summary: Summary;
  ok: number;
  failed: number;
  unanswered: number;
  statuses: Record<string, number>;
  breakerOpenedAfter: number;
  circuitAtEnd: number | null;
  cpu: Record<string, number>;
  /** What held the gateway's event loop up during the run (absent in older results). */
  stalls?: LoopStalls | null;
  /** [seconds since start, RSS MiB] every second. */
  rss: [number, number][];
  rssSlopeMiBPerMin: number;
  rssStartMiB: number;
  rssEndMiB: number;
  heapAfterGcStartMiB: number | null;
  heapAfterGcEndMiB: number | null;
  /** [seconds since start, heap used MiB right after a forced full GC], before and after. */
  heapAfterGc: [number, number][];
  heapSlopeMiBPerMin: number;
  /** Null when it could not be measured; absent in results saved before it was added. */
  floor: BreakerFloor | null;
  profile: ProfiledPhase<{ throughput: number; summary: Summary }> | null;
  firstError?: string;
}

const MiB = 1024 * 1024;

// The gateway and the floor are driven through the same Pool settings.
const poolOptions: Pool.Options = { connections: 64, headersTimeout: 60_000 };

/** One eligibility check of a fresh parcel; resolves to the answer's status. */
async function postEligibility(pool: Pool, apiKey: string): Promise<number> {
  const response = await pool.request({
    path: "/v1/eligibility",
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: interceptBody(nextTrackingNumber()),
  });
  await response.body.dump();
  return response.statusCode;
}

export async function runBreaker(
  options: { rate: number; durationS: number; warmupS: number; floorS: number },
  log: (line: string) => void,
): Promise<BreakerResult> {
  const refusing = `http://127.0.0.1:${await freePort()}`;
  const directory = tempDir("breaker");
  const gateway = await startGateway({
    port: await freePort(),
    sandboxUrl: refusing,
    databasePath: join(directory, "gateway.db"),
    env: { BREAKER_VOLUME_THRESHOLD: "5", BENCH_PROBE_INTERVAL_MS: "1000" },
    nodeArgs: ["--expose-gc"],
  });
  const pool = new Pool(gateway.url, poolOptions);
  try {
    const apiKey = await createMerchant(gateway.url, "Breaker bench");
    const statuses: Record<string, number> = {};
    let counting = false;
    const fire = async () => {
      const status = await postEligibility(pool, apiKey);
      if (counting) {
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      return status === 200;
    };

    // Open the breaker: calls fail with ECONNREFUSED until it trips.
    const circuit = /^gateway_circuit_open\{carrier="sf-express"\}/;
    let sent = 0;
    const until = Date.now() + 60_000;
    while ((await metricValue(gateway.url, circuit)) !== 1) {
      if (Date.now() > until) {
        throw new Error("the SF breaker did not open within 60 s");
      }
      await Promise.all(Array.from({ length: 10 }, () => fire().catch(() => false)));
      sent += 10;
    }
    log(`  breaker: open after ${sent} eligibility requests`);

    await openLoop({
      rate: options.rate,
      durationMs: options.warmupS * 1000,
      maxRequests: options.rate * options.warmupS,
      fire,
    });
    const before = await gcSample(gateway.probeFile, gateway.child.pid, Date.now());

    const rss: [number, number][] = [];
    const heapAfterGc: [number, number][] = [];
    const started = Date.now();
    if (before) {
      heapAfterGc.push([0, before.heapUsed / MiB]);
    }
    const sampler = setInterval(() => {
      rss.push([(Date.now() - started) / 1000, rssMiB(gateway.child.pid)]);
    }, 1_000);
    // No forced GC inside the timed window: a full GC stalls the loop for milliseconds, which
    // would land in the very p99 this scenario judges. The heap after GC is taken at both ends
    // only; the memory scenario follows it over time.
    rss.push([0, rssMiB(gateway.child.pid)]);
    counting = true;
    const meter = new CpuMeter({ gateway: gateway.child.pid });
    const result = await openLoop({
      rate: options.rate,
      durationMs: options.durationS * 1000,
      maxRequests: options.rate * options.durationS,
      maxInFlight: options.rate * 5,
      drainTimeoutMs: 30_000,
      fire,
    });
    const cpu = meter.read();
    const stalls = loopStalls(gateway.probeFile, started, Date.now());
    clearInterval(sampler);
    rss.push([(Date.now() - started) / 1000, rssMiB(gateway.child.pid)]);
    await sleep(500);
    const endAt = Date.now();
    const after = await gcSample(gateway.probeFile, gateway.child.pid, endAt);
    if (after) {
      heapAfterGc.push([(endAt - started) / 1000, after.heapUsed / MiB]);
    }
    const circuitAtEnd = await metricValue(gateway.url, circuit);
    const summary = summarize(result.latencies);
    log(
      `  breaker: p99 ${summary.p99.toFixed(2)} ms over ${result.ok + result.failed} requests, RSS ${rss[0]?.[1].toFixed(1)} → ${rss.at(-1)?.[1].toFixed(1)} MiB`,
    );
    const floor = await measureFloor(options.rate, options.floorS, log);
    return {
      rate: options.rate,
      durationS: options.durationS,
      summary,
      ok: result.ok,
      failed: result.failed,
      unanswered: result.unanswered,
      statuses,
      breakerOpenedAfter: sent,
      circuitAtEnd,
      cpu,
      stalls,
      rss,
      rssSlopeMiBPerMin: slope(rss) * 60,
      rssStartMiB: rss[0]?.[1] ?? Number.NaN,
      rssEndMiB: rss.at(-1)?.[1] ?? Number.NaN,
      heapAfterGcStartMiB: before ? before.heapUsed / MiB : null,
      heapAfterGcEndMiB: after ? after.heapUsed / MiB : null,
      heapAfterGc: heapAfterGc.sort((a, b) => a[0] - b[0]),
      heapSlopeMiBPerMin: slope(heapAfterGc) * 60,
      floor,
      profile: await profileBreaker(refusing, options.rate, log),
      ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
    };
  } finally {
    await pool.close().catch(() => {});
    await stop(gateway.child);
  }
}

/**
 * The same open loop (rate, request body, Pool settings) against a bare Hono route that reads
 * the body and answers a constant: the latency the machine and the load generator give on their
 * own. Runs while the measured gateway sits idle.
 */
async function measureFloor(
  rate: number,
  durationS: number,
  log: (line: string) => void,
): Promise<BreakerFloor | null> {
  const port = await freePort();
  const bare = spawnNode("bare-hono (breaker floor)", "bench/bare-hono.ts", {
    BARE_PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  const pool = new Pool(url, poolOptions);
  try {
    await waitReady(bare, `${url}/healthz`);
    // The bare app ignores the key; it is sent anyway so the request has the same headers.
    const fire = async () => (await postEligibility(pool, "floor")) === 200;
    await openLoop({ rate, durationMs: 2_000, maxRequests: rate * 2, fire });
    const meter = new CpuMeter({ bare: bare.pid });
    const result = await openLoop({
      rate,
      durationMs: durationS * 1000,
      maxRequests: rate * durationS,
      maxInFlight: rate * 5,
      drainTimeoutMs: 30_000,
      fire,
    });
    const cpu = meter.read();
    const summary = summarize(result.latencies);
    log(`  breaker floor (bare Hono): p99 ${summary.p99.toFixed(2)} ms`);
    return { durationS, summary, failed: result.failed + result.unanswered, cpu };
  } catch (error) {
    log(`  breaker floor failed: ${String(error)}`);
    return null;
  } finally {
    await pool.close().catch(() => {});
    await stop(bare);
  }
}

/** A short run of the same load on a fresh gateway under `--cpu-prof`: where the time goes. */
async function profileBreaker(
  refusing: string,
  rate: number,
  log: (line: string) => void,
): Promise<ProfiledPhase<{ throughput: number; summary: Summary }> | null> {
  const directory = tempDir("breaker-prof");
  const gateway = await startGateway({
    name: "gateway breaker (cpu-prof)",
    port: await freePort(),
    sandboxUrl: refusing,
    databasePath: join(directory, "gateway.db"),
    env: { BREAKER_VOLUME_THRESHOLD: "5" },
    nodeArgs: cpuProfArgs(directory),
  });
  const pool = new Pool(gateway.url, { connections: 64 });
  try {
    const apiKey = await createMerchant(gateway.url, "Breaker profile");
    const fire = async () => (await postEligibility(pool, apiKey)) === 200;
    const until = Date.now() + 30_000;
    while (
      (await metricValue(gateway.url, /^gateway_circuit_open\{carrier="sf-express"\}/)) !== 1 &&
      Date.now() < until
    ) {
      await Promise.all(Array.from({ length: 10 }, () => fire().catch(() => false)));
    }
    await openLoop({ rate, durationMs: 2_000, maxRequests: rate * 2, fire });
    const profile = await profilePhase(gateway.child, directory, async () => {
      const result = await openLoop({
        rate,
        durationMs: 10_000,
        maxRequests: rate * 10,
        maxInFlight: rate * 5,
        fire,
      });
      return { throughput: result.throughput, summary: summarize(result.latencies) };
    });
    log(`  breaker profile: p99 ${profile.result.summary.p99.toFixed(2)} ms under --cpu-prof`);
    return profile;
  } catch (error) {
    log(`  breaker profile failed: ${String(error)}`);
    return null;
  } finally {
    await pool.close().catch(() => {});
    await stop(gateway.child);
  }
}
