/**
 * `GET /v1/interceptions/{id}` throughput on a database of 1M interceptions (seeded by the store
 * scenario) against a bare Hono JSON route, same load generator and concurrency; then the
 * dashboard's interceptions page (50 rows, server-rendered) one request at a time, signed in as
 * the benchmark merchant, each request a different page of its list (issue 11: ≤ 20 ms p95); then
 * a profiled run of the gateway.
 */
import { Pool, request } from "undici";
import { freePort } from "../../test/integration/loopback.ts";
import { closedLoop, type LoadResult, type Summary, summarize } from "../lib/load.ts";
import { meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, spawnNode, stop, waitReady } from "../lib/procs.ts";
import { cpuProfArgs, type ProfiledPhase, profilePhase } from "../lib/profiling.ts";
import { startGateway, tempDir } from "../lib/stack.ts";

export interface GetPhase {
  summary: Summary;
  ok: number;
  failed: number;
  throughput: number;
  cpu: Record<string, number>;
  serverElu: number;
  firstError?: string;
}

export interface GetResult {
  rows: number;
  bodyBytes: number;
  steps: { concurrency: number; gateway: GetPhase; bare: GetPhase }[];
  /** The dashboard's list page, one request at a time; bytes of the first page's HTML. */
  dashboard?: GetPhase & { htmlBytes: number; rowsPerPage: number };
  profile: ProfiledPhase<GetPhase> & { concurrency: number };
}

function phase(result: LoadResult, cpu: Record<string, number>, serverElu: number): GetPhase {
  return {
    summary: summarize(result.latencies),
    ok: result.ok,
    failed: result.failed,
    throughput: result.throughput,
    cpu,
    serverElu,
    ...(result.firstError === undefined ? {} : { firstError: result.firstError }),
  };
}

/** Signs in to the dashboard with an API key; returns the session cookie (`name=value`). */
async function dashboardSession(gatewayUrl: string, apiKey: string): Promise<string> {
  const response = await request(`${gatewayUrl}/dashboard/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ apiKey }).toString(),
  });
  await response.body.dump();
  const setCookie = [response.headers["set-cookie"] ?? []].flat();
  const session = setCookie.map((line) => line.split(";")[0]).find((pair) => pair?.includes("="));
  if (response.statusCode !== 303 || !session) {
    throw new Error(`dashboard sign-in: ${response.statusCode}, no session cookie`);
  }
  return session;
}

/** Each request a page of the merchant's list: the first, or the one older than a seeded id. */
function dashboardPager(url: string, cookie: string, ids: string[]) {
  const pool = new Pool(url, { connections: 1, keepAliveTimeout: 30_000 });
  return {
    fire: async (index: number) => {
      const cursor = index % 10 === 0 ? null : ids[(index * 7_919) % ids.length];
      const response = await pool.request({
        path: `/dashboard/interceptions${cursor ? `?cursor=${cursor}` : ""}`,
        method: "GET",
        headers: { cookie },
      });
      const html = await response.body.text();
      return response.statusCode === 200 && html.includes("<table");
    },
    close: () => pool.close(),
  };
}

function getter(url: string, apiKey: string | null, ids: string[], connections: number) {
  const pool = new Pool(url, { connections, keepAliveTimeout: 30_000 });
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  return {
    fire: async (index: number) => {
      const id = ids[(index * 7_919) % ids.length] as string;
      const response = await pool.request({
        path: `/v1/interceptions/${id}`,
        method: "GET",
        headers,
      });
      await response.body.dump({ limit: 1 << 20 });
      return response.statusCode === 200;
    },
    close: () => pool.close(),
  };
}

export async function runGet(
  input: { databasePath: string; apiKey: string; ids: string[]; rows: number },
  options: { concurrency: number[]; stepS: number; warmupS: number; profileS: number },
  log: (line: string) => void,
): Promise<GetResult> {
  // No carrier is called here; the sandbox URL only keeps the gateway from starting its own.
  const deadCarrier = `http://127.0.0.1:${await freePort()}`;
  const gateway = await startGateway({
    port: await freePort(),
    sandboxUrl: deadCarrier,
    databasePath: input.databasePath,
  });
  const sample = await request(`${gateway.url}/v1/interceptions/${input.ids[0]}`, {
    headers: { authorization: `Bearer ${input.apiKey}` },
  });
  const body = await sample.body.text();
  if (sample.statusCode !== 200) {
    await stop(gateway.child);
    throw new Error(`GET of a seeded interception: ${sample.statusCode} ${body}`);
  }
  const barePort = await freePort();
  const bare = spawnNode("bare-hono", "bench/bare-hono.ts", {
    BARE_PORT: String(barePort),
    BARE_BODY: body,
  });
  const bareUrl = `http://127.0.0.1:${barePort}`;
  const maxConcurrency = Math.max(...options.concurrency);
  const viaGateway = getter(gateway.url, input.apiKey, input.ids, maxConcurrency);
  const viaBare = getter(bareUrl, null, input.ids, maxConcurrency);
  try {
    await waitReady(bare, `${bareUrl}/healthz`);
    const run = async (
      which: "gateway" | "bare",
      concurrency: number,
      durationS: number,
    ): Promise<GetPhase> => {
      const server = which === "gateway" ? gateway.child : bare;
      const meter = new CpuMeter({ [which]: server.pid });
      const from = Date.now();
      const result = await closedLoop({
        concurrency,
        durationMs: durationS * 1000,
        maxRequests: 2_000_000,
        fire: which === "gateway" ? viaGateway.fire : viaBare.fire,
      });
      const cpu = meter.read();
      return phase(
        result,
        cpu,
        which === "gateway" ? meanElu(gateway.probeFile, from, Date.now()) : Number.NaN,
      );
    };
    await run("gateway", maxConcurrency, options.warmupS);
    await run("bare", maxConcurrency, options.warmupS);
    const steps: GetResult["steps"] = [];
    for (const concurrency of options.concurrency) {
      const gatewayPhase = await run("gateway", concurrency, options.stepS);
      const barePhase = await run("bare", concurrency, options.stepS);
      log(
        `  GET c=${concurrency}: gateway ${gatewayPhase.throughput.toFixed(0)}/s (${gatewayPhase.failed} failed), bare Hono ${barePhase.throughput.toFixed(0)}/s`,
      );
      steps.push({ concurrency, gateway: gatewayPhase, bare: barePhase });
    }
    await viaGateway.close();

    // The dashboard's list page: one request at a time, so its latency is its rendering time.
    const cookie = await dashboardSession(gateway.url, input.apiKey);
    const firstPage = await request(`${gateway.url}/dashboard/interceptions`, {
      headers: { cookie },
    });
    const html = await firstPage.body.text();
    const pager = dashboardPager(gateway.url, cookie, input.ids);
    await closedLoop({
      concurrency: 1,
      durationMs: options.warmupS * 1000,
      maxRequests: 1e6,
      fire: pager.fire,
    });
    const meter = new CpuMeter({ gateway: gateway.child.pid });
    const from = Date.now();
    const pages = await closedLoop({
      concurrency: 1,
      durationMs: options.stepS * 1000,
      maxRequests: 1e6,
      fire: pager.fire,
    });
    const dashboard = {
      ...phase(pages, meter.read(), meanElu(gateway.probeFile, from, Date.now())),
      htmlBytes: Buffer.byteLength(html),
      rowsPerPage: (html.match(/<tr/g)?.length ?? 1) - 1,
    };
    await pager.close();
    log(
      `  dashboard list page: p50 ${dashboard.summary.p50.toFixed(1)} ms, p95 ${dashboard.summary.p95.toFixed(1)} ms, ${dashboard.failed} failed`,
    );
    await stop(gateway.child);

    const profileDirectory = tempDir("get-prof");
    const profiled = await startGateway({
      name: "gateway GET (cpu-prof)",
      port: await freePort(),
      sandboxUrl: deadCarrier,
      databasePath: input.databasePath,
      nodeArgs: cpuProfArgs(profileDirectory),
    });
    const profiledGetter = getter(profiled.url, input.apiKey, input.ids, maxConcurrency);
    const concurrency = maxConcurrency;
    await closedLoop({
      concurrency,
      durationMs: 1_000,
      maxRequests: 100_000,
      fire: profiledGetter.fire,
    });
    const profile = await profilePhase(profiled.child, profileDirectory, async () => {
      const meter = new CpuMeter({ gateway: profiled.child.pid });
      const from = Date.now();
      const result = await closedLoop({
        concurrency,
        durationMs: options.profileS * 1000,
        maxRequests: 2_000_000,
        fire: profiledGetter.fire,
      });
      const cpu = meter.read();
      return phase(result, cpu, meanElu(profiled.probeFile, from, Date.now()));
    });
    await profiledGetter.close();
    log(`  GET profile: ${profile.result.throughput.toFixed(0)}/s under --cpu-prof`);
    return {
      rows: input.rows,
      bodyBytes: Buffer.byteLength(body),
      steps,
      dashboard,
      profile: { ...profile, concurrency },
    };
  } finally {
    await viaGateway.close().catch(() => {});
    await viaBare.close().catch(() => {});
    await stop(gateway.child);
    await stop(bare);
  }
}
