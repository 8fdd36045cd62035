/**
 * Graceful drain on SIGTERM (src/main.ts): the gateway runs as a child process; with a request in
 * flight at a slow carrier it gets SIGTERM. It must stop accepting at once (a new connection is
 * refused, or /readyz answers 503), still answer the request in flight with 201, and exit with
 * code 0 well within main.ts's 10 s hard bound. In-process, the worker's part: a job in flight
 * finishes before `stop()` resolves, and no other job is taken meanwhile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json } from "../harness.ts";
import { freePort, http } from "../integration/loopback.ts";
import { makeJobsDue } from "../support/jobs.ts";
import { type ChildGateway, killGateway, sleep, spawnGateway, waitReady } from "./child-gateway.ts";

const adminToken = "drain-test-admin-token-01234567";
/** Every SF answer takes this long, so the intercept below is at the carrier when SIGTERM lands. */
const CARRIER_LATENCY_MS = 1_000;
/** main.ts forces exit(1) after 10 s; a drain must finish well before. */
const EXIT_BOUND_MS = 8_000;
/** After the last answer, the exit follows at once (worker stop, pool and database close). */
const IDLE_AFTER_LAST_ANSWER_MS = 1_500;

/** A brand-new TCP connection to the port: "refused", or "accepted" if something listens. */
function probeConnection(port: number): Promise<"accepted" | "refused" | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("accepted");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code === "ECONNREFUSED" ? "refused" : String(error.code ?? error));
    });
  });
}

describe("SIGTERM drains the gateway", () => {
  let sandbox: RunningSandbox | undefined;
  let gateway: ChildGateway | undefined;
  const directory = mkdtempSync(join(tmpdir(), "gateway-drain-"));

  afterAll(async () => {
    await killGateway(gateway);
    await sandbox?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("finishes the request in flight with 201, refuses new connections, exits 0 in time", async () => {
    sandbox = await startSandbox({ port: 0 });
    const port = await freePort();
    gateway = spawnGateway({
      port,
      databasePath: join(directory, "gateway.db"),
      sandbox,
      adminToken,
      // Two carrier calls of CARRIER_LATENCY_MS each must fit in the request's deadline with room
      // for a loaded machine (the lease stays above twice the deadline).
      env: { REQUEST_DEADLINE_MS: "6000", JOB_LEASE_MS: "14000" },
    });
    const running = gateway;
    await waitReady(running);
    Object.assign(sandbox.world.pushUrls, sandboxPushUrls(running.url, sandbox.secret));

    const merchant = await http(
      "POST",
      `${running.url}/admin/merchants`,
      { name: "Drain merchant", pickupService: false },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(merchant.status, merchant.text).toBe(201);
    const trackingNumber = `SF${String(Date.now() % 10_000_000).padStart(7, "0")}00000001`;
    const parcel = await http("POST", `${sandbox.url}/_sandbox/parcels`, {
      carrier: "sf-express",
      trackingNumber,
      state: "in_transit",
      interceptOutcome: "success",
      outcomeDelayMs: 60_000,
    });
    expect(parcel.status, parcel.text).toBe(201);
    const latency = await http("POST", `${sandbox.url}/_sandbox/latency`, {
      carrier: "sf-express",
      ms: CARRIER_LATENCY_MS,
    });
    expect(latency.status, latency.text).toBe(200);

    const startedAt = Date.now();
    const inFlight = http(
      "POST",
      `${running.url}/v1/interceptions`,
      {
        carrier: "sf-express",
        trackingNumber,
        orderId: `ORD-${trackingNumber}`,
        action: "intercept",
        reason: "buyer_cancelled",
        parcel: { declaredValue: { amount: "299.00", currency: "CNY" }, category: "apparel" },
      },
      { authorization: `Bearer ${merchant.body.apiKey}`, "idempotency-key": "drain-0001" },
    ).then(
      (reply) => ({ reply, at: Date.now() }),
      (error: unknown) => ({ error: String((error as Error).cause ?? error), at: Date.now() }),
    );
    // The request has reached the gateway and waits on the carrier's first (1 s) answer.
    await sleep(300);

    const termAt = Date.now();
    running.child.kill("SIGTERM");
    await sleep(150);
    // A new connection: refused because the listener is closed, or (if it were still open)
    // /readyz must say 503 while draining.
    const probe = await probeConnection(port);
    let readiness: string = probe;
    if (probe === "accepted") {
      const ready = await fetch(`${running.url}/readyz`, {
        headers: { connection: "close" },
        signal: AbortSignal.timeout(2_000),
      }).then(
        (response) => String(response.status),
        (error: unknown) => `error ${String(error)}`,
      );
      readiness = `accepted, /readyz ${ready}`;
    }
    const outcome = await inFlight;
    const exit = await Promise.race([
      running.exited.then((each) => ({ ...each, at: Date.now() })),
      sleep(EXIT_BOUND_MS + 2_000).then(() => null),
    ]);
    const evidence = JSON.stringify(
      {
        probe: readiness,
        inFlight: "reply" in outcome ? outcome.reply.body : outcome,
        inFlightStatus: "reply" in outcome ? outcome.reply.status : null,
        requestMs: outcome.at - startedAt,
        exit,
        exitAfterTermMs: exit ? exit.at - termAt : null,
        output: running.output().slice(-4_000),
      },
      null,
      1,
    );

    expect(["refused", "accepted, /readyz 503"], evidence).toContain(readiness);
    expect("reply" in outcome && outcome.reply.status, evidence).toBe(201);
    expect("reply" in outcome && outcome.reply.body.status, evidence).toBe("submitted");
    // The answer came after SIGTERM: the drain waited for it rather than cutting it.
    expect(outcome.at, evidence).toBeGreaterThan(termAt);
    expect(exit, evidence).not.toBeNull();
    expect(exit?.code, evidence).toBe(0);
    expect(exit?.signal, evidence).toBeNull();
    expect((exit?.at ?? Number.POSITIVE_INFINITY) - termAt, evidence).toBeLessThan(EXIT_BOUND_MS);
    // Once the last answer is out, nothing keeps the process: not the client's idle keep-alive
    // connection (Node's server.close() alone waits up to its 5 s keep-alive timeout for it).
    expect((exit?.at ?? Number.POSITIVE_INFINITY) - outcome.at, evidence).toBeLessThan(
      IDLE_AFTER_LAST_ANSWER_MS,
    );

    // What the carrier got: exactly one accepted intercept, so the drain did not cut it short.
    const seen = await http("GET", `${sandbox.url}/_sandbox/parcels/sf-express/${trackingNumber}`);
    const intercepts = (seen.body.calls as { operation: string; accepted: boolean }[]).filter(
      (call) => call.operation === "intercept" && call.accepted,
    );
    expect(intercepts, seen.text).toHaveLength(1);
  }, 30_000);
});

describe("the worker's part of a drain", () => {
  it("lets the job in flight finish, then takes no other job", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "in_transit");
    carrier.states.set("SF1400000000002", "in_transit");
    // One job at a time, so the second is due while the first is in flight.
    const target = await createTestGateway(carrier.adapter, {
      WORKER_INTERVAL_MS: "20",
      WORKER_CONCURRENCY: "1",
    });
    try {
      // Two interceptions left pending: every attempt of their requests met an outage.
      const ids: string[] = [];
      for (const trackingNumber of ["SF1400000000001", "SF1400000000002"]) {
        carrier.scriptedErrors.intercept.push("unavailable", "unavailable", "unavailable");
        const created = await json(
          await target.intercept(
            target.merchantA,
            trackingNumber,
            interceptBody({ trackingNumber }),
          ),
        );
        expect(created.body.status, created.text).toBe("pending");
        ids.push(String(created.body.id));
      }
      await makeJobsDue(target.store);

      const release = carrier.hold();
      const callsBefore = carrier.callsOf("intercept").length;
      target.worker.start();
      while (carrier.callsOf("intercept").length === callsBefore) {
        await sleep(5);
      }
      let stopped = false;
      const stopping = target.worker.stop().then(() => {
        stopped = true;
      });
      await sleep(100);
      expect(stopped, "stop waits for the carrier call in flight").toBe(false);
      release();
      await stopping;

      const statuses = await Promise.all(
        ids.map(async (id) => (await target.store.interceptions.getById(id))?.status),
      );
      // One finished its carrier call and was recorded; the other was never taken.
      expect(statuses.sort()).toEqual(["pending", "submitted"]);
      expect(carrier.callsOf("intercept").length).toBe(callsBefore + 1);
      const untouched = ids[statuses.indexOf("pending")] as string;
      expect(await target.store.jobs.forInterception(untouched)).toMatchObject({
        leaseUntil: null,
      });
    } finally {
      await target.close();
    }
  });
});
