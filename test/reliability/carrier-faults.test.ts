/**
 * The fault-injection suite: the SF adapter and the resilience layer against the SF sandbox's
 * fault modes (loopback only), the way Toxiproxy-style suites test a client. Each test states
 * what it injects and what must hold.
 */
import { createServer, type Server } from "node:net";
import { Hono } from "hono";
import { Pool } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createJdAdapter } from "../../adapters/jd/index.ts";
import {
  createJdSandbox,
  JD_SANDBOX_ACCESS_TOKEN,
  JD_SANDBOX_APP_KEY,
  JD_SANDBOX_APP_SECRET,
  JD_SANDBOX_VENDOR_CODE,
} from "../../adapters/jd/sandbox.ts";
import type { SandboxEnv } from "../../adapters/sandbox-kit/faults.ts";
import {
  composeSandboxApp,
  type RunningSandbox,
  serveSandbox,
} from "../../adapters/sandbox-kit/serve.ts";
import {
  addFault,
  createWorld,
  type FaultMode,
  type FaultOptions,
  putParcel,
} from "../../adapters/sandbox-kit/world.ts";
import { createSfExpressAdapter } from "../../adapters/sf-express/index.ts";
import {
  createSfExpressSandbox,
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
  SF_SANDBOX_PUSH_TOKEN,
} from "../../adapters/sf-express/sandbox.ts";
import type { CarrierAdapter } from "../../contracts/carrier-adapter.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import {
  type ResilienceSettings,
  ResilientCarrier,
} from "../../src/resilience/resilient-carrier.ts";

let sandbox: RunningSandbox;
const world = createWorld();
const open: Array<{ close(): Promise<void> | void }> = [];

beforeAll(async () => {
  const mounts = [
    { basePath: "/sf-express", app: createSfExpressSandbox(world) },
    { basePath: "/jd", app: createJdSandbox(world) },
  ];
  sandbox = await serveSandbox(composeSandboxApp(world, mounts, new Hono<SandboxEnv>()), world, {
    port: 0,
  });
});
afterEach(async () => {
  for (const each of open.splice(0)) {
    await each.close();
  }
  world.faults.clear();
});
afterAll(async () => {
  await sandbox.close();
});

const settings: ResilienceSettings = {
  attemptTimeoutMs: 2_000,
  retries: 3,
  minRetryDelayMs: 20,
  maxRetryDelayMs: 50,
  retryAfterCapMs: 60_000,
  breaker: {
    errorThresholdPercentage: 50,
    volumeThreshold: 1_000_000,
    resetTimeoutMs: 30_000,
    rollingCountTimeoutMs: 10_000,
  },
};

interface PoolOptions {
  connections?: number;
  headersTimeout?: number;
  bodyTimeout?: number;
  maxResponseSize?: number;
}

function sfAdapter(
  baseOrigin: string,
  pool: PoolOptions = {},
): { adapter: ReturnType<typeof createSfExpressAdapter>; pool: Pool } {
  const dispatcher = new Pool(baseOrigin, {
    connections: pool.connections ?? 4,
    connectTimeout: 500,
    headersTimeout: pool.headersTimeout ?? 2_000,
    bodyTimeout: pool.bodyTimeout ?? 2_000,
    maxResponseSize: pool.maxResponseSize ?? 1024 * 1024,
    keepAliveTimeout: 10,
    keepAliveMaxTimeout: 10,
  });
  const adapter = createSfExpressAdapter(
    {
      baseUrl: `${baseOrigin}/sf-express/std/service`,
      partnerId: SF_SANDBOX_PARTNER_ID,
      checkWord: SF_SANDBOX_CHECKWORD,
      monthlyCardNo: "7551234567",
      pushToken: SF_SANDBOX_PUSH_TOKEN,
    },
    { dispatcher },
  );
  open.push(adapter);
  return { adapter, pool: dispatcher };
}

function resilient(
  adapter: CarrierAdapter,
  overrides: Partial<ResilienceSettings> = {},
): ResilientCarrier {
  const carrier = new ResilientCarrier(
    adapter,
    { ...settings, ...overrides },
    new Metrics(),
    silentLogger,
    () => new Date(),
  );
  open.push({ close: () => carrier.shutdown() });
  return carrier;
}

let waybills = 0;
function parcel(state: "in_transit" | "not_collected" = "in_transit"): string {
  waybills += 1;
  const trackingNumber = `SF9${String(Date.now()).slice(-6)}${String(waybills).padStart(6, "0")}`;
  putParcel(world, { carrier: "sf-express", trackingNumber, state, outcomeDelayMs: 60_000 });
  return trackingNumber;
}

function fault(mode: FaultMode, count: number, options: FaultOptions = {}): void {
  addFault(world, "sf-express", mode, count, options);
}

function interceptCommand(trackingNumber: string) {
  return {
    reference: `icp_${trackingNumber}`,
    trackingNumber,
    reason: "buyer_cancelled" as const,
    payment: { payer: "platform" as const, mode: "free_return" as const },
  };
}

function calls(trackingNumber: string) {
  return world.parcels.get(`sf-express\u0000${trackingNumber}`)?.calls ?? [];
}

describe("retries: only when a retry is safe, with backoff, within the deadline", () => {
  it("a burst of 5xx below the retry budget: retried with backoff, then served", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("error500", 3);
    const started = performance.now();
    const result = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 5_000,
    });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    // Three waits of at least minRetryDelayMs (jittered up, never below).
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * settings.minRetryDelayMs);
    expect(calls(tn).map((call) => call.operation)).toEqual(["track"]);
  });

  it("a burst of 5xx above the budget: attempts stop at retries + 1 and the error comes back as data", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("error500", 10);
    const result = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 5_000,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retryable: true } });
    expect(world.faults.get("sf-express")?.[0]?.remaining).toBe(10 - (settings.retries + 1));
  });

  it("429 with Retry-After: the next attempt waits at least that long", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("http429", 1, { retryAfterSeconds: 1 });
    const started = performance.now();
    const result = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 5_000,
    });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it("429 with a Retry-After past the deadline: no waiting, rate_limited comes back at once", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    fault("http429", 1, { retryAfterSeconds: 30 });
    const started = performance.now();
    const result = await carrier.call("track", (ctx) => adapter.track(parcel(), ctx), {
      deadline: Date.now() + 2_000,
    });
    expect(result).toMatchObject({
      ok: false,
      error: { code: "rate_limited", retryAfterMs: 30_000 },
    });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("connection refused: retried (the carrier never saw it), then unavailable within the deadline", async () => {
    const closed = await closedPort();
    const { adapter } = sfAdapter(`http://127.0.0.1:${closed}`);
    const carrier = resilient(adapter);
    const started = performance.now();
    const result = await carrier.call(
      "intercept",
      (ctx) => adapter.intercept(interceptCommand("SF1"), ctx),
      {
        deadline: Date.now() + 2_000,
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retryable: true } });
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it("a reset after the intercept was sent: outcome unknown, never re-sent blindly", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("reset", 1);
    const result = await carrier.call(
      "intercept",
      (ctx) => adapter.intercept(interceptCommand(tn), ctx),
      {
        deadline: Date.now() + 3_000,
      },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: "outcome_unknown", retryable: false },
    });
    expect(world.faults.get("sf-express") ?? []).toEqual([]);
    expect(calls(tn)).toEqual([]);
  });

  it("a reset mid-body on a read: outcome unknown but safe to retry, so retried and served", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("reset_mid_body", 1);
    const result = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 3_000,
    });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it("slow headers on an intercept: the headers timeout fires and the outcome is unknown", async () => {
    const { adapter } = sfAdapter(sandbox.url, { headersTimeout: 200 });
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("latency", 1, { delayMs: 3_000 });
    const started = performance.now();
    const result = await carrier.call(
      "intercept",
      (ctx) => adapter.intercept(interceptCommand(tn), ctx),
      {
        deadline: Date.now() + 5_000,
      },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: "outcome_unknown", retryable: false },
    });
    // undici's timers tick coarsely (about 500 ms), so the bound is loose but far below 3 s.
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("a trickled body: the body timeout fires, nothing hangs past the budget", async () => {
    const { adapter } = sfAdapter(sandbox.url, { bodyTimeout: 300 });
    const carrier = resilient(adapter, { retries: 0, attemptTimeoutMs: 5_000 });
    // A chunk every 1.5 s: each gap is longer than the body timeout.
    fault("trickle", 1, { delayMs: 1_500 });
    const started = performance.now();
    const result = await carrier.call("track", (ctx) => adapter.track(parcel(), ctx), {
      deadline: Date.now() + 5_000,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "outcome_unknown" } });
    expect(performance.now() - started).toBeLessThan(2_500);
  });

  it("a blackhole: the attempt timeout ends the call", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter, { attemptTimeoutMs: 300, retries: 0 });
    fault("timeout", 1);
    const started = performance.now();
    const result = await carrier.call("track", (ctx) => adapter.track(parcel(), ctx), {
      deadline: Date.now() + 3_000,
    });
    expect(result).toMatchObject({ ok: false, error: { code: "outcome_unknown" } });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("garbage instead of the carrier's format: never accepted as success nor re-sent blindly", async () => {
    const { adapter } = sfAdapter(sandbox.url);
    const carrier = resilient(adapter);
    const tn = parcel();
    fault("garbage", 1);
    const result = await carrier.call(
      "intercept",
      (ctx) => adapter.intercept(interceptCommand(tn), ctx),
      {
        deadline: Date.now() + 3_000,
      },
    );
    // A 2xx to a write that cannot be read: not success, and not repeated blindly either.
    expect(result).toMatchObject({
      ok: false,
      error: { code: "outcome_unknown", retryable: false },
    });
    // On a read, the same garbage is just a reply that says nothing.
    fault("garbage", 1);
    const read = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 3_000,
    });
    expect(read).toMatchObject({ ok: false, error: { code: "bad_response", retryable: false } });
  });
});

describe("bounded resources", () => {
  it("an oversized reply is cut at the response cap; memory stays bounded", async () => {
    const { adapter } = sfAdapter(sandbox.url, { maxResponseSize: 256 * 1024 });
    const carrier = resilient(adapter, { retries: 0 });
    // Reply bytes live in Buffers, outside the JS heap: count both.
    const used = () => {
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const before = used();
    let peak = 0;
    for (let index = 0; index < 10; index += 1) {
      fault("oversized", 1, { bytes: 20 * 1024 * 1024 });
      const result = await carrier.call("track", (ctx) => adapter.track(parcel(), ctx), {
        deadline: Date.now() + 5_000,
      });
      expect(result).toMatchObject({
        ok: false,
        error: { code: "bad_response", message: expect.stringContaining("too large") },
      });
      peak = Math.max(peak, used() - before);
    }
    // 200 MiB were offered, 20 MiB a reply. Read whole, a single reply would break this bound;
    // cut at the cap, ten of them stay far below it.
    expect(peak).toBeLessThan(16 * 1024 * 1024);
  });

  it("no connection leak: 1,000 failing calls through a pool of 2 all complete, and the pool still serves", async () => {
    const { adapter, pool } = sfAdapter(sandbox.url, { connections: 2 });
    const carrier = resilient(adapter, { retries: 0 });
    const tn = parcel();
    let failed = 0;
    for (let batch = 0; batch < 100; batch += 1) {
      // Mostly 500s; one reply in ten is over the size cap, so its connection must be cut.
      fault("error500", 9);
      fault("oversized", 1, { bytes: 4 * 1024 * 1024 });
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          carrier.call("track", (ctx) => adapter.track(tn, ctx), { deadline: Date.now() + 5_000 }),
        ),
      );
      failed += results.filter((result) => !result.ok).length;
    }
    expect(failed).toBe(1_000);
    // Nothing still running or queued, and every open connection idle again: a body left
    // unread would keep its connection busy for good.
    // (A connection goes back to the pool a tick after its reply is read: give it a moment.)
    for (let waited = 0; pool.stats.free < pool.stats.connected && waited < 1_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pool.stats).toMatchObject({ running: 0, pending: 0, queued: 0 });
    expect(pool.stats.free).toBe(pool.stats.connected);
    const served = await carrier.call("track", (ctx) => adapter.track(tn, ctx), {
      deadline: Date.now() + 2_000,
    });
    expect(served.ok, JSON.stringify(served)).toBe(true);
  });
});

describe("isolation between carriers", () => {
  it("one carrier's outage does not slow another's requests", async () => {
    const { adapter: sf } = sfAdapter(sandbox.url, { connections: 2 });
    const sfCarrier = resilient(sf, { attemptTimeoutMs: 3_000, retries: 0 });
    const jdPool = new Pool(sandbox.url, {
      connections: 2,
      keepAliveTimeout: 10,
      keepAliveMaxTimeout: 10,
    });
    const jd = createJdAdapter(
      {
        baseUrl: `${sandbox.url}/jd/routerjson`,
        appKey: JD_SANDBOX_APP_KEY,
        appSecret: JD_SANDBOX_APP_SECRET,
        accessToken: JD_SANDBOX_ACCESS_TOKEN,
        vendorCode: JD_SANDBOX_VENDOR_CODE,
      },
      { dispatcher: jdPool },
    );
    open.push(jd);
    const jdCarrier = resilient(jd);
    putParcel(world, { carrier: "jd", trackingNumber: "JDVA00000000777", state: "in_transit" });

    // SF hangs: every connection of its pool is stuck on a blackholed call.
    fault("timeout", 4);
    const hanging = Array.from({ length: 4 }, () =>
      sfCarrier.call("track", (ctx) => sf.track(parcel(), ctx), { deadline: Date.now() + 3_000 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        jdCarrier.call("track", (ctx) => jd.track("JDVA00000000777", ctx), {
          deadline: Date.now() + 3_000,
        }),
      ),
    );
    const elapsed = performance.now() - started;
    expect(
      results.every((result) => result.ok),
      JSON.stringify(results),
    ).toBe(true);
    expect(elapsed).toBeLessThan(500);
    await Promise.all(hanging);
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
