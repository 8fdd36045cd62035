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
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { freePort } from "../../test/integration/loopback.ts";
import { type LoadResult, openLoop, type Summary, summarize } from "../lib/load.ts";
import { meanElu } from "../lib/probe-reader.ts";
import { CpuMeter, sleep, stop } from "../lib/procs.ts";
import { createParcels, gatewayClient, Parcels } from "../lib/sf.ts";
import { createMerchant, startGateway, startSandbox, tempDir } from "../lib/stack.ts";

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

export interface ReceiverView {
  /** `interception.submitted` events received (one per accepted intercept). */
  submitted: number;
  /** Every delivery received, repeats included. */
  received: number;
  /** Lag of the first delivery of each event, ms. */
  lag: Summary;
}

export interface WebhookResult {
  rate: number;
  /** Baseline: no endpoint, before and after the run with endpoints. */
  without: [WebhookPhase, WebhookPhase];
  withTwo: WebhookPhase & { receivers: [ReceiverView, ReceiverView] };
  slowAndFast: WebhookPhase & { fast: ReceiverView; slowReceived: number; drainS: number };
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
}

/** A webhook receiver on 127.0.0.1: notes each event's arrival; answers after `delayMs`. */
class Receiver {
  private readonly firstSeen = new Map<string, number>();
  received = 0;
  submitted = 0;
  private readonly server: Server;
  private readonly lags: number[] = [];

  constructor(private readonly delayMs: number) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const arrived = Date.now();
        this.received += 1;
        const id = String(req.headers["webhook-id"] ?? "");
        if (!this.firstSeen.has(id)) {
          this.firstSeen.set(id, arrived);
          const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            type: string;
            createdAt: string;
          };
          this.lags.push(arrived - Date.parse(event.createdAt));
          if (event.type === "interception.submitted") {
            this.submitted += 1;
          }
        }
        setTimeout(() => res.writeHead(204).end(), this.delayMs);
      });
    });
  }

  async listen(): Promise<string> {
    const port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${port}/hooks`;
  }

  view(): ReceiverView {
    return {
      submitted: this.submitted,
      received: this.received,
      lag: summarize(Float64Array.from(this.lags).sort()),
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
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
  const gateway = await startGateway({
    port: gatewayPort,
    sandboxUrl: sandbox.url,
    databasePath: join(tempDir("webhooks"), "gateway.db"),
    env: { WEBHOOK_ALLOW_PRIVATE_URLS: "true" },
  });
  const receivers = [new Receiver(0), new Receiver(0)] as const;
  const fast = new Receiver(0);
  // Answers after the gateway's 10 s delivery timeout: every attempt to it times out.
  const slow = new Receiver(10_500);
  const clients: ReturnType<typeof gatewayClient>[] = [];
  try {
    const mainPhase = options.rate * (options.durationS + options.warmupS);
    const slowPhase = options.slowRate * (options.slowDurationS + options.warmupS);
    const parcels = new Parcels(
      await createParcels(sandbox.url, Math.ceil(3 * mainPhase + slowPhase) + 100),
    );
    const client = async (name: string, urls: string[]) => {
      const apiKey = await createMerchant(gateway.url, name);
      for (const url of urls) {
        await registerEndpoint(gateway.url, apiKey, url);
      }
      const made = gatewayClient(gateway.url, apiKey, 256);
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

    const phase = async (
      via: ReturnType<typeof gatewayClient>,
      rate: number,
      durationS: number,
    ): Promise<WebhookPhase> => {
      const open = (seconds: number) =>
        openLoop({
          rate,
          durationMs: seconds * 1000,
          maxRequests: Math.ceil(rate * seconds),
          maxInFlight: Math.max(50, rate * 5),
          drainTimeoutMs: 60_000,
          fire: () => via.intercept(parcels.take()),
        });
      const warmup = await open(options.warmupS);
      const meter = new CpuMeter({ gateway: gateway.child.pid, sandbox: sandbox.child.pid });
      const from = Date.now();
      const result: LoadResult = await open(durationS);
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
    return {
      rate: options.rate,
      without: [before, after],
      withTwo: { ...withTwo, receivers: views },
      slowAndFast: { ...mixed, fast: fastView, slowReceived: slow.received, drainS: drained },
    };
  } finally {
    for (const made of clients) {
      await made.close().catch(() => {});
    }
    for (const receiver of [...receivers, fast, slow]) {
      await receiver.close().catch(() => {});
    }
    await stop(gateway.child);
    await stop(sandbox.child);
  }
}
