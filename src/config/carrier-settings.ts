/**
 * Each carrier's settings: defaults from the environment, the carrier's own rules, then the
 * overrides of the carrier config file (CARRIER_CONFIG_FILE); and each carrier's own variables,
 * read by its definition.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import type { CarrierSetup } from "../carriers/definition.ts";
import { carrierDefinitions } from "../carriers/definitions.ts";
import { ConfigError } from "../config-error.ts";
import { type CarrierRules, CarrierRulesSchema, defaultCarrierRules } from "../domain/rules.ts";
import type { CarrierHttpSettings } from "../resilience/carrier-pool.ts";
import type { Env } from "./env.ts";

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
export function loadCarrierSettings(
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
