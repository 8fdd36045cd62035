/**
 * Missed pushes (issue 9, item 5): the gateway runs as a child process and is SIGKILLed during a
 * stream of SF intercepts. SF (the sandbox, in this process, so it outlives the gateway) decides
 * every interception while the gateway is down and pushes into the void. The gateway restarts on
 * the same database with the default 15-minute push fallback and the default 30 s restart window:
 * only its start-up catch-up (the tracking checks spread over the first 30 s) can settle those
 * interceptions in time. Every interception must reach its outcome within 60 s of the restarted
 * gateway being up, as the issue asks of the defaults.
 * SF re-sends a lost push only 10 minutes later, so no re-send helps here; the push listing shows
 * each lost push with its failed attempt and its re-send scheduled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { getParcel } from "../../adapters/sandbox-kit/world.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { freePort, http, type JsonBody } from "../integration/loopback.ts";
import { type ChildGateway, killGateway, sleep, spawnGateway, waitReady } from "./child-gateway.ts";

const adminToken = "missed-push-admin-token-012345";
const REQUESTS = 24;
const CONCURRENCY = 4;
/** SIGKILL as soon as this many 201s have arrived. */
const KILL_AFTER_CREATED = 8;
/** SF decides this long after accepting: after the kill, while the gateway is down. */
const OUTCOME_DELAY_MS = 1_500;
const RESTART_BUDGET_MS = 60_000;
const STARTUP_TIMEOUT_MS = 45_000;
const TERMINAL = ["succeeded", "failed", "cancelled"];

describe("missed pushes: SIGKILL, SF pushes while the gateway is down, restart", () => {
  let sandbox: RunningSandbox | undefined;
  let gateway: ChildGateway | undefined;
  const directory = mkdtempSync(join(tmpdir(), "gateway-missed-push-"));

  afterAll(async () => {
    await killGateway(gateway);
    await sandbox?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("every interception reaches its outcome within 60 s of the restart", async () => {
    sandbox = await startSandbox({ port: 0 });
    const world = sandbox.world;
    const link = { url: sandbox.url, secret: sandbox.secret };
    const port = await freePort();
    const start = (): ChildGateway =>
      spawnGateway({
        port,
        databasePath: join(directory, "gateway.db"),
        sandbox: link,
        adminToken,
        env: {
          // The push fallback (15 min) and the restart window (30 s) stay at their defaults: the
          // catch-up alone must do it, in the time the defaults promise.
          RATE_LIMIT_BURST: "10000",
          RATE_LIMIT_PER_SECOND: "10000",
        },
      });

    gateway = start();
    await waitReady(gateway, STARTUP_TIMEOUT_MS);
    Object.assign(world.pushUrls, sandboxPushUrls(gateway.url, link.secret));
    const merchant = await http(
      "POST",
      `${gateway.url}/admin/merchants`,
      { name: "Missed push merchant", pickupService: false },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(merchant.status, merchant.text).toBe(201);
    const apiKey: string = merchant.body.apiKey;
    const auth = { authorization: `Bearer ${apiKey}` };

    const stamp = `${Date.now() % 10_000_000}`.padStart(7, "0");
    const trackingNumbers = Array.from(
      { length: REQUESTS },
      (_, index) => `SF${stamp}${String(index).padStart(6, "0")}`,
    );
    for (const trackingNumber of trackingNumbers) {
      const parcel = await http("POST", `${link.url}/_sandbox/parcels`, {
        carrier: "sf-express",
        trackingNumber,
        state: "in_transit",
        interceptOutcome: "success",
        outcomeDelayMs: OUTCOME_DELAY_MS,
      });
      expect(parcel.status, parcel.text).toBe(201);
    }

    // The stream: CONCURRENCY requests in flight; SIGKILL on the KILL_AFTER_CREATED-th 201.
    const first = gateway;
    const answers: JsonBody[] = [];
    let killed = false;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (!killed && next < trackingNumbers.length) {
        const trackingNumber = trackingNumbers[next] as string;
        next += 1;
        try {
          const created = await http(
            "POST",
            `${first.url}/v1/interceptions`,
            {
              carrier: "sf-express",
              trackingNumber,
              orderId: `ORD-${trackingNumber}`,
              action: "intercept",
              reason: "buyer_cancelled",
              parcel: { declaredValue: { amount: "299.00", currency: "CNY" }, category: "apparel" },
            },
            { ...auth, "idempotency-key": `missed-${trackingNumber}` },
          );
          expect(created.status, created.text).toBe(201);
          answers.push(created.body);
          if (answers.length >= KILL_AFTER_CREATED && !killed) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        } catch (error) {
          // The connection died with the gateway: the request's interception may or may not
          // have been stored. The listing after the restart shows what was.
          if (!killed) {
            throw error;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const death = await first.exited;
    expect(death.signal, JSON.stringify(death)).toBe("SIGKILL");
    expect(
      answers.some((answer) => answer.status === "submitted"),
      `some interceptions were accepted by SF before the kill: ${JSON.stringify(answers)}`,
    ).toBe(true);

    // SF decides every accepted instruction while the gateway is down, and pushes each outcome.
    const accepted = (): string[] =>
      trackingNumbers.filter((trackingNumber) =>
        getParcel(world, "sf-express", trackingNumber)?.calls.some((call) => call.accepted),
      );
    const pushedAll = Date.now() + 10_000;
    while (
      accepted().some((tn) => !world.pushes.some((push) => push.trackingNumber === tn)) &&
      Date.now() < pushedAll
    ) {
      await sleep(50);
    }
    const lost = world.pushes.filter((push) => push.acknowledged === false);
    expect(lost.length, JSON.stringify(world.pushes)).toBeGreaterThan(0);

    // Restart on the same database and port.
    // The minute counts from the moment the restarted gateway is up (a loaded machine may take a
    // while to start it).
    gateway = start();
    await waitReady(gateway, STARTUP_TIMEOUT_MS);
    const restartedAt = Date.now();
    const second = gateway;

    let listing: JsonBody[] = [];
    for (;;) {
      const page = await http("GET", `${second.url}/v1/interceptions?limit=100`, undefined, auth);
      expect(page.status, page.text).toBe(200);
      listing = page.body.data;
      const open = listing.filter((each) => !TERMINAL.includes(each.status));
      if (open.length === 0 || Date.now() - restartedAt > RESTART_BUDGET_MS) {
        break;
      }
      await sleep(200);
    }
    const elapsed = Date.now() - restartedAt;
    const summary = JSON.stringify(
      listing.map(({ id, trackingNumber, status, events }) => ({
        id,
        trackingNumber,
        status,
        events,
      })),
      null,
      1,
    );
    expect(listing.length, summary).toBeGreaterThanOrEqual(answers.length);
    expect(
      listing.filter((each) => each.status !== "succeeded"),
      `every interception reaches its outcome; ${elapsed} ms after the restart: ${summary}`,
    ).toEqual([]);
    expect(elapsed, summary).toBeLessThan(RESTART_BUDGET_MS);

    // The lost pushes are listed with their failed attempt, and SF will send each again.
    for (const push of lost) {
      expect(push.attempts[0]?.acknowledged, JSON.stringify(push)).toBe(false);
      expect(push.nextAttemptAt, JSON.stringify(push)).not.toBeNull();
    }
    // Two starts, the pushes, the 60 s after the restart, and room for a slow machine.
  }, 240_000);
});
