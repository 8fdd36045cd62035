/**
 * The processes under test, compiled as shipped (`npm run build` first, see build.ts): the carrier
 * sandboxes (`dist/src/sandbox-main.js`, SF answering after a fixed latency) and the gateway
 * (`dist/src/main.js`) on a fresh temp SQLite file or a PostgreSQL database, plus a merchant.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { request } from "undici";
import { newSandboxSecret } from "../../adapters/sandbox-kit/secret.ts";
import { freePort } from "../../test/integration/loopback.ts";
import { compiled, compileProbe } from "./build.ts";
import { type Child, spawnNode, waitReady } from "./procs.ts";

export const adminToken = "bench-admin-token-0123456789";

/** Raised so the per-key limiter never throttles a benchmark. */
// The bench measures the gateway, not its limits: neither the HTTP rate limit nor the
// per-merchant carrier-call budget may turn its requests into 429s.
const unthrottled = {
  RATE_LIMIT_BURST: "100000000",
  RATE_LIMIT_PER_SECOND: "100000000",
  CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: "100000000",
};

export interface Sandbox {
  child: Child;
  url: string;
}

export interface Gateway {
  child: Child;
  url: string;
  /** Its DATABASE_URL. */
  databaseUrl: string;
  /** Where the preloaded probe writes memory and event-loop samples. */
  probeFile: string;
}

let probeScript: string | undefined;

/** The probe as plain JavaScript, compiled once per run. */
function probe(): string {
  probeScript ??= compileProbe(tempDir("probe"));
  return probeScript;
}

/** The sandboxes' run secret (SANDBOX_SECRET), shared by every sandbox and gateway of a run. */
const sandboxSecret = newSandboxSecret();

export async function startSandbox(latencyMs: number, gatewayUrl: string): Promise<Sandbox> {
  const port = await freePort();
  const child = spawnNode(
    "sandbox",
    compiled.sandbox,
    {
      SANDBOX_PORT: String(port),
      SANDBOX_LATENCY_MS: String(latencyMs),
      GATEWAY_URL: gatewayUrl,
      SANDBOX_SECRET: sandboxSecret,
    },
    { tsx: false },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(child, `${url}/_sandbox/health`);
  return { child, url };
}

/** Every temp directory made by this run, for the final clean-up. */
export const createdTempDirs: string[] = [];

export function tempDir(label: string): string {
  const directory = mkdtempSync(join(tmpdir(), `gateway-bench-${label}-`));
  createdTempDirs.push(directory);
  return directory;
}

/** A SQLite file (the probe writes beside it), or a PostgreSQL URL and a folder for the probe. */
export type GatewayDatabase =
  | { databasePath: string }
  | { databaseUrl: string; probeDirectory: string };

/**
 * Starts `node --import <probe> dist/src/main.js`; `port` lets the sandbox know the push URL
 * before the gateway is up.
 */
export async function startGateway(
  options: {
    port: number;
    sandboxUrl: string;
    env?: Record<string, string>;
    nodeArgs?: string[];
    name?: string;
  } & GatewayDatabase,
): Promise<Gateway> {
  const url = `http://127.0.0.1:${options.port}`;
  const [databaseUrl, probeDirectory] =
    "databasePath" in options
      ? [`file:${options.databasePath}`, dirname(options.databasePath)]
      : [options.databaseUrl, options.probeDirectory];
  const probeFile = join(probeDirectory, `probe-${options.port}.jsonl`);
  const child = spawnNode(
    options.name ?? "gateway",
    compiled.gateway,
    {
      GATEWAY_PORT: String(options.port),
      PUBLIC_URL: url,
      SANDBOX_URL: options.sandboxUrl,
      SANDBOX_SECRET: sandboxSecret,
      DATABASE_URL: databaseUrl,
      ADMIN_TOKEN: adminToken,
      LOG_LEVEL: "error",
      ...unthrottled,
      BENCH_PROBE_FILE: probeFile,
      ...options.env,
    },
    { nodeArgs: options.nodeArgs ?? [], preload: [probe()], tsx: false },
  );
  await waitReady(child, `${url}/healthz`);
  return { child, url, databaseUrl, probeFile };
}

/** Creates a merchant through the admin API; returns its API key. */
export async function createMerchant(gatewayUrl: string, name: string): Promise<string> {
  const response = await request(`${gatewayUrl}/admin/merchants`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name, pickupService: false }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) {
    throw new Error(`creating a merchant: ${response.statusCode} ${text}`);
  }
  return (JSON.parse(text) as { apiKey: string }).apiKey;
}

/** Reads one sample of a metric from the gateway's /metrics (first line that matches). */
export async function metricValue(gatewayUrl: string, pattern: RegExp): Promise<number | null> {
  const response = await request(`${gatewayUrl}/metrics`);
  const text = await response.body.text();
  for (const line of text.split("\n")) {
    if (pattern.test(line)) {
      return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return null;
}

/** A Prometheus histogram without labels, as `/metrics` shows it. */
export interface Histogram {
  /** Upper bound (s; Infinity last) and the cumulative count up to it. */
  buckets: Array<[number, number]>;
  sum: number;
  count: number;
}

/** Reads an unlabelled histogram from the gateway's /metrics (empty when it has none yet). */
export async function readHistogram(gatewayUrl: string, name: string): Promise<Histogram> {
  return histogramIn(await readMetrics(gatewayUrl), name);
}

/** The gateway's /metrics text, once, for reading several histograms of the same moment. */
export async function readMetrics(gatewayUrl: string): Promise<string> {
  const response = await request(`${gatewayUrl}/metrics`);
  return response.body.text();
}

/** An unlabelled histogram in a /metrics text (empty when it has none yet). */
export function histogramIn(text: string, name: string): Histogram {
  const histogram: Histogram = { buckets: [], sum: 0, count: 0 };
  for (const line of text.split("\n")) {
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    const bucket = line.match(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} `));
    if (bucket) {
      histogram.buckets.push([bucket[1] === "+Inf" ? Infinity : Number(bucket[1]), value]);
    } else if (line.startsWith(`${name}_sum `)) {
      histogram.sum = value;
    } else if (line.startsWith(`${name}_count `)) {
      histogram.count = value;
    }
  }
  return histogram;
}

/** What was observed between two readings of the same histogram. */
export function histogramDelta(before: Histogram, after: Histogram): Histogram {
  return {
    buckets: after.buckets.map(([bound, count]) => {
      const earlier = before.buckets.find(([each]) => each === bound)?.[1] ?? 0;
      return [bound, count - earlier];
    }),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/** The smallest bucket bound (s) that holds at least `quantile` of the observations. */
export function bucketBound(histogram: Histogram, quantile: number): number {
  const wanted = quantile * histogram.count;
  return histogram.buckets.find(([, count]) => count >= wanted)?.[0] ?? Number.NaN;
}

/** How many observations exceeded `bound` (s), which must be one of the bucket bounds. */
export function countAbove(histogram: Histogram, bound: number): number {
  const within = histogram.buckets.find(([each]) => each === bound)?.[1];
  return within === undefined ? Number.NaN : histogram.count - within;
}
