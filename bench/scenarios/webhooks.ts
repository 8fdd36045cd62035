/**
 * Webhook delivery off the request path (issue 11, "Performance"), on one gateway (SQLite file)
 * with private URLs allowed so its receivers can listen on 127.0.0.1 in this process:
 * 1. intercept latency, open loop at the target rate, for a merchant with no endpoint, then one
 *    with two endpoints subscribed to every event, then the first again (the mean of the two
 *    runs without is the baseline, so drift over the scenario does not count against either);
 *    each receiver notes when each event arrived, so the delivery lag is measured too;
 * 2. one endpoint that answers after 10 s (the gateway's delivery timeout) and one that answers
 *    at once, for one merchant, at a lower rate: the fast endpoint's deliveries should keep their
 *    pace, as the API promises a slow or dead endpoint cannot slow the others.
 * Lag = when the receiver got the event minus the event's `createdAt`.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { freePort } from "../../test/integration/loopback.ts";
import { type ProfileSummary, summarizeProfile } from "../lib/cpuprofile.ts";
import { type LoadResult, openLoop, type Summary, summarize } from "../lib/load.ts";
import { meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, sleep, stop } from "../lib/procs.ts";
import { cpuProfArgs } from "../lib/profiling.ts";
import { createParcels, gatewayClient, Parcels } from "../lib/sf.ts";
import { createMerchant, type Gateway, startGateway, startSandbox, tempDir } from "../lib/stack.ts";
import { Receiver, type ReceiverView } from "../lib/webhook-receiver.ts";
import { stageTimes } from "../lib/webhook-stages.ts";

export type { ReceiverView };

export interface WebhookPhase {
  rate: number;
  durationS: number;
  summary: Summary;
  ok: number;
  /** Intercepts answered 201 in the phase and its warm-up: each makes one submitted event. */
  okWithWarmup: number;
  failed: number;
  unanswered: number;
  overloaded: boolean;
  /** % of one core per process over the phase. */
  cpu: Record<string, number>;
  gatewayElu: number;
}

export interface WebhookResult {
  rate: number;
  /** Baseline: no endpoint, before and after the run with endpoints. */
  without: [WebhookPhase, WebhookPhase];
  withTwo: WebhookPhase & { receivers: [ReceiverView, ReceiverView] };
  slowAndFast: WebhookPhase & { fast: ReceiverView; slowReceived: number; drainS: number };
  profile: WebhookProfile;
}

/** One timed window of the profiled gateway: its intercepts and its main thread's samples. */
export interface ProfiledWindow {
  intercepts: number;
  /** Deliveries the receivers got inside the window. */
  deliveries: number;
  summary: ProfileSummary;
  /** Main-thread ms by delivery stage (webhook-stages.ts). */
  stages: Record<string, number>;
}

/**
 * A fresh gateway under `--cpu-prof` at the same rate: a window with no endpoint, then one with
 * two, from the same profile, so the main-thread time the deliveries add is the difference.
 */
export interface WebhookProfile {
  file: string;
  without: ProfiledWindow;
  withTwo: ProfiledWindow;
}

export interface WebhookOptions {
  latencyMs: number;
  rate: number;
  durationS: number;
  warmupS: number;
  slowRate: number;
  slowDurationS: number;
  /** How long the receivers may still take after a phase's last intercept answered. */
  drainS: number;
  /** Each window of the profiled run. */
  profileS: number;
}

type Client = ReturnType<typeof gatewayClient>;

/** A merchant with its endpoints, and a client with its API key. */
async function merchantClient(gatewayUrl: string, name: string, urls: string[]): Promise<Client> {
  const apiKey = await createMerchant(gatewayUrl, name);
  for (const url of urls) {
    await registerEndpoint(gatewayUrl, apiKey, url);
  }
  return gatewayClient(gatewayUrl, apiKey, 256);
}

/** Fresh intercepts through `via`, open loop at `rate` for `seconds`. */
function interceptLoop(via: Client, parcels: Parcels, rate: number, seconds: number) {
  return openLoop({
    rate,
    durationMs: seconds * 1000,
    maxRequests: Math.ceil(rate * seconds),
    maxInFlight: Math.max(50, rate * 5),
    drainTimeoutMs: 60_000,
    fire: () => via.intercept(parcels.take()),
  });
}

async function registerEndpoint(gatewayUrl: string, apiKey: string, url: string): Promise<void> {
  const response = await request(`${gatewayUrl}/v1/webhook-endpoints`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ url, description: "bench receiver" }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) {
    throw new Error(`registering ${url}: ${response.statusCode} ${text.slice(0, 300)}`);
  }
}

export async function runWebhooks(
  options: WebhookOptions,
  log: (line: string) => void,
): Promise<WebhookResult> {
  const gatewayPort = await freePort();
  const sandbox = await startSandbox(options.latencyMs, `http://127.0.0.1:${gatewayPort}`);
  let gateway = await startGateway({
    port: gatewayPort,
    sandboxUrl: sandbox.url,
    databasePath: join(tempDir("webhooks"), "gateway.db"),
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
  });
  const receivers = [new Receiver(0), new Receiver(0)] as const;
  const fast = new Receiver(0);
  // Answers after the gateway's 10 s delivery timeout: every attempt to it times out.
  const slow = new Receiver(10_500);
  const profiledReceivers = [new Receiver(0), new Receiver(0)] as const;
  const clients: Client[] = [];
  try {
    const mainPhase = options.rate * (options.durationS + options.warmupS);
    const slowPhase = options.slowRate * (options.slowDurationS + options.warmupS);
    const profiledPhase = options.rate * 2 * (options.profileS + options.warmupS);
    const parcels = new Parcels(
      await createParcels(sandbox.url, Math.ceil(3 * mainPhase + slowPhase + profiledPhase) + 100),
    );
    const client = async (name: string, urls: string[]) => {
      const made = await merchantClient(gateway.url, name, urls);
      clients.push(made);
      return made;
    };
    const none = await client("Webhooks bench: no endpoint", []);
    const two = await client("Webhooks bench: two endpoints", [
      await receivers[0].listen(),
      await receivers[1].listen(),
    ]);
    const slowFast = await client("Webhooks bench: slow and fast", [
      await slow.listen(),
      await fast.listen(),
    ]);

    const phase = async (via: Client, rate: number, durationS: number): Promise<WebhookPhase> => {
      const warmup = await interceptLoop(via, parcels, rate, options.warmupS);
      const meter = new CpuMeter({ gateway: gateway.child.pid, sandbox: sandbox.child.pid });
      const from = Date.now();
      const result: LoadResult = await interceptLoop(via, parcels, rate, durationS);
      const cpu = meter.read();
      return {
        rate,
        durationS,
        summary: summarize(result.latencies),
        ok: result.ok,
        okWithWarmup: warmup.ok + result.ok,
        failed: result.failed,
        unanswered: result.unanswered,
        overloaded: result.overloaded,
        cpu,
        gatewayElu: meanElu(gateway.probeFile, from, Date.now()),
      };
    };
    const logPhase = (name: string, got: WebhookPhase) =>
      log(
        `  webhooks ${name}: ${got.rate}/s, p50 ${got.summary.p50.toFixed(1)} ms, p99 ${got.summary.p99.toFixed(1)} ms, ${got.failed} failed, ${got.unanswered} unanswered`,
      );

    const before = await phase(none, options.rate, options.durationS);
    logPhase("no endpoint", before);
    const withTwo = await phase(two, options.rate, options.durationS);
    logPhase("two endpoints", withTwo);
    // The deliveries of the phase may still be on their way: wait for them, up to drainS.
    const expected = withTwo.okWithWarmup;
    for (let waited = 0; waited < options.drainS; waited += 1) {
      if (receivers.every((receiver) => receiver.submitted >= expected)) {
        break;
      }
      await sleep(1000);
    }
    const views = [receivers[0].view(), receivers[1].view()] as [ReceiverView, ReceiverView];
    log(
      `  webhooks two endpoints (${expected} intercepts): ${views.map((view) => `${view.submitted} submitted events, lag p50 ${view.lag.p50.toFixed(0)} ms p99 ${view.lag.p99.toFixed(0)} ms`).join("; ")}`,
    );
    const after = await phase(none, options.rate, options.durationS);
    logPhase("no endpoint again", after);

    const mixed = await phase(slowFast, options.slowRate, options.slowDurationS);
    let drained = 0;
    while (drained < options.drainS && fast.submitted < mixed.okWithWarmup) {
      await sleep(1000);
      drained += 1;
    }
    const fastView = fast.view();
    log(
      `  webhooks slow+fast: fast got ${fastView.submitted} of ${mixed.okWithWarmup} submitted events, lag p50 ${fastView.lag.p50.toFixed(0)} ms p99 ${fastView.lag.p99.toFixed(0)} ms; slow got ${slow.received} deliveries`,
    );

    // Same port, so the sandbox's callbacks reach the profiled gateway; a fresh database.
    await stop(gateway.child);
    const profileDirectory = tempDir("webhooks-prof");
    gateway = await startGateway({
      name: "gateway webhooks (cpu-prof)",
      port: gatewayPort,
      sandboxUrl: sandbox.url,
      databasePath: join(tempDir("webhooks-prof-db"), "gateway.db"),
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
      nodeArgs: cpuProfArgs(profileDirectory),
    });
    const profile = await profiledWindows(
      gateway,
      profileDirectory,
      [
        await client("Webhooks bench (profiled): no endpoint", []),
        await client("Webhooks bench (profiled): two endpoints", [
          await profiledReceivers[0].listen(),
          await profiledReceivers[1].listen(),
        ]),
      ],
      profiledReceivers,
      (seconds, via) => interceptLoop(via, parcels, options.rate, seconds),
      options,
    );
    log(
      `  webhooks profile: main thread busy ${profile.without.summary.busyPercent.toFixed(0)} % without, ${profile.withTwo.summary.busyPercent.toFixed(0)} % with two endpoints (${profile.withTwo.deliveries} deliveries)`,
    );
    return {
      rate: options.rate,
      without: [before, after],
      withTwo: { ...withTwo, receivers: views },
      slowAndFast: { ...mixed, fast: fastView, slowReceived: slow.received, drainS: drained },
      profile,
    };
  } finally {
    for (const made of clients) {
      await made.close().catch(() => {});
    }
    for (const receiver of [...receivers, fast, slow, ...profiledReceivers]) {
      await receiver.close().catch(() => {});
    }
    await stop(gateway.child);
    await stop(sandbox.child);
  }
}

/**
 * Runs the two windows on the profiled gateway (each after its own warm-up), stops it so it
 * writes the profile, and summarises each window (monotonic µs, the clock V8 stamps samples with).
 */
async function profiledWindows(
  gateway: Gateway,
  directory: string,
  [none, two]: [Client, Client],
  receivers: readonly [Receiver, Receiver],
  load: (seconds: number, via: Client) => Promise<LoadResult>,
  options: Pick<WebhookOptions, "warmupS" | "profileS">,
): Promise<WebhookProfile> {
  const received = () => receivers[0].received + receivers[1].received;
  const window = async (via: Client) => {
    await load(options.warmupS, via);
    const deliveriesBefore = received();
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const result = await load(options.profileS, via);
    const toUs = Number(process.hrtime.bigint() / 1000n);
    return { fromUs, toUs, intercepts: result.ok, deliveries: received() - deliveriesBefore };
  };
  const without = await window(none);
  const withTwo = await window(two);
  await stop(gateway.child);
  // One file per thread (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`): the main thread
  // is thread 0.
  const name = readdirSync(directory).find((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (!name) {
    throw new Error(`${gateway.child.name} wrote no .cpuprofile in ${directory}`);
  }
  const file = join(directory, name);
  const summarise = ({ fromUs, toUs, intercepts, deliveries }: typeof without) => ({
    intercepts,
    deliveries,
    summary: summarizeProfile(file, { fromUs, toUs, top: 15 }),
    stages: stageTimes(file, fromUs, toUs),
  });
  return { file, without: summarise(without), withTwo: summarise(withTwo) };
}
