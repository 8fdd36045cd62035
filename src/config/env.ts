/**
 * The gateway's own environment variables: each one's type, bounds and default (README
 * "Gateway variables"). config.ts reads them through this schema; each carrier's variables are
 * its definition's (src/carriers/definitions.ts).
 */
import { z } from "zod";
import { defaultCollectionLooks } from "../domain/collection.ts";
import { defaultObligationRules, replyReasons } from "../domain/obligations/rules.ts";

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

export const EnvSchema = z.object({
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
