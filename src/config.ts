/**
 * Configuration, read once at start-up from the environment (and an optional rules file) and
 * validated with zod. Errors name the variable. Nothing else reads process.env.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type CarrierId, carrierIds } from "../contracts/carrier-adapter.ts";
import { type CarrierRules, CarrierRulesSchema, defaultCarrierRules } from "./domain/rules.ts";
import type { LogLevel } from "./logger.ts";
import type { CarrierHttpSettings } from "./resilience/carrier-pool.ts";
import type { ResilienceSettings } from "./resilience/resilient-carrier.ts";

const port = z.coerce.number().int().min(0).max(65_535);
const positiveMs = z.coerce.number().int().min(1);
const flag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const EnvSchema = z.object({
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: port.default(8080),
  /** Where carriers send callbacks; defaults to the gateway's own loopback address. */
  PUBLIC_URL: z.url().optional(),
  SANDBOX_PORT: port.default(4010),
  SANDBOX_URL: z.url().optional(),
  DATABASE_URL: z.string().min(1).default("file:./data/gateway.db"),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  DEMO_API_KEY: z.string().optional(),
  DEMO_PICKUP_SERVICE: flag.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024),
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
  BREAKER_ERROR_THRESHOLD_PERCENT: z.coerce.number().min(1).max(100).default(50),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(10),
  BREAKER_RESET_TIMEOUT_MS: positiveMs.default(30_000),
  BREAKER_WINDOW_MS: positiveMs.default(10_000),
  WORKER_INTERVAL_MS: positiveMs.default(1_000),
  /** How long a worker holds a job before another may take it over. */
  JOB_LEASE_MS: positiveMs.default(30_000),
  /** Submit attempts after which the gateway gives up and fails the interception. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(30),
  /** JSON file with per-carrier rule overrides: `{ "sf-express": { "valueCeiling": … } }`. */
  CARRIER_RULES_FILE: z.string().optional(),
});
export type Env = z.infer<typeof EnvSchema>;

export interface GatewayConfig {
  host: string;
  port: number;
  publicUrl: string;
  databasePath: string;
  adminToken: string | null;
  demo: { apiKey: string | null; pickupService: boolean };
  logLevel: LogLevel;
  bodyLimitBytes: number;
  requestDeadlineMs: number;
  http: CarrierHttpSettings;
  resilience: ResilienceSettings;
  workerIntervalMs: number;
  jobLeaseMs: number;
  maxJobAttempts: number;
  rules: Record<CarrierId, CarrierRules>;
  /** The validated gateway variables. */
  env: Env;
  /**
   * The whole environment: each carrier module in src/carriers/ reads and validates its own
   * variables (credentials, base URL) from it, so a carrier's settings live with the carrier.
   */
  carrierEnvironment: Readonly<Record<string, string | undefined>>;
}

export class ConfigError extends Error {}

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
  return {
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    publicUrl: env.PUBLIC_URL ?? `http://127.0.0.1:${env.GATEWAY_PORT}`,
    databasePath: databasePathOf(env.DATABASE_URL),
    adminToken: env.ADMIN_TOKEN ?? null,
    demo: { apiKey: env.DEMO_API_KEY ?? null, pickupService: env.DEMO_PICKUP_SERVICE },
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    http: {
      connectTimeoutMs: env.CARRIER_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: env.CARRIER_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: env.CARRIER_BODY_TIMEOUT_MS,
      maxConnections: env.CARRIER_MAX_CONNECTIONS,
      maxResponseBytes: env.CARRIER_MAX_RESPONSE_BYTES,
    },
    resilience: {
      attemptTimeoutMs: env.CARRIER_ATTEMPT_TIMEOUT_MS,
      retries: env.CARRIER_RETRIES,
      minRetryDelayMs: env.CARRIER_RETRY_MIN_DELAY_MS,
      maxRetryDelayMs: env.CARRIER_RETRY_MAX_DELAY_MS,
      breaker: {
        errorThresholdPercentage: env.BREAKER_ERROR_THRESHOLD_PERCENT,
        volumeThreshold: env.BREAKER_VOLUME_THRESHOLD,
        resetTimeoutMs: env.BREAKER_RESET_TIMEOUT_MS,
        rollingCountTimeoutMs: env.BREAKER_WINDOW_MS,
      },
    },
    workerIntervalMs: env.WORKER_INTERVAL_MS,
    jobLeaseMs: env.JOB_LEASE_MS,
    maxJobAttempts: env.JOB_MAX_ATTEMPTS,
    rules: loadRules(env.CARRIER_RULES_FILE),
    env,
    carrierEnvironment: present,
  };
}

/** `file:./data/x.db`, `./data/x.db` and `:memory:` are accepted. */
function databasePathOf(url: string): string {
  return url.startsWith("file:") ? url.slice("file:".length) : url;
}

const RulesFileSchema = z.partialRecord(z.enum(carrierIds), CarrierRulesSchema.partial());

function loadRules(file: string | undefined): Record<CarrierId, CarrierRules> {
  let overrides: z.infer<typeof RulesFileSchema> = {};
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw new ConfigError(`CARRIER_RULES_FILE: cannot read ${file}: ${String(error)}`);
    }
    const parsed = RulesFileSchema.safeParse(raw);
    if (!parsed.success) {
      const lines = parsed.error.issues.map(
        (issue) => `  ${issue.path.join(".")}: ${issue.message}`,
      );
      throw new ConfigError(`CARRIER_RULES_FILE ${file} is invalid:\n${lines.join("\n")}`);
    }
    overrides = parsed.data;
  }
  return Object.fromEntries(
    carrierIds.map((id) => [
      id,
      { ...defaultCarrierRules, ...carrierRuleDefaults[id], ...overrides[id] },
    ]),
  ) as Record<CarrierId, CarrierRules>;
}

/** Each carrier's own rules on top of the platform defaults. */
const carrierRuleDefaults: Record<CarrierId, Partial<CarrierRules>> = {
  // SF Express accepts one successful interception per waybill (SF 快递管家 API notes).
  "sf-express": { oneInterceptionPerParcel: true },
};
