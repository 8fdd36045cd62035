import { afterEach, describe, expect, it, vi } from "vitest";
import { type Clock, systemClock } from "../../src/clock.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import {
  type ResilienceSettings,
  ResilientCarrier,
} from "../../src/resilience/resilient-carrier.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";

const settings: ResilienceSettings = {
  attemptTimeoutMs: 500,
  retries: 3,
  minRetryDelayMs: 1,
  maxRetryDelayMs: 5,
  retryAfterCapMs: 60_000,
  breaker: {
    errorThresholdPercentage: 50,
    volumeThreshold: 4,
    resetTimeoutMs: 60_000,
    rollingCountTimeoutMs: 10_000,
  },
};

let resilient: ResilientCarrier | null = null;
afterEach(() => {
  resilient?.shutdown();
  resilient = null;
  vi.useRealTimers();
});

/**
 * For tests whose subject is a wait: retry delays (p-retry's timers and its `performance.now()`
 * budget) and deadlines (read on `Date`) move only when the test advances them.
 */
function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date", "performance"] });
}

/** Whether `promise` has settled, read after the test moved the fake clock. */
function tracked<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  void promise.finally(() => {
    settled = true;
  });
  return { promise, settled: () => settled };
}

function setup(overrides: Partial<ResilienceSettings> = {}) {
  const carrier = new FakeCarrier();
  carrier.states.set("SF1", "in_transit");
  resilient = new ResilientCarrier(
    carrier.adapter,
    { ...settings, ...overrides },
    new Metrics(),
    silentLogger,
    systemClock,
  );
  const track = () =>
    (resilient as ResilientCarrier).call("track", (ctx) => carrier.adapter.track("SF1", ctx), {
      deadline: Date.now() + 2_000,
    });
  return { carrier, resilient, track };
}

describe("retries", () => {
  it("retries a retryable failure and returns the success", async () => {
    const { carrier, track } = setup();
    carrier.scriptedErrors.track.push("unavailable", "unavailable");
    const result = await track();
    expect(result).toMatchObject({ ok: true, value: { state: "in_transit" } });
    expect(carrier.callsOf("track")).toHaveLength(3);
  });

  it("never retries a business refusal or an auth failure", async () => {
    for (const code of [
      "rejected",
      "unknown_parcel",
      "already_intercepted",
      "auth_failed",
    ] as const) {
      const { carrier, track } = setup();
      carrier.scriptedErrors.track.push(code);
      const result = await track();
      expect(result, code).toMatchObject({ ok: false, error: { code } });
      expect(carrier.callsOf("track"), code).toHaveLength(1);
      resilient?.shutdown();
    }
  });

  it("stops at the retry budget and returns the last error as data", async () => {
    const { carrier, track } = setup({
      retries: 2,
      breaker: { ...settings.breaker, volumeThreshold: 100 },
    });
    carrier.scriptedErrors.track.push("unavailable", "unavailable", "unavailable", "unavailable");
    const result = await track();
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable", retryable: true } });
    expect(carrier.callsOf("track")).toHaveLength(3);
  });

  it("spreads retries with jitter: the wait scales with a random factor between 1 and 2", async () => {
    useFakeClock();
    const { carrier, track } = setup({ minRetryDelayMs: 100, maxRetryDelayMs: 1_000 });
    carrier.scriptedErrors.track.push("unavailable");
    // p-retry multiplies the delay by (1 + Math.random()) when randomize is on: 100 ms × 1.9.
    const random = vi.spyOn(Math, "random").mockReturnValue(0.9);
    try {
      const call = tracked(track());
      await vi.advanceTimersByTimeAsync(189);
      expect(carrier.callsOf("track"), "no retry before 190 ms").toHaveLength(1);
      expect(call.settled()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(carrier.callsOf("track")).toHaveLength(2);
      expect((await call.promise).ok).toBe(true);
    } finally {
      random.mockRestore();
    }
  });

  it("waits out Retry-After only when another attempt follows", async () => {
    useFakeClock();
    const { resilient: carrier } = setup({ retries: 0 });
    let calls = 0;
    const call = tracked(
      carrier.call(
        "track",
        async () => {
          calls += 1;
          return {
            ok: false,
            error: {
              carrier: "sf-express",
              code: "rate_limited",
              message: "slow down",
              retryable: true,
              retryAfterMs: 1_000,
            },
          };
        },
        { deadline: Date.now() + 5_000 },
      ),
    );
    // Far less than the 1 s asked for: no attempt follows, so nothing waits it out.
    await vi.advanceTimersByTimeAsync(499);
    expect(call.settled()).toBe(true);
    expect(await call.promise).toMatchObject({ ok: false, error: { code: "rate_limited" } });
    expect(calls).toBe(1);
  });

  it("gives up at the deadline instead of retrying past it", async () => {
    useFakeClock();
    const { carrier } = setup({ minRetryDelayMs: 200, maxRetryDelayMs: 200 });
    carrier.scriptedErrors.track.push("unavailable", "unavailable", "unavailable");
    const call = tracked(
      (resilient as ResilientCarrier).call("track", (ctx) => carrier.adapter.track("SF1", ctx), {
        deadline: Date.now() + 100,
      }),
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(call.settled(), "answered by the deadline, not after a 200 ms retry delay").toBe(true);
    expect((await call.promise).ok).toBe(false);
    expect(carrier.callsOf("track").length).toBeLessThanOrEqual(2);
  });
});

describe("on the gateway's clock", () => {
  function onClock(now: Clock, overrides: Partial<ResilienceSettings> = {}) {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1", "in_transit");
    resilient = new ResilientCarrier(
      carrier.adapter,
      { ...settings, ...overrides },
      new Metrics(),
      silentLogger,
      now,
    );
    return carrier;
  }

  it("reads the deadline on the injected clock, not the wall clock", async () => {
    // The gateway's clock is an hour ahead of the wall: a deadline it set 1 s ahead of its own
    // time is an hour behind the wall, and one it set an hour ago has passed.
    const clock = new Date(Date.now() + 3_600_000);
    const carrier = onClock(() => clock);
    const inTime = await (resilient as ResilientCarrier).call(
      "track",
      (ctx) => carrier.adapter.track("SF1", ctx),
      { deadline: clock.getTime() + 1_000 },
    );
    expect(inTime.ok, JSON.stringify(inTime)).toBe(true);
    const late = await (resilient as ResilientCarrier).call(
      "track",
      (ctx) => carrier.adapter.track("SF1", ctx),
      { deadline: Date.now() + 60_000 },
    );
    expect(late).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(carrier.callsOf("track")).toHaveLength(1);
  });

  it("caps a carrier's Retry-After at retryAfterCapMs", async () => {
    onClock(systemClock, { retryAfterCapMs: 60_000 });
    const result = await (resilient as ResilientCarrier).call(
      "track",
      async () => ({
        ok: false,
        error: {
          carrier: "sf-express",
          code: "rate_limited",
          message: "slow down",
          retryable: true,
          retryAfterMs: 999_999_999_000,
        },
      }),
      { deadline: Date.now() + 1_000 },
    );
    expect(result).toMatchObject({ ok: false, error: { retryAfterMs: 60_000 } });
  });

  it("counts every attempt with its outcome: a retried failure, then the success", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1", "in_transit");
    const metrics = new Metrics();
    resilient = new ResilientCarrier(carrier.adapter, settings, metrics, silentLogger, systemClock);
    carrier.scriptedErrors.track.push("unavailable");
    const result = await resilient.call("track", (ctx) => carrier.adapter.track("SF1", ctx), {
      deadline: Date.now() + 2_000,
    });
    expect(result.ok).toBe(true);
    const scraped = metrics.render();
    expect(scraped).toContain(
      'gateway_carrier_calls_total{carrier="sf-express",operation="track",outcome="unavailable"} 1',
    );
    expect(scraped).toContain(
      'gateway_carrier_calls_total{carrier="sf-express",operation="track",outcome="ok"} 1',
    );
  });
});

describe("circuit breaker", () => {
  it("opens after the volume of failures and then does not call the carrier", async () => {
    const { carrier, resilient: breaker, track } = setup({ retries: 0 });
    carrier.scriptedErrors.track.push("unavailable", "unavailable", "unavailable", "unavailable");
    for (let index = 0; index < 4; index += 1) {
      await track();
    }
    expect(breaker.circuitState).toBe("open");
    const callsBefore = carrier.callsOf("track").length;
    const result = await track();
    expect(result).toMatchObject({
      ok: false,
      error: { code: "unavailable", message: expect.stringContaining("circuit") },
    });
    expect(carrier.callsOf("track")).toHaveLength(callsBefore);
  });

  it("stops retrying as soon as the breaker opens", async () => {
    const { carrier, resilient: breaker, track } = setup({ retries: 10 });
    carrier.scriptedErrors.track.push(...Array.from({ length: 20 }, () => "unavailable" as const));
    const result = await track();
    expect(result).toMatchObject({ ok: false, error: { code: "unavailable" } });
    expect(breaker.circuitState).toBe("open");
    // Four failures reach the volume threshold; the remaining retries are not spent on an open circuit.
    expect(carrier.callsOf("track")).toHaveLength(4);
  });

  it("is not tripped by business refusals", async () => {
    const { carrier, resilient: breaker, track } = setup({ retries: 0 });
    carrier.scriptedErrors.track.push(
      "rejected",
      "unknown_parcel",
      "rejected",
      "already_intercepted",
      "rejected",
    );
    for (let index = 0; index < 5; index += 1) {
      await track();
    }
    expect(breaker.circuitState).toBe("closed");
  });
});

describe("circuit breaker half-open, on an injected clock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  async function openBreaker() {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    });
    const context = setup({ retries: 0, breaker: { ...settings.breaker, resetTimeoutMs: 30_000 } });
    context.carrier.scriptedErrors.track.push(
      "unavailable",
      "unavailable",
      "unavailable",
      "unavailable",
    );
    for (let index = 0; index < 4; index += 1) {
      await context.track();
    }
    expect(context.resilient.circuitState).toBe("open");
    return context;
  }

  it("stays open until the reset timeout passes, then lets exactly one trial through", async () => {
    const { carrier, resilient: breaker, track } = await openBreaker();
    vi.advanceTimersByTime(29_000);
    await track();
    expect(carrier.callsOf("track")).toHaveLength(4);

    vi.advanceTimersByTime(1_000);
    expect(breaker.circuitState).toBe("half_open");
    const release = carrier.hold();
    const { intercept } = carrier.adapter;
    if (!intercept) {
      throw new Error("the fake carrier intercepts by default");
    }
    const intercepts = [1, 2, 3].map(() =>
      breaker.call(
        "intercept",
        (ctx) =>
          intercept(
            {
              reference: "r",
              trackingNumber: "SF1",
              reason: "other",
              payment: { payer: "none", mode: "none" },
            },
            ctx,
          ),
        { deadline: Date.now() + 60_000 },
      ),
    );
    const rejected = await Promise.all(intercepts.slice(1));
    expect(rejected.map((result) => result.ok)).toEqual([false, false]);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
    release();
    expect((await intercepts[0])?.ok).toBe(true);
    expect(breaker.circuitState).toBe("closed");
  });

  it("says how many calls it admits: none while open, one trial while half-open, any once closed", async () => {
    const { carrier, resilient: breaker, track } = await openBreaker();
    expect(breaker.admittedCalls).toBe(0);
    vi.advanceTimersByTime(30_000);
    expect(breaker.admittedCalls).toBe(1);
    const release = carrier.holdTracks();
    const trial = track();
    while (carrier.callsOf("track").length < 5) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(breaker.admittedCalls, "the trial is out").toBe(0);
    release();
    expect((await trial).ok).toBe(true);
    expect(breaker.admittedCalls).toBe(Number.POSITIVE_INFINITY);
  });

  it("a failed trial opens the breaker again and restarts its timer", async () => {
    const { carrier, resilient: breaker, track } = await openBreaker();
    vi.advanceTimersByTime(30_000);
    expect(breaker.circuitState).toBe("half_open");
    carrier.scriptedErrors.track.push("unavailable");
    await track();
    expect(breaker.circuitState).toBe("open");
    vi.advanceTimersByTime(29_000);
    expect(breaker.circuitState).toBe("open");
    vi.advanceTimersByTime(1_000);
    expect(breaker.circuitState).toBe("half_open");
  });

  it("a business refusal during the trial does not hide an outage: it is an answer, and closes", async () => {
    const { carrier, resilient: breaker, track } = await openBreaker();
    vi.advanceTimersByTime(30_000);
    carrier.scriptedErrors.track.push("rejected");
    const result = await track();
    expect(result).toMatchObject({ ok: false, error: { code: "rejected" } });
    // The carrier answered (it is up): a refusal is a healthy reply.
    expect(breaker.circuitState).toBe("closed");
  });
});
