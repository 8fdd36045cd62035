/** What the interception services share, built once at start-up. */
import type { CarrierRegistry, RegisteredCarrier } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { ObligationRules } from "../domain/obligations/rules.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { Store } from "../store/store.ts";
import type { CarrierCallBudget } from "./carrier-budget.ts";
import { ServiceError } from "./service-error.ts";
import type { TrackingCache } from "./tracking.ts";

export interface ServiceDeps {
  store: Store;
  carriers: CarrierRegistry;
  logger: Logger;
  metrics: Metrics;
  now: Clock;
  /** Time a request may spend on carrier calls before answering `pending`. */
  requestDeadlineMs: number;
  /** How long a worker holds a job before another may take it over. */
  jobLeaseMs: number;
  /** Attempts after which a submit or pickup-cancel job gives up. */
  maxJobAttempts: number;
  /** Recent tracking answers, reused by assessments. */
  tracking: TrackingCache;
  /** Each merchant's carrier calls per minute, taken by requests before they call a carrier. */
  carrierBudget: CarrierCallBudget;
  /** The shipping obligations' windows, limits and reasons (tickets, proposals). */
  obligations: ObligationRules;
}

/** The carrier for an id, or `unknown_carrier` (400). */
export function carrierFor(deps: ServiceDeps, id: string): RegisteredCarrier {
  const carrier = deps.carriers.get(id);
  if (!carrier) {
    throw new ServiceError("unknown_carrier", `The gateway has no adapter for carrier "${id}".`);
  }
  return carrier;
}

/** Counts an interception reaching a status, for /metrics. */
export function countStatus(deps: ServiceDeps, status: string, carrier: string): void {
  deps.metrics.increment("gateway_interceptions_total", "Interceptions by status reached.", {
    carrier,
    status,
  });
}

export function leaseUntil(deps: ServiceDeps): string {
  return new Date(deps.now().getTime() + deps.jobLeaseMs).toISOString();
}
