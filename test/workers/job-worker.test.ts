/**
 * The worker runs jobs concurrently within its bounds (in all and per carrier), lets no carrier's
 * held jobs delay another carrier's, leaves a carrier with an open breaker alone until its
 * half-open trial (then one job), and its carrier calls count in the same breaker as requests'.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  interceptBody,
  json,
  onPostgres,
  type TestGateway,
} from "../harness.ts";
import { makeJobsDue } from "../support/jobs.ts";

let gateway: TestGateway | null = null;
afterEach(async () => {
  vi.useRealTimers();
  await gateway?.close();
  gateway = null;
});

/**
 * Turns of the event loop until `condition` holds, for at most 10 s of real time: bounded by time
 * rather than by a count of turns, as a PostgreSQL store's round trips take a varying number of
 * them. (Only a bound: nothing here waits on the clock to make something happen.)
 */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await condition()) {
      return;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Fake carriers standing in for SF, JD and Kuaidi100, each knowing `parcels` parcels. */
function carriersWithParcels(ids: CarrierId[], parcels: number): FakeCarrier[] {
  return ids.map((id) => {
    const carrier = new FakeCarrier({ id });
    for (let n = 1; n <= parcels; n += 1) {
      carrier.states.set(trackingNumber(id, n), "in_transit");
    }
    return carrier;
  });
}

function trackingNumber(carrier: CarrierId, n: number): string {
  return `${carrier.slice(0, 2).toUpperCase()}140000000000${n}`;
}

/** An interception the request could not submit (the carrier was down): its job is the worker's. */
async function pendingInterception(
  target: TestGateway,
  carrier: FakeCarrier,
  n: number,
): Promise<string> {
  carrier.scriptedErrors.intercept.push("unavailable");
  const number = trackingNumber(carrier.id, n);
  const created = await json(
    await target.intercept(
      target.merchantA,
      `${carrier.id}-${n}`,
      interceptBody({ carrier: carrier.id, trackingNumber: number, orderId: `ORD-${number}` }),
    ),
  );
  expect(created.body.status, created.text).toBe("pending");
  return String(created.body.id);
}

/** Counts intercept calls in flight at each carrier, and the most seen at once. */
function watchIntercepts(carriers: FakeCarrier[]) {
  const now = new Map<CarrierId, number>();
  const most = { all: 0, byCarrier: new Map<CarrierId, number>() };
  const inFlight = () => [...now.values()].reduce((sum, each) => sum + each, 0);
  for (const carrier of carriers) {
    const { intercept } = carrier.adapter;
    if (!intercept) {
      throw new Error("the fake carrier intercepts by default");
    }
    carrier.adapter.intercept = async (command, ctx) => {
      now.set(carrier.id, (now.get(carrier.id) ?? 0) + 1);
      most.all = Math.max(most.all, inFlight());
      most.byCarrier.set(
        carrier.id,
        Math.max(most.byCarrier.get(carrier.id) ?? 0, now.get(carrier.id) ?? 0),
      );
      try {
        return await intercept(command, ctx);
      } finally {
        now.set(carrier.id, (now.get(carrier.id) ?? 0) - 1);
      }
    };
  }
  return { now, most, inFlight };
}

async function statusOf(target: TestGateway, id: string): Promise<string | undefined> {
  return (await target.store.interceptions.getById(id))?.status;
}

/**
 * A clock the test moves forward; the gateway reads it as `now`. PostgreSQL's job queue judges
 * due jobs by the database's clock instead, so the tests also make the jobs due (`makeJobsDue`)
 * where they move this clock past them.
 */
function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms: number) => {
      offsetMs += ms;
    },
  };
}

describe("the worker's bounds", () => {
  it("never runs more than WORKER_CONCURRENCY jobs in all, nor more than the per-carrier bound of one carrier", async () => {
    const carriers = carriersWithParcels(["sf-express", "jd", "kuaidi100"], 3);
    const [sf, jd, kuaidi100] = carriers as [FakeCarrier, FakeCarrier, FakeCarrier];
    const clock = testClock();
    gateway = await createTestGateway(
      carriers.map((carrier) => carrier.adapter),
      { CARRIER_RETRIES: "0", WORKER_CONCURRENCY: "4", WORKER_CONCURRENCY_PER_CARRIER: "2" },
      { now: clock.now },
    );
    const target = gateway;
    const ids = new Map<CarrierId, string[]>();
    for (const carrier of carriers) {
      const made: string[] = [];
      for (let n = 1; n <= 3; n += 1) {
        made.push(await pendingInterception(target, carrier, n));
      }
      ids.set(carrier.id, made);
    }
    const watch = watchIntercepts(carriers);
    const releases = carriers.map((carrier) => carrier.hold());
    clock.advance(60_000);
    await makeJobsDue(target.store);

    const pass = target.worker.runOnce();
    // The oldest jobs first, two per carrier: SF's and JD's fill the four slots.
    await until(() => watch.inFlight() === 4, "four jobs at their carriers");
    expect(Object.fromEntries(watch.now)).toEqual({ "sf-express": 2, jd: 2 });

    // SF stays held. JD's and Kuaidi100's jobs go on in the slots JD frees, SF's third waits.
    releases[1]?.();
    releases[2]?.();
    const others = [...(ids.get("jd") ?? []), ...(ids.get("kuaidi100") ?? [])];
    await until(
      async () =>
        (await Promise.all(others.map((id) => statusOf(target, id)))).every(
          (status) => status === "submitted",
        ),
      "JD's and Kuaidi100's jobs done while SF holds two",
    );
    expect(watch.now.get("sf-express")).toBe(2);
    expect(sf.callsOf("intercept")).toHaveLength(3 + 2);
    expect(jd.callsOf("intercept")).toHaveLength(3 + 3);
    expect(kuaidi100.callsOf("intercept")).toHaveLength(3 + 3);

    releases[0]?.();
    expect(await pass).toBe(9);
    for (const id of ids.get("sf-express") ?? []) {
      expect(await statusOf(target, id)).toBe("submitted");
    }
    expect(watch.most.all).toBe(4);
    // SF's and JD's held calls reach the per-carrier bound. Kuaidi100's are never held: how many
    // run at once depends on how JD's slots free up (together in one SQLite group commit, one by
    // one on PostgreSQL), so only the bound is asserted.
    expect(watch.most.byCarrier.get("sf-express")).toBe(2);
    expect(watch.most.byCarrier.get("jd")).toBe(2);
    expect(watch.most.byCarrier.get("kuaidi100")).toBeLessThanOrEqual(2);
  });
});

describe("a carrier whose circuit breaker is open", () => {
  // SQLite only: vitest's fake setTimeout (which moves opossum's reset timer) also stops the timers
  // node-postgres and pg-boss run on.
  it.skipIf(onPostgres)(
    "gets no job until its half-open trial, then one, then the rest once the trial closed it",
    async () => {
      // Opossum's reset timer is the only timeout here; the test moves it.
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      const carriers = carriersWithParcels(["sf-express", "jd"], 2);
      const [sf, jd] = carriers as [FakeCarrier, FakeCarrier];
      const clock = testClock();
      gateway = await createTestGateway(
        carriers.map((carrier) => carrier.adapter),
        { CARRIER_RETRIES: "0", BREAKER_RESET_TIMEOUT_MS: "30000" },
        { now: clock.now },
      );
      const target = gateway;
      const sfIds = [
        await pendingInterception(target, sf, 1),
        await pendingInterception(target, sf, 2),
      ];
      const jdId = await pendingInterception(target, jd, 1);
      const breaker = target.services.carriers.get("sf-express")?.resilient;
      while (breaker?.circuitState !== "open") {
        // SF keeps failing (as seen by any caller) until its breaker opens.
        await breaker?.call(
          "track",
          async () => ({
            ok: false,
            error: { carrier: "sf-express", code: "unavailable", message: "down", retryable: true },
          }),
          { deadline: Date.now() + 1_000 },
        );
      }
      clock.advance(60_000);
      await makeJobsDue(target.store);
      const jobsBefore = await Promise.all(
        sfIds.map((id) => target.store.jobs.forInterception(id)),
      );

      expect(await target.worker.runOnce(), "only JD's job").toBe(1);
      expect(await statusOf(target, jdId)).toBe("submitted");
      expect(sf.callsOf("intercept"), "the two requests' calls only").toHaveLength(2);
      // Not taken: neither leased nor rescheduled, no attempt used.
      expect(await Promise.all(sfIds.map((id) => target.store.jobs.forInterception(id)))).toEqual(
        jobsBefore,
      );

      vi.advanceTimersByTime(30_000);
      expect(breaker.circuitState).toBe("half_open");
      const release = sf.hold();
      const pass = target.worker.runOnce();
      await until(() => sf.callsOf("intercept").length === 3, "the trial at SF");
      const leased = async () =>
        (await Promise.all(sfIds.map((id) => target.store.jobs.forInterception(id)))).filter(
          (job) => job?.leaseUntil != null,
        );
      expect(await leased(), "one trial job").toHaveLength(1);
      release();
      expect(await pass, "the trial closed the breaker: the other job followed").toBe(2);
      expect(breaker.circuitState).toBe("closed");
      for (const id of sfIds) {
        expect(await statusOf(target, id)).toBe("submitted");
      }
    },
  );
});

describe("the worker's carrier calls", () => {
  it("count in the same breaker as requests': a job's outage opens it for the next request", async () => {
    const [sf] = carriersWithParcels(["sf-express"], 1) as [FakeCarrier];
    const clock = testClock();
    gateway = await createTestGateway(
      sf.adapter,
      {
        CARRIER_RETRIES: "0",
        BREAKER_VOLUME_THRESHOLD: "3",
        BREAKER_ERROR_THRESHOLD_PERCENT: "50",
      },
      { now: clock.now },
    );
    const target = gateway;
    // The request: one track (fine), one intercept (down). Two calls, below the volume.
    await pendingInterception(target, sf, 1);
    const breaker = target.services.carriers.get("sf-express")?.resilient;
    expect(breaker?.circuitState).toBe("closed");

    sf.scriptedErrors.intercept.push("unavailable");
    clock.advance(60_000);
    await makeJobsDue(target.store);
    expect(await target.worker.runOnce()).toBe(1);
    expect(breaker?.circuitState, "the job's failure was the third call, the second failed").toBe(
      "open",
    );

    const tracksBefore = sf.callsOf("track").length;
    const eligibility = await json(
      await target.call(target.merchantA, "POST", "/v1/eligibility", {
        body: interceptBody({ trackingNumber: trackingNumber("sf-express", 1) }),
      }),
    );
    expect(eligibility.body.parcelState, eligibility.text).toBe("unknown");
    expect(sf.callsOf("track"), "the open breaker sent nothing").toHaveLength(tracksBefore);
  });
});

describe("a job that runs past its own lease", () => {
  it("is not started again by the worker still running it, and stop() waits for that run", async () => {
    const [sf] = carriersWithParcels(["sf-express"], 1) as [FakeCarrier];
    const clock = testClock();
    gateway = await createTestGateway(
      sf.adapter,
      { CARRIER_RETRIES: "0", JOB_LEASE_MS: "30000" },
      { now: clock.now },
    );
    const target = gateway;
    const id = await pendingInterception(target, sf, 1);
    const release = sf.hold();
    clock.advance(60_000);
    await makeJobsDue(target.store);

    const first = target.worker.runOnce();
    await until(() => sf.callsOf("intercept").length === 2, "the job's call at SF");
    // The call hangs past the lease: the job is due again, and free for any worker to take over.
    clock.advance(31_000);
    const second = target.worker.runOnce();
    await turns(50);
    expect(sf.callsOf("intercept"), "the request's call and the job's, no second run").toHaveLength(
      2,
    );

    let stopped = false;
    const stopping = target.worker.stop().then(() => {
      stopped = true;
    });
    await turns(50);
    expect(stopped, "stop() waits for the run in flight").toBe(false);

    release();
    await stopping;
    expect(await first).toBe(1);
    expect(await second, "nothing claimed by the second pass").toBe(0);
    expect(await statusOf(target, id)).toBe("submitted");
    expect(sf.callsOf("intercept")).toHaveLength(2);
  });
});
