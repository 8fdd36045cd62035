/**
 * Builds the real app (same factory as the server) over an in-memory store and a given carrier
 * adapter, with two merchants, so route tests run in-process with `app.request()`.
 */
import type { CarrierAdapter } from "../contracts/carrier-adapter.ts";
import type { InterceptionRequest } from "../contracts/interception.ts";
import { createApp } from "../src/app.ts";
import { registryOf } from "../src/carriers/registry.ts";
import { type Clock, systemClock } from "../src/clock.ts";
import { type GatewayConfig, loadConfig } from "../src/config.ts";
import { type Logger, silentLogger } from "../src/logger.ts";
import { Metrics } from "../src/metrics.ts";
import { buildServices, storeCommitMetric } from "../src/server.ts";
import { openSqliteStore } from "../src/store/sqlite/open.ts";
import type { TestStore } from "./support/jobs.ts";
import { openTestPostgresStore } from "./support/postgres-store.ts";

export const adminToken = "test-admin-token-0123456789";

export interface TestMerchant {
  id: string;
  apiKey: string;
}

/** A valid intercept request; override fields per test. */
export function interceptBody(overrides: Partial<InterceptionRequest> = {}): InterceptionRequest {
  return {
    carrier: "sf-express",
    trackingNumber: "SF1400000000001",
    orderId: "ORD-20261121-0001",
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
    ...overrides,
  };
}

/**
 * The gateway over one fake carrier, or several (each standing in for a different carrier).
 * `now` replaces the gateway's clock (services, worker and carrier deadlines), for tests where
 * time is the subject; `logger` receives the logs, for tests that read them.
 */
export async function createTestGateway(
  adapters: CarrierAdapter | CarrierAdapter[],
  env: Record<string, string> = {},
  options: { now?: Clock; logger?: Logger } = {},
) {
  const logger = options.logger ?? silentLogger;
  const config = loadConfig({
    DATABASE_URL: ":memory:",
    ADMIN_TOKEN: adminToken,
    REQUEST_DEADLINE_MS: "1500",
    CARRIER_RETRIES: "2",
    CARRIER_RETRY_MIN_DELAY_MS: "5",
    CARRIER_RETRY_MAX_DELAY_MS: "20",
    ...env,
  });
  const metrics = new Metrics();
  // By default the real clock, which vitest's fake timers move too.
  const now = options.now ?? systemClock;
  const { store, rateLimiter } = await openTestStore(config, metrics, now);
  const carriers = registryOf(
    [adapters].flat().map((adapter) => ({ adapter, mode: "sandbox" as const })),
    config,
    metrics,
    logger,
    now,
  );
  const { services, worker, webhookWorker, deadlineWorker } = buildServices({
    config,
    store,
    carriers,
    logger,
    metrics,
    now,
    rateLimiter,
  });
  const app = createApp(services);

  const makeMerchant = async (name: string, pickupService: boolean): Promise<TestMerchant> => {
    const created = await services.merchants.create({ name, pickupService });
    return { id: created.merchant.id, apiKey: created.apiKey };
  };
  const merchantA = await makeMerchant("Merchant A", true);
  const merchantB = await makeMerchant("Merchant B", false);

  /** Sends a JSON request as a merchant. */
  const call = (
    merchant: TestMerchant | null,
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    if (merchant) {
      headers.authorization = `Bearer ${merchant.apiKey}`;
    }
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
    }
    if (body !== undefined) {
      headers["content-type"] ??= "application/json";
    }
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };

  /** POST /v1/interceptions with an idempotency key. */
  const intercept = (merchant: TestMerchant, key: string, body: unknown) =>
    call(merchant, "POST", "/v1/interceptions", { body, headers: { "idempotency-key": key } });

  return {
    app,
    config,
    services,
    worker,
    webhookWorker,
    deadlineWorker,
    store,
    metrics,
    merchantA,
    merchantB,
    call,
    intercept,
    close: async () => {
      await Promise.all([worker.stop(), webhookWorker.stop(), deadlineWorker.stop()]);
      await carriers.close();
      await store.close();
    },
  };
}

export type TestGateway = Awaited<ReturnType<typeof createTestGateway>>;

/** Whether test gateways run on PostgreSQL (the `postgres` vitest project). */
export const onPostgres = process.env.GATEWAY_TEST_STORE === "postgres";

/**
 * The store the test gateway runs on: SQLite in memory, or, with `GATEWAY_TEST_STORE=postgres`
 * (the `postgres` vitest project), PostgreSQL on a fresh database of its own, with its pg-boss
 * queue and its shared rate-limit buckets, as `DATABASE_URL=postgres://…` would give.
 */
async function openTestStore(config: GatewayConfig, metrics: Metrics, now: Clock) {
  if (onPostgres) {
    const commits = storeCommitMetric(metrics);
    const store = await openTestPostgresStore(undefined, {
      jobLeaseMs: config.jobLeaseMs,
      onCommit: (seconds) => commits(seconds, 1),
    });
    return {
      store: store as TestStore,
      rateLimiter: store.keyRateLimiter(config.rateLimit, now),
    };
  }
  const store: TestStore = openSqliteStore({
    path: ":memory:",
    onCommit: storeCommitMetric(metrics),
  });
  return { store, rateLimiter: undefined };
}

/** Reads a response body as JSON, keeping the text for assertion messages. */
/**
 * Makes the `nth` next `transitionInterception` call of the store throw, as a failing disk
 * would; every other call goes through.
 */
export function failNthTransition(store: TestGateway["store"], nth = 1): void {
  const transition = store.interceptions.transition.bind(store);
  let calls = 0;
  store.interceptions.transition = async (...args) => {
    calls += 1;
    if (calls === nth) {
      throw new Error("disk went away");
    }
    return transition(...args);
  };
}

/** The detail of an Interception resource's newest event. */
export function lastEventDetail(interception: Record<string, unknown>): string | undefined {
  const events = interception.events as Array<{ detail: string }> | undefined;
  return events?.at(-1)?.detail;
}

export async function json(
  response: Response,
): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    text,
  };
}
