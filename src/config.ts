/**
 * Configuration, read once at start-up from the environment (and an optional rules file) and
 * validated with zod. Errors name the variable. Nothing else reads process.env: each carrier's
 * variables are read here too, by its definition (src/carriers/definitions.ts). The variables'
 * schema is config/env.ts; each carrier's settings are loaded by config/carrier-settings.ts.
 */
import type { CarrierId } from "../contracts/carrier-adapter.ts";
import { type CarrierSettings, loadCarrierSettings } from "./config/carrier-settings.ts";
import { type Env, EnvSchema } from "./config/env.ts";
import { ConfigError } from "./config-error.ts";
import type { CollectionLooks } from "./domain/collection.ts";
import type { ObligationRules } from "./domain/obligations/rules.ts";
import type { LogLevel } from "./logger.ts";
import type { RateLimitSettings } from "./rate-limiter.ts";
import type { ResilienceSettings } from "./resilience/resilient-carrier.ts";

export interface GatewayConfig {
  host: string;
  port: number;
  publicUrl: string;
  database: DatabaseConfig;
  /** Sandboxes running elsewhere (SANDBOX_URL) and their run secret; null when not set. */
  sandbox: { url: string; secret: string } | null;
  adminToken: string | null;
  demo: { apiKey: string | null; pickupService: boolean };
  logLevel: LogLevel;
  bodyLimitBytes: number;
  rateLimit: RateLimitSettings;
  /** How long an assessment reuses a successful tracking answer; 0: never. */
  trackingCacheMs: number;
  /** Carrier calls one merchant's requests may make per minute. */
  carrierCallsPerMerchantPerMinute: number;
  requestDeadlineMs: number;
  resilience: ResilienceSettings;
  workerIntervalMs: number;
  /** The looks at a shipped parcel's tracking (domain/collection.ts). */
  collectionLooks: CollectionLooks;
  /** Jobs the worker runs at once: in all, and of one carrier. */
  workerConcurrency: { total: number; perCarrier: number };
  jobLeaseMs: number;
  maxJobAttempts: number;
  webhooks: WebhookSettings;
  /** At start, push carriers' tracking checks are brought forward to within this window. */
  pushRestartWindowMs: number;
  /** Per carrier: its rules, how it is polled, its HTTP settings, its own variables. */
  carriers: Record<CarrierId, CarrierSettings>;
  /** The platform's shipping-obligation windows, limits and reasons. */
  obligations: ObligationRules;
  /** The validated gateway variables. */
  env: Env;
}

/** The delivery worker's settings and the URL policy of merchants' endpoints. */
export interface WebhookSettings {
  /** WEBHOOK_ALLOW_PRIVATE_URLS (demo mode allows private URLs whatever it says). */
  allowPrivateUrls: boolean;
  intervalMs: number;
  concurrency: { total: number; perEndpoint: number };
  /** One attempt's deadline: API.md's 10 s. */
  timeoutMs: number;
  leaseMs: number;
}

// Thrown by carrier definitions too; defined apart so they need not import this module.
export { ConfigError };

/** Reads and validates the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(
  environment: NodeJS.ProcessEnv | Record<string, string | undefined>,
): GatewayConfig {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== ""),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  if (env.JOB_LEASE_MS <= env.REQUEST_DEADLINE_MS * 2) {
    // A job must finish its carrier calls well inside its lease, or a second worker (or a cancel)
    // could take it over while the carrier is still being called.
    throw new ConfigError(
      `Invalid configuration:\n  JOB_LEASE_MS: must be more than twice REQUEST_DEADLINE_MS (${env.REQUEST_DEADLINE_MS})`,
    );
  }
  if (env.SANDBOX_URL && !env.SANDBOX_SECRET) {
    // The sandboxes' push secrets derive from it: without it no push would be accepted.
    throw new ConfigError(
      "Invalid configuration:\n  SANDBOX_SECRET: required with SANDBOX_URL (npm run sandbox prints the one it uses)",
    );
  }
  return {
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    publicUrl: env.PUBLIC_URL ?? `http://127.0.0.1:${env.GATEWAY_PORT}`,
    database: databaseOf(env.DATABASE_URL, env.DATABASE_POOL_SIZE),
    sandbox:
      env.SANDBOX_URL && env.SANDBOX_SECRET
        ? { url: env.SANDBOX_URL, secret: env.SANDBOX_SECRET }
        : null,
    adminToken: env.ADMIN_TOKEN ?? null,
    demo: { apiKey: env.DEMO_API_KEY ?? null, pickupService: env.DEMO_PICKUP_SERVICE },
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimit: { burst: env.RATE_LIMIT_BURST, perSecond: env.RATE_LIMIT_PER_SECOND },
    trackingCacheMs: env.TRACKING_CACHE_MS,
    carrierCallsPerMerchantPerMinute: env.CARRIER_CALLS_PER_MERCHANT_PER_MINUTE,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    resilience: {
      attemptTimeoutMs: env.CARRIER_ATTEMPT_TIMEOUT_MS,
      retries: env.CARRIER_RETRIES,
      minRetryDelayMs: env.CARRIER_RETRY_MIN_DELAY_MS,
      maxRetryDelayMs: env.CARRIER_RETRY_MAX_DELAY_MS,
      retryAfterCapMs: env.CARRIER_RETRY_AFTER_CAP_MS,
      breaker: {
        errorThresholdPercentage: env.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: env.BREAKER_RESET_TIMEOUT_MS,
        rollingCountTimeoutMs: env.BREAKER_WINDOW_MS,
      },
    },
    workerIntervalMs: env.WORKER_INTERVAL_MS,
    collectionLooks: {
      firstMs: env.COLLECTION_LOOK_FIRST_MS,
      longestMs: env.COLLECTION_LOOK_LONGEST_MS,
    },
    workerConcurrency: {
      total: env.WORKER_CONCURRENCY,
      perCarrier: env.WORKER_CONCURRENCY_PER_CARRIER,
    },
    jobLeaseMs: env.JOB_LEASE_MS,
    maxJobAttempts: env.JOB_MAX_ATTEMPTS,
    webhooks: {
      allowPrivateUrls: env.WEBHOOK_ALLOW_PRIVATE_URLS,
      intervalMs: env.WEBHOOK_WORKER_INTERVAL_MS,
      concurrency: {
        total: env.WEBHOOK_CONCURRENCY,
        perEndpoint: env.WEBHOOK_CONCURRENCY_PER_ENDPOINT,
      },
      timeoutMs: 10_000,
      // Well past an attempt's deadline, so only a worker that died loses its deliveries.
      leaseMs: 60_000,
    },
    pushRestartWindowMs: env.POLL_PUSH_RESTART_WINDOW_MS,
    carriers: loadCarrierSettings(env, present),
    obligations: {
      urgeCollectionWindowMs: env.URGE_COLLECTION_WINDOW_MS,
      urgeShipmentReplyWindowMs: env.URGE_SHIPMENT_REPLY_WINDOW_MS,
      shipLaterAnswerWindowMs: env.SHIP_LATER_ANSWER_WINDOW_MS,
      collectAfterShipWindowMs: env.COLLECT_AFTER_SHIP_WINDOW_MS,
      proposalAnswerWindowMs: env.SHIP_DATE_PROPOSAL_WINDOW_MS,
      maxProposals: env.SHIP_DATE_PROPOSALS_MAX,
      shipLaterMaxDays: env.SHIP_LATER_MAX_DAYS,
      shipLaterMaxDaysFresh: env.SHIP_LATER_MAX_DAYS_FRESH,
      freshCategories: env.FRESH_CATEGORIES,
      reasons: env.TICKET_REPLY_REASONS,
    },
    env,
  };
}

/**
 * Where the gateway keeps its data: a SQLite file (one process), or a PostgreSQL database that any
 * number of instances share.
 */
export type DatabaseConfig =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string; poolSize: number };

/** `postgres://` and `postgresql://` select PostgreSQL; `file:./data/x.db`, `./data/x.db` and `:memory:` SQLite. */
function databaseOf(url: string, poolSize: number): DatabaseConfig {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { engine: "postgres", url, poolSize };
  }
  return { engine: "sqlite", path: url.startsWith("file:") ? url.slice("file:".length) : url };
}

/** The database for messages: a SQLite path, or a PostgreSQL URL without its password. */
export function databaseName(database: DatabaseConfig): string {
  if (database.engine === "sqlite") {
    return database.path;
  }
  const url = new URL(database.url);
  url.password = "";
  return url.toString();
}
