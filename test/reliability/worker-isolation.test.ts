/**
 * One blackholed carrier does not delay the others' jobs. SF's sandbox accepts connections and
 * never answers (its `timeout` fault); JD's poll and Kuaidi100's tracking check fall due at the
 * same moment as SF's, on the real adapters over loopback. JD's and Kuaidi100's outcomes arrive
 * in the time of their own calls, while SF's job still waits out its attempt timeout.
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
import { openSqliteStore, type SqliteStore } from "../../src/store/sqlite-store.ts";
import type { JobWorker } from "../../src/workers/job-worker.ts";
import { interceptBody, json } from "../harness.ts";

/** SF's one attempt waits this long for an answer that never comes. */
const SF_ATTEMPT_TIMEOUT_MS = 3_000;
/** JD's poll and Kuaidi100's tracking check are two loopback calls: far less than SF's wait. */
const ON_TIME_MS = 1_500;
/** When the tracking check or poll of an accepted interception falls due. */
const FIRST_CHECK_MS = 60_000;

let sandbox: RunningSandbox | undefined;
let worker: JobWorker | undefined;
let carriers: CarrierRegistry | undefined;
let store: SqliteStore | undefined;
afterEach(async () => {
  await worker?.stop();
  await carriers?.close();
  await store?.close();
  await sandbox?.close();
});

it("SF blackholed: JD's and Kuaidi100's outcomes still arrive on time", async () => {
  sandbox = await startSandbox({ port: 0 });
  const { world } = sandbox;
  // No pushes: the gateway learns each outcome only from its worker's poll or tracking check.
  world.sendPush = null;
  const config = loadConfig({
    DATABASE_URL: ":memory:",
    CARRIER_RETRIES: "0",
    CARRIER_ATTEMPT_TIMEOUT_MS: String(SF_ATTEMPT_TIMEOUT_MS),
    REQUEST_DEADLINE_MS: String(SF_ATTEMPT_TIMEOUT_MS),
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
  await waitFor(() => Object.keys(parcels).every(decided), 2_000, "the sandboxes decide");

  addFault(world, "sf-express", "timeout", 10);
  offsetMs = FIRST_CHECK_MS;
  const startedAt = performance.now();
  const pass = worker.runOnce();

  const statusOf = async (carrier: string) =>
    (await store?.getInterceptionById(ids[carrier] as string))?.status;
  await waitFor(
    async () =>
      (await statusOf("jd")) === "succeeded" && (await statusOf("kuaidi100")) === "succeeded",
    SF_ATTEMPT_TIMEOUT_MS * 2,
    "JD's and Kuaidi100's outcomes",
  );
  const tookMs = performance.now() - startedAt;
  const sfJob = await store.getJobForInterception(ids["sf-express"] as string);

  expect(tookMs, "bounded by their own calls, not SF's timeout").toBeLessThan(ON_TIME_MS);
  expect(sfJob?.leaseUntil, "SF's check was still waiting for its answer").not.toBeNull();
  expect(await statusOf("sf-express")).toBe("submitted");

  expect(await pass).toBe(3);
  expect(performance.now() - startedAt).toBeGreaterThanOrEqual(SF_ATTEMPT_TIMEOUT_MS - 100);
  expect(await store.getJobForInterception(ids["sf-express"] as string)).toMatchObject({
    kind: "poll",
    leaseUntil: null,
    attempts: 1,
  });
}, 20_000);

/** Polls `done` on the real clock (the carriers' network is real) until it holds or `ms` pass. */
async function waitFor(done: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) {
      throw new Error(`not within ${ms} ms: ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
