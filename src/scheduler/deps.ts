/** What the scheduler's handlers use, built once at start-up. */
import type { CarrierRegistry } from "../carriers/registry.ts";
import type { Clock } from "../clock.ts";
import type { CollectionLooks } from "../domain/collection.ts";
import type { ObligationRules } from "../domain/obligations/rules.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { Store } from "../store/store.ts";

export interface SchedulerDeps {
  store: Store;
  carriers: CarrierRegistry;
  logger: Logger;
  /** Tickets by status, first replies and on-time collections (obligation-metrics.ts). */
  metrics: Metrics;
  now: Clock;
  /** One carrier call's deadline (the request deadline). */
  carrierDeadlineMs: number;
  /** How far apart the looks at a shipped parcel's tracking are. */
  collectionLooks: CollectionLooks;
  /** The shipping obligations' windows and limits: tickets' and proposals' deadlines. */
  obligations: ObligationRules;
}
