/**
 * Starts the gateway: store, carriers, services, HTTP server and worker, all built once from the
 * configuration. In demo mode it also starts the carrier sandboxes (unless some are given or
 * SANDBOX_URL points at running ones) and sets up the demo merchant. `close()` drains in order:
 * stop accepting, stop the worker, release carriers, close the database, stop own sandboxes.
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { newSandboxSecret } from "../adapters/sandbox-kit/secret.ts";
import { type RunningSandbox, startSandbox } from "../adapters/sandbox-kit/server.ts";
import { createApp } from "./app.ts";
import type { SandboxLink } from "./carriers/definition.ts";
import { buildCarrierRegistry, gatewayModeOf, sandboxPushUrls } from "./carriers/modules.ts";
import type { CarrierRegistry } from "./carriers/registry.ts";
import { type Clock, systemClock } from "./clock.ts";
import { ConfigError, databaseName, type GatewayConfig } from "./config.ts";
import type { AppServices } from "./http/env.ts";
import { JobRunner } from "./jobs/runner.ts";
import { createJsonLogger, type Logger } from "./logger.ts";
import { Metrics } from "./metrics.ts";
import { inMemoryKeyRateLimiter, type KeyRateLimiter } from "./rate-limiter.ts";
import { CarrierCallBudget } from "./services/carrier-budget.ts";
import { type DemoLogin, setUpDemoMerchant } from "./services/demo.ts";
import type { ServiceDeps } from "./services/deps.ts";
import { claimDatabaseMode } from "./services/gateway-mode.ts";
import { InterceptionService } from "./services/interceptions.ts";
import { MerchantService } from "./services/merchants.ts";
import { checkForMissedPushes } from "./services/missed-pushes.ts";
import { ShipDateProposalService } from "./services/ship-date-proposals.ts";
import { ShipmentService } from "./services/shipments.ts";
import { TicketService } from "./services/tickets.ts";
import { TrackingCache } from "./services/tracking.ts";
import { WebhookService } from "./services/webhooks.ts";
import type { CommitObserver } from "./store/group-commit.ts";
import { openConfiguredStore } from "./store/open.ts";
import type { GatewayMode, Store } from "./store/store.ts";
import { closeWebhookConnections, postWebhook, type WebhookPoster } from "./webhooks/post.ts";
import type { Resolve } from "./webhooks/url-guard.ts";
import { DeadlineWorker } from "./workers/deadline-worker.ts";
import { JobWorker } from "./workers/job-worker.ts";
import { WebhookWorker } from "./workers/webhook-worker.ts";

export interface RunningGateway {
  url: string;
  mode: GatewayMode;
  /** The sandboxes carriers without credentials use, if any. */
  sandboxUrl: string | null;
  /** In demo mode: the demo merchant and the key to print. */
  demo: DemoLogin | null;
  services: AppServices;
  worker: JobWorker;
  webhookWorker: WebhookWorker;
  deadlineWorker: DeadlineWorker;
  close(): Promise<void>;
}

/** Upper bounds (s) for commit times: a healthy fsync takes well under a millisecond. */
const commitBuckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/**
 * Feeds `gateway_store_commit_seconds`: how long each group commit held the event loop. Slow
 * storage shows here first, as every request waiting on a write waits for its commit.
 */
export function storeCommitMetric(metrics: Metrics): CommitObserver {
  return (seconds) =>
    metrics.observe(
      "gateway_store_commit_seconds",
      "Time one group commit held the event loop: its writes and the COMMIT (on PostgreSQL, the wait for the COMMIT).",
      commitBuckets,
      seconds,
    );
}

/**
 * Feeds `gateway_store_fsync_seconds` (SQLite): how long each WAL fsync took on libuv's thread
 * pool. Every write waits for one before it is answered, so a slow disk shows here.
 */
export function storeFsyncMetric(metrics: Metrics): (seconds: number) => void {
  return (seconds) =>
    metrics.observe(
      "gateway_store_fsync_seconds",
      "Time one WAL fsync took, off the event loop (SQLite); the writes it covers wait for it.",
      commitBuckets,
      seconds,
    );
}

/** Everything the HTTP app needs, built from the configuration. */
export function buildServices(input: {
  config: GatewayConfig;
  store: Store;
  carriers: CarrierRegistry;
  logger: Logger;
  metrics: Metrics;
  /** The clock the carriers were built with: deadlines are set and read on the same one. */
  now: Clock;
  isShuttingDown?: () => boolean;
  /** The per-key rate limit's buckets; by default this process's own (one instance). */
  rateLimiter?: KeyRateLimiter;
  /** Webhook POSTs; by default the process's shared pools (closed by `startGateway`'s close). */
  webhookPoster?: Pick<WebhookPoster, "post">;
  /** The URL guard's resolver; by default the system's. */
  resolve?: Resolve;
}): {
  services: AppServices;
  worker: JobWorker;
  webhookWorker: WebhookWorker;
  deadlineWorker: DeadlineWorker;
} {
  const { config, store, carriers, logger, metrics, now } = input;
  // API.md: demo mode allows `http://` and loopback endpoints, as WEBHOOK_ALLOW_PRIVATE_URLS does.
  const webhookPolicy = {
    allowPrivate: config.webhooks.allowPrivateUrls || gatewayModeOf(config) === "demo",
  };
  const tracking = new TrackingCache(config.trackingCacheMs, now);
  metrics.gauge(
    "gateway_tracking_cache_entries",
    "Carrier tracking answers still fresh for reuse (TRACKING_CACHE_MS).",
    () => [{ labels: {}, value: tracking.freshCount() }],
  );
  const deps: ServiceDeps = {
    store,
    carriers,
    logger,
    metrics,
    now,
    requestDeadlineMs: config.requestDeadlineMs,
    jobLeaseMs: config.jobLeaseMs,
    maxJobAttempts: config.maxJobAttempts,
    tracking,
    carrierBudget: new CarrierCallBudget(config.carrierCallsPerMerchantPerMinute, now),
    obligations: config.obligations,
  };
  // One runner for the requests (each runs the job it stores) and the worker (the rest).
  const jobs = new JobRunner(deps);
  const interceptions = new InterceptionService(deps, jobs);
  metrics.gauge(
    "gateway_circuit_open",
    "1 when a carrier's circuit breaker is open (0.5 half-open).",
    () =>
      carriers.circuitStates().map(({ carrier, state }) => ({
        labels: { carrier },
        value: state === "open" ? 1 : state === "half_open" ? 0.5 : 0,
      })),
  );
  const services: AppServices = {
    adminToken: config.adminToken,
    publicUrl: config.publicUrl,
    bodyLimitBytes: config.bodyLimitBytes,
    rateLimit: config.rateLimit,
    rateLimiter: input.rateLimiter ?? inMemoryKeyRateLimiter(config.rateLimit),
    store,
    carriers,
    merchants: new MerchantService(store, now),
    interceptions,
    shipments: new ShipmentService(deps),
    proposals: new ShipDateProposalService(deps),
    tickets: new TicketService(deps),
    webhooks: new WebhookService(store, now, webhookPolicy, input.resolve),
    obligations: config.obligations,
    logger,
    metrics,
    now,
    isReady: async () => {
      if (input.isShuttingDown?.()) {
        return false;
      }
      try {
        await store.merchants.get("readiness-probe");
        return true;
      } catch {
        return false;
      }
    },
  };
  const worker = new JobWorker({
    store,
    jobs,
    carriers,
    logger,
    now,
    intervalMs: config.workerIntervalMs,
    jobLeaseMs: config.jobLeaseMs,
    jobDeadlineMs: config.requestDeadlineMs,
    concurrency: config.workerConcurrency,
    idempotencyRetentionMs: 48 * 60 * 60_000,
    pruneBatchSize: 500,
  });
  // Its own worker: a dead endpoint's timeouts never hold a carrier job's slot, nor the reverse.
  const webhookWorker = new WebhookWorker({
    store,
    poster: input.webhookPoster ?? { post: postWebhook },
    policy: webhookPolicy,
    ...(input.resolve ? { resolve: input.resolve } : {}),
    logger,
    now,
    intervalMs: config.webhooks.intervalMs,
    timeoutMs: config.webhooks.timeoutMs,
    leaseMs: config.webhooks.leaseMs,
    concurrency: config.webhooks.concurrency,
  });
  // The durable scheduler: shipping deadlines, on the job worker's beat.
  const deadlineWorker = new DeadlineWorker({
    store,
    carriers,
    logger,
    metrics,
    now,
    carrierDeadlineMs: config.requestDeadlineMs,
    collectionLooks: config.collectionLooks,
    obligations: config.obligations,
    intervalMs: config.workerIntervalMs,
    leaseMs: deadlineLeaseMs,
    batchSize: 20,
  });
  return { services, worker, webhookWorker, deadlineWorker };
}

/** A worker's hold on a deadline: far past one handler's carrier call (the request deadline). */
const deadlineLeaseMs = 60_000;

/**
 * Starts the HTTP server and the worker on the configured host and port. `sandbox`: sandboxes
 * to use (tests pass their own); by default SANDBOX_URL's, else in demo mode fresh ones in this
 * process. Refuses (ConfigError) a database of the other mode before anything starts.
 */
export async function startGateway(
  config: GatewayConfig,
  sandbox?: SandboxLink,
): Promise<RunningGateway> {
  // One clock for the logs, the carriers' deadlines and the services that set them.
  const now = systemClock;
  const logger = createJsonLogger(config.logLevel, now);
  const metrics = new Metrics();
  const mode = gatewayModeOf(config);
  // Demo mode (sandboxes in this process, a demo merchant) is for one process on a SQLite file:
  // instances sharing PostgreSQL would each start their own sandboxes and demo merchant.
  const sqliteDemo = mode === "demo" && config.database.engine === "sqlite";
  if (mode === "demo" && !sqliteDemo && !sandbox && !config.sandbox) {
    throw new ConfigError(
      "Invalid configuration:\n  DATABASE_URL: PostgreSQL runs live, with no sandboxes in the " +
        'process: set the carrier credentials (see README "Configuration"), or SANDBOX_URL and ' +
        "SANDBOX_SECRET of running sandboxes (npm run sandbox), or use a SQLite file for the demo.",
    );
  }
  const { store, rateLimiter } = await openConfiguredStore(config, {
    logger,
    now,
    onCommit: storeCommitMetric(metrics),
    onFsync: storeFsyncMetric(metrics),
  });
  let ownSandbox: RunningSandbox | null = null;
  let demo: DemoLogin | null = null;
  let link: SandboxLink | null = null;
  let carriers: CarrierRegistry | null = null;
  // A refused or failed start listens on nothing and releases all it opened.
  const releaseStart = async () => {
    await carriers?.close();
    await ownSandbox?.close();
    await store.close();
  };
  try {
    await claimDatabaseMode(store, mode, databaseName(config.database));
    if (sqliteDemo) {
      demo = await setUpDemoMerchant(new MerchantService(store, now), config.demo);
    }
    if (!sandbox && !config.sandbox && sqliteDemo) {
      ownSandbox = await startOwnSandbox(config);
    }
    link = sandbox ?? config.sandbox ?? ownSandbox;
    carriers = buildCarrierRegistry({ config, sandbox: link }, metrics, logger, now);
    await checkForMissedPushes({
      store,
      carriers,
      logger,
      now,
      windowMs: config.pushRestartWindowMs,
    });
  } catch (error) {
    await releaseStart();
    throw error;
  }
  let shuttingDown = false;
  const { services, worker, webhookWorker, deadlineWorker } = buildServices({
    config,
    store,
    carriers,
    logger,
    metrics,
    now,
    isShuttingDown: () => shuttingDown,
    rateLimiter: rateLimiter ?? undefined,
  });
  const app = createApp(services);

  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    const started = serve(
      { fetch: app.fetch, port: config.port, hostname: config.host },
      (info) => {
        resolve({ server: started as Server, port: info.port });
      },
    );
  });
  worker.start();
  // Deliveries committed before a crash or stop are still pending: this start delivers them.
  webhookWorker.start();
  // Deadlines that fell due while no instance ran are due now: this start acts on them.
  deadlineWorker.start();
  const url = `http://${config.host}:${port}`;
  logger.info("gateway listening", {
    url,
    carriers: carriers.all().map(({ id, mode }) => ({ id, mode })),
  });

  return {
    url,
    mode,
    sandboxUrl: link?.url ?? null,
    demo,
    services,
    worker,
    webhookWorker,
    deadlineWorker,
    close: async () => {
      shuttingDown = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A request in flight leaves its keep-alive connection idle once answered; close() alone
      // would wait for the client (or the 5 s keep-alive timeout) to drop it.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      try {
        await Promise.all([worker.stop(), webhookWorker.stop(), deadlineWorker.stop()]);
        await closed;
      } finally {
        clearInterval(sweep);
      }
      await carriers.close();
      await closeWebhookConnections();
      await store.close();
      await ownSandbox?.close();
    },
  };
}

/**
 * Demo mode's sandboxes, in this process, with a fresh run secret: their push secrets exist
 * only in this process, so no constant from the README or the code settles an interception.
 */
function startOwnSandbox(config: GatewayConfig): Promise<RunningSandbox> {
  const secret = newSandboxSecret();
  return startSandbox({
    port: config.env.SANDBOX_PORT,
    host: "127.0.0.1",
    pushUrls: sandboxPushUrls(config.publicUrl, secret),
    secret,
  });
}
