/**
 * One blackholed carrier does not delay the others' jobs. SF's sandbox accepts connections and
 * never answers (its `timeout` fault); JD's poll and Kuaidi100's tracking check fall due at the
 * same moment as SF's, on the real adapters over loopback. JD's and Kuaidi100's outcomes arrive
 * while SF's job is still waiting for its answer. The test asserts that order, not durations:
 * SF's attempt timeout is far longer than anything else here, and the test ends SF's wait itself
 * by closing the sandbox. A worker running one job at a time takes SF's first (it fell due first)
 * and fails the test.
 */
import { afterEach, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { addFault, getParcel, putParcel } from "../../adapters/sandbox-kit/world.ts";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { createApp } from "../../src/app.ts";
import { buildCarrierRegistry } from "../../src/carriers/modules.ts";
import type { CarrierRegistry } from "../../src/carriers/registry.ts";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { Metrics } from "../../src/metrics.ts";
import { buildServices } from "../../src/server.ts";
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite/open.ts";
import type { JobWorker } from "../../src/workers/job-worker.ts";
import { interceptBody, json } from "../harness.ts";

/**
 * SF's one attempt would wait this long for an answer that never comes: far longer than JD's and
 * Kuaidi100's loopback calls take even on a loaded machine. Only a worker that (wrongly) makes
 * them wait for SF ever sees it run out.
 */
const SF_ATTEMPT_TIMEOUT_MS = 20_000;
/** When the tracking check or poll of an accepted interception falls due. */
const FIRST_CHECK_MS = 60_000;

let sandbox: RunningSandbox | undefined;
let worker: JobWorker | undefined;
let carriers: CarrierRegistry | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  // The sandbox first: its close ends any call still held, so the worker stops at once.
  await sandbox?.close();
  await worker?.stop();
  await carriers?.close();
  await store?.close();
});

it("SF blackholed: JD's and Kuaidi100's outcomes arrive while SF's job still waits", async () => {
  sandbox = await startSandbox({ port: 0 });
  const { world } = sandbox;
  // No pushes: the gateway learns each outcome only from its worker's poll or tracking check.
  world.sendPush = null;
  const config = loadConfig({
    DATABASE_URL: ":memory:",
    CARRIER_RETRIES: "0",
    CARRIER_ATTEMPT_TIMEOUT_MS: String(SF_ATTEMPT_TIMEOUT_MS),
    CARRIER_HEADERS_TIMEOUT_MS: String(SF_ATTEMPT_TIMEOUT_MS),
    CARRIER_BODY_TIMEOUT_MS: String(SF_ATTEMPT_TIMEOUT_MS),
    REQUEST_DEADLINE_MS: String(SF_ATTEMPT_TIMEOUT_MS),
    JOB_LEASE_MS: String(SF_ATTEMPT_TIMEOUT_MS * 3),
    POLL_INITIAL_DELAY_MS: String(FIRST_CHECK_MS),
    POLL_PUSH_FALLBACK_DELAY_MS: String(FIRST_CHECK_MS),
  });
  const metrics = new Metrics();
  store = openSqliteStore({ path: ":memory:" });
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  carriers = buildCarrierRegistry({ config, sandbox }, metrics, silentLogger, now);
  const built = buildServices({ config, store, carriers, logger: silentLogger, metrics, now });
  worker = built.worker;
  const { services } = built;
  const app = createApp(services);
  const { apiKey } = await services.merchants.create({ name: "Isolation", pickupService: false });

  // Accepted in this order, so SF's check falls due first: run one at a time, it would go first.
  const parcels: Record<string, string> = {
    "sf-express": "SF1400000000001",
    jd: "JDVA00000000001",
    kuaidi100: "YT1400000000001",
  };
  const ids: Record<string, string> = {};
  for (const [carrier, trackingNumber] of Object.entries(parcels)) {
    putParcel(world, {
      carrier: carrier as CarrierId,
      trackingNumber,
      state: "in_transit",
      interceptOutcome: "success",
      outcomeDelayMs: 0,
    });
    const created = await json(
      await app.request("/v1/interceptions", {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "idempotency-key": `isolation-${carrier}`,
        },
        body: JSON.stringify(
          interceptBody({ carrier, trackingNumber, orderId: `ORD-${trackingNumber}` }),
        ),
      }),
    );
    expect(created.body.status, created.text).toBe("submitted");
    ids[carrier] = String(created.body.id);
  }
  const decided = (carrier: string) =>
    getParcel(world, carrier as CarrierId, parcels[carrier] as string)?.instructions[0]?.status ===
    "succeeded";
  await waitFor(() => Object.keys(parcels).every(decided), "the sandboxes decide");

  addFault(world, "sf-express", "timeout", 10);
  offsetMs = FIRST_CHECK_MS;
  let passEnded = false;
  const pass = worker.runOnce().finally(() => {
    passEnded = true;
  });

  const statusOf = async (carrier: string) =>
    (await store?.interceptions.getById(ids[carrier] as string))?.status;
  const sfJob = () => store?.jobs.forInterception(ids["sf-express"] as string);
  const othersDecided = async () =>
    (await statusOf("jd")) === "succeeded" && (await statusOf("kuaidi100")) === "succeeded";
  // Whichever comes first: the others' outcomes, or SF's call returning (its job given back).
  await waitFor(
    async () => (await othersDecided()) || passEnded || ((await sfJob())?.attempts ?? 0) > 0,
    "JD's and Kuaidi100's outcomes, or SF's call ending",
  );

  expect(await othersDecided(), "JD's and Kuaidi100's outcomes came first").toBe(true);
  expect(await sfJob(), "SF's check was still waiting for its answer").toMatchObject({
    kind: "poll",
    attempts: 0,
    leaseUntil: expect.any(String),
  });
  expect(passEnded).toBe(false);
  expect(await statusOf("sf-express")).toBe("submitted");

  // The blackhole goes away (the sandbox closes): SF's call fails and its job is given back.
  await sandbox.close();
  sandbox = undefined;
  expect(await pass).toBe(3);
  expect(await sfJob()).toMatchObject({ kind: "poll", leaseUntil: null, attempts: 1 });
  expect(await statusOf("sf-express")).toBe("submitted");
}, 60_000);

/**
 * Polls `done` on the real clock (the carriers' network is real) until it holds. The bound only
 * turns a hang into a clear failure; it is no measure of speed.
 */
async function waitFor(done: () => boolean | Promise<boolean>, what: string) {
  const giveUpAt = performance.now() + SF_ATTEMPT_TIMEOUT_MS * 2;
  while (!(await done())) {
    if (performance.now() > giveUpAt) {
      throw new Error(`never happened: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
