/**
 * Configuration, read once at start-up from the environment (and an optional rules file) and
 * validated with zod. Errors name the variable. Nothing else reads process.env: each carrier's
 * variables are read here too, by its definition (src/carriers/definitions.ts).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type CarrierId, carrierIds } from "../contracts/carrier-adapter.ts";
import type { CarrierSetup } from "./carriers/definition.ts";
import { carrierDefinitions } from "./carriers/definitions.ts";
import { ConfigError } from "./config-error.ts";
import { type CollectionLooks, defaultCollectionLooks } from "./domain/collection.ts";
import {
  defaultObligationRules,
  type ObligationRules,
  replyReasons,
} from "./domain/obligations/rules.ts";
import { type CarrierRules, CarrierRulesSchema, defaultCarrierRules } from "./domain/rules.ts";
import type { LogLevel } from "./logger.ts";
import type { RateLimitSettings } from "./rate-limiter.ts";
import type { CarrierHttpSettings } from "./resilience/carrier-pool.ts";
import type { ResilienceSettings } from "./resilience/resilient-carrier.ts";

const port = z.coerce.number().int().min(0).max(65_535);
const positiveMs = z.coerce.number().int().min(1);
const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");
/** A comma-separated list; blanks around items are ignored. */
const list = z.string().transform((value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
);
const days = z.coerce.number().int().min(1);
const obligations = defaultObligationRules;

const EnvSchema = z.object({
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: port.default(8080),
  /** Where carriers send callbacks; defaults to the gateway's own loopback address. */
  PUBLIC_URL: z.url().optional(),
  SANDBOX_PORT: port.default(4010),
  SANDBOX_URL: z.url().optional(),
  /** The run secret of the sandboxes at SANDBOX_URL (`npm run sandbox` prints it). */
  SANDBOX_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  /** A SQLite file (`file:./data/x.db`, `./data/x.db`, `:memory:`) or `postgres://…` (many instances). */
  DATABASE_URL: z.string().min(1).default("file:./data/gateway.db"),
  /** On PostgreSQL: connections one instance keeps at most (its job queue shares them). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).default(10),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEMO_API_KEY: z
    .string()
    .regex(
      /^igk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/,
      "must look like igk_<16 hex>_<43 base64url> (npm run merchant makes one)",
    )
    .optional(),
  DEMO_PICKUP_SERVICE: flag.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
  /** Per API key: requests in a burst, and sustained requests per second. */
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_PER_SECOND: z.coerce.number().min(0.01).default(50),
  /**
   * How long an assessment reuses a merchant's successful tracking answer for the same parcel
   * (an eligibility check then the intercept ask the carrier once); 0 turns the cache off. At
   * most 5 minutes: an older answer may no longer describe the parcel.
   */
  TRACKING_CACHE_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
  /**
   * Carrier calls one merchant's requests may make per minute (tracking not served from the
   * cache, intercepts, redirects, cancels). At least 2: an intercept reserves its tracking call
   * and its intercept call together.
   */
  CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: z.coerce.number().int().min(2).default(600),
  /** Total time an HTTP request may spend on carrier calls before answering `pending`. */
  REQUEST_DEADLINE_MS: positiveMs.default(5_000),
  CARRIER_CONNECT_TIMEOUT_MS: positiveMs.default(2_000),
  CARRIER_HEADERS_TIMEOUT_MS: positiveMs.default(4_000),
  CARRIER_BODY_TIMEOUT_MS: positiveMs.default(4_000),
  CARRIER_ATTEMPT_TIMEOUT_MS: positiveMs.default(4_000),
  CARRIER_MAX_CONNECTIONS: z.coerce.number().int().min(1).default(32),
  CARRIER_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  CARRIER_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  CARRIER_RETRY_MIN_DELAY_MS: positiveMs.default(100),
  CARRIER_RETRY_MAX_DELAY_MS: positiveMs.default(1_000),
  /** The longest carrier Retry-After believed; a longer one is cut to this. */
  CARRIER_RETRY_AFTER_CAP_MS: positiveMs.default(15 * 60_000),
  BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().min(1).max(100).default(50),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(10),
  BREAKER_RESET_TIMEOUT_MS: positiveMs.default(30_000),
  BREAKER_WINDOW_MS: positiveMs.default(10_000),
  WORKER_INTERVAL_MS: positiveMs.default(1_000),
  /**
   * How often the gateway looks at a shipped parcel's tracking until it is collected: first this
   * long after the last look, doubling up to the longest wait.
   */
  COLLECTION_LOOK_FIRST_MS: positiveMs.default(defaultCollectionLooks.firstMs),
  COLLECTION_LOOK_LONGEST_MS: positiveMs.default(defaultCollectionLooks.longestMs),
  /** Jobs the worker runs at once, in all and per carrier (so one slow carrier cannot hold all). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  WORKER_CONCURRENCY_PER_CARRIER: z.coerce.number().int().min(1).default(4),
  /** Webhook URLs may also be `http://` and internal addresses (API.md; demo mode allows them too). */
  WEBHOOK_ALLOW_PRIVATE_URLS: flag.default(false),
  /** Webhook attempts the delivery worker makes at once, in all and to one endpoint. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  WEBHOOK_CONCURRENCY_PER_ENDPOINT: z.coerce.number().int().min(1).default(4),
  /** How often the delivery worker looks for due deliveries (it also does as each one ends). */
  WEBHOOK_WORKER_INTERVAL_MS: positiveMs.default(250),
  /** How long a worker holds a job before another may take it over. */
  JOB_LEASE_MS: positiveMs.default(30_000),
  /** Submit attempts after which the gateway gives up and fails the interception. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(30),
  /** Polling of carriers without push: first poll, longest interval, and when to give up. */
  POLL_INITIAL_DELAY_MS: positiveMs.default(30_000),
  /** For carriers that push: when to check tracking in case the push never arrives. */
  POLL_PUSH_FALLBACK_DELAY_MS: positiveMs.default(15 * 60_000),
  /**
   * For carriers that push: at start, their submitted interceptions' tracking checks are brought
   * forward to within this window (a push may have come while the gateway was down).
   */
  POLL_PUSH_RESTART_WINDOW_MS: positiveMs.default(30_000),
  POLL_MAX_INTERVAL_MS: positiveMs.default(30 * 60_000),
  POLL_HORIZON_MS: positiveMs.default(72 * 60 * 60_000),
  /** Shipping obligations (src/domain/obligations/rules.ts, seeds 001, 002, 004). */
  URGE_COLLECTION_WINDOW_MS: positiveMs.default(obligations.urgeCollectionWindowMs),
  URGE_SHIPMENT_REPLY_WINDOW_MS: positiveMs.default(obligations.urgeShipmentReplyWindowMs),
  SHIP_LATER_ANSWER_WINDOW_MS: positiveMs.default(obligations.shipLaterAnswerWindowMs),
  COLLECT_AFTER_SHIP_WINDOW_MS: positiveMs.default(obligations.collectAfterShipWindowMs),
  SHIP_DATE_PROPOSAL_WINDOW_MS: positiveMs.default(obligations.proposalAnswerWindowMs),
  SHIP_DATE_PROPOSALS_MAX: z.coerce.number().int().min(1).default(obligations.maxProposals),
  SHIP_LATER_MAX_DAYS: days.default(obligations.shipLaterMaxDays),
  SHIP_LATER_MAX_DAYS_FRESH: days.default(obligations.shipLaterMaxDaysFresh),
  FRESH_CATEGORIES: list.default(obligations.freshCategories),
  TICKET_REPLY_REASONS: list
    .pipe(z.array(z.enum(replyReasons)).min(1, "must name at least one reason"))
    .default(obligations.reasons),
  /**
   * JSON file with per-carrier overrides of rules, polling and HTTP settings:
   * `{ "ups": { "rules": { … }, "poll": { … }, "http": { … } } }`.
   */
  CARRIER_CONFIG_FILE: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

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

export interface PollSchedule {
  initialDelayMs: number;
  /** First tracking check of a push carrier's interception, if no push came by then. */
  pushFallbackDelayMs: number;
  maxIntervalMs: number;
  /** After this long without a decisive answer the interception fails as `outcome_unknown`. */
  horizonMs: number;
}

export interface CarrierSettings {
  rules: CarrierRules;
  poll: PollSchedule;
  http: CarrierHttpSettings;
  /** The carrier's own variables, read and checked by its definition. */
  setup: CarrierSetup;
}

const PollScheduleSchema = z.object({
  initialDelayMs: z.number().int().min(1),
  pushFallbackDelayMs: z.number().int().min(1),
  maxIntervalMs: z.number().int().min(1),
  horizonMs: z.number().int().min(1),
});

const HttpSettingsSchema = z.object({
  connectTimeoutMs: z.number().int().min(1),
  headersTimeoutMs: z.number().int().min(1),
  bodyTimeoutMs: z.number().int().min(1),
  maxConnections: z.number().int().min(1),
  maxResponseBytes: z.number().int().min(1024),
});

const CarrierConfigFileSchema = z.partialRecord(
  z.enum(carrierIds),
  z.strictObject({
    // Strict throughout: a misspelt setting is an error at start-up, not silently ignored.
    rules: CarrierRulesSchema.partial().strict().optional(),
    poll: PollScheduleSchema.partial().strict().optional(),
    http: HttpSettingsSchema.partial().strict().optional(),
  }),
);

/**
 * Defaults from the environment, each carrier's own rules, then the file's overrides; and each
 * carrier's variables, every problem named at once.
 */
function loadCarrierSettings(
  env: Env,
  environment: Readonly<Record<string, string | undefined>>,
): Record<CarrierId, CarrierSettings> {
  const setups = readCarrierSetups(environment);
  const overrides = readCarrierConfigFile(env.CARRIER_CONFIG_FILE);
  const http = httpDefaults(env);
  const poll: PollSchedule = {
    initialDelayMs: env.POLL_INITIAL_DELAY_MS,
    pushFallbackDelayMs: env.POLL_PUSH_FALLBACK_DELAY_MS,
    maxIntervalMs: env.POLL_MAX_INTERVAL_MS,
    horizonMs: env.POLL_HORIZON_MS,
  };
  return Object.fromEntries(
    carrierIds.map((id) => [
      id,
      {
        rules: {
          ...defaultCarrierRules,
          ...carrierDefinitions[id].ruleDefaults,
          ...overrides[id]?.rules,
        },
        poll: { ...poll, ...overrides[id]?.poll },
        http: { ...http, ...overrides[id]?.http },
        setup: setups[id],
      },
    ]),
  ) as Record<CarrierId, CarrierSettings>;
}

function httpDefaults(env: Env): CarrierHttpSettings {
  return {
    connectTimeoutMs: env.CARRIER_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: env.CARRIER_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: env.CARRIER_BODY_TIMEOUT_MS,
    maxConnections: env.CARRIER_MAX_CONNECTIONS,
    maxResponseBytes: env.CARRIER_MAX_RESPONSE_BYTES,
  };
}

function readCarrierConfigFile(file: string | undefined): z.infer<typeof CarrierConfigFileSchema> {
  if (!file) {
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`CARRIER_CONFIG_FILE: cannot read ${file}: ${String(error)}`);
  }
  const parsed = CarrierConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`CARRIER_CONFIG_FILE ${file} is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Each carrier's variables, read by its definition. Carriers may share variables (ZTO reads
 * Kuaidi100's), so a problem is named once.
 */
function readCarrierSetups(
  environment: Readonly<Record<string, string | undefined>>,
): Record<CarrierId, CarrierSetup> {
  const problems = new Set<string>();
  const setups = new Map<CarrierId, CarrierSetup>();
  for (const id of carrierIds) {
    const read = carrierDefinitions[id].read(environment);
    if (read.ok) {
      setups.set(id, read.setup);
    } else {
      for (const problem of read.problems) {
        problems.add(problem);
      }
    }
  }
  if (problems.size > 0) {
    const lines = [...problems].map((problem) => `  ${problem}`);
    throw new ConfigError(`Invalid carrier configuration:\n${lines.join("\n")}`);
  }
  return Object.fromEntries(setups) as Record<CarrierId, CarrierSetup>;
}
