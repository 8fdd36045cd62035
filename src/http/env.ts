/** The Hono environment: what middleware puts on the context for handlers. */
import type { CarrierRegistry } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { ObligationRules } from "../domain/obligations/rules.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { KeyRateLimiter, RateLimitSettings } from "../rate-limiter.ts";
import type { InterceptionService } from "../services/interceptions.ts";
import type { MerchantService } from "../services/merchants.ts";
import type { ShipDateProposalService } from "../services/ship-date-proposals.ts";
import type { ShipmentService } from "../services/shipments.ts";
import type { TicketService } from "../services/tickets.ts";
import type { WebhookService } from "../services/webhooks.ts";
import type { MerchantRecord, Store } from "../store/store.ts";

/** Everything handlers use, built once at start-up and injected (never read from globals). */
export interface AppServices {
  adminToken: string | null;
  /** The gateway's public base URL (PUBLIC_URL): the `servers` entry of the OpenAPI document. */
  publicUrl: string;
  bodyLimitBytes: number;
  rateLimit: RateLimitSettings;
  /** The per-key buckets: this process's on SQLite, the database's on PostgreSQL. */
  rateLimiter: KeyRateLimiter;
  store: Store;
  carriers: CarrierRegistry;
  merchants: MerchantService;
  interceptions: InterceptionService;
  shipments: ShipmentService;
  proposals: ShipDateProposalService;
  tickets: TicketService;
  webhooks: WebhookService;
  /** The configured shipping-obligation rules (the dashboard offers their reasons). */
  obligations: ObligationRules;
  logger: Logger;
  metrics: Metrics;
  /** The gateway's clock, the one the services use (tests may move it). */
  now: Clock;
  /** True when the gateway can take traffic (database answers, not shutting down). */
  isReady: () => Promise<boolean>;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    services: AppServices;
    /** Set by the API-key middleware; the only source of the merchant for a request. */
    merchant: MerchantRecord;
    /** The visible id of the key that authenticated the request (rate limits are per key). */
    apiKeyId: string;
  };
};
