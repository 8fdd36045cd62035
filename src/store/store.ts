/**
 * The gateway's storage seam. Everything the gateway persists goes through these repositories,
 * so SQLite (one process) and PostgreSQL (many instances) serve the same gateway. Every method is async even though
 * SQLite answers synchronously; no method keeps a transaction open across a carrier call.
 * Each aggregate's records and repository live in its own `*-records.ts`, re-exported here.
 */
import type { DashboardSessionRepository } from "./dashboard-session-records.ts";
import type { DeadlineRepository } from "./deadline-records.ts";
import type { IdempotencyRepository } from "./idempotency-records.ts";
import type { InterceptionRepository } from "./interception-records.ts";
import type { JobRepository } from "./job-records.ts";
import type { MerchantRepository } from "./merchant-records.ts";
import type { ShipmentRepository } from "./shipment-records.ts";
import type { ShipDateProposalRepository, TicketRepository } from "./ticket-records.ts";
import type { WebhookRepository } from "./webhook-records.ts";

export type * from "./dashboard-session-records.ts";
export type * from "./deadline-records.ts";
export type * from "./idempotency-records.ts";
// The errors the repositories throw are values: `export type *` would re-export them as types only.
export { IdempotencyConflictError } from "./idempotency-records.ts";
export type * from "./interception-records.ts";
export {
  OrderRedirectsChangedError,
  ParcelBusyError,
  ParcelOfAnotherMerchantError,
} from "./interception-records.ts";
export type * from "./job-records.ts";
export type * from "./merchant-records.ts";
export type * from "./shipment-records.ts";
export type * from "./ticket-records.ts";
export type * from "./webhook-records.ts";

/**
 * `demo`: every carrier a sandbox, the demo merchant set up. `live`: real carriers. A database
 * serves the mode it was first started in.
 */
export type GatewayMode = "demo" | "live";

/** The database's own facts. */
export interface MetaRepository {
  /**
   * Records `mode` on a database that has none yet, and returns the database's mode: the one
   * just recorded, or the one it was first started in.
   */
  claimMode(mode: GatewayMode): Promise<GatewayMode>;
}

/**
 * One repository per aggregate; each method is a whole unit of work (its own transaction,
 * including any job it enqueues). Every implementation passes test/store/contract.
 */
export interface Store {
  meta: MetaRepository;
  merchants: MerchantRepository;
  idempotency: IdempotencyRepository;
  interceptions: InterceptionRepository;
  jobs: JobRepository;
  webhooks: WebhookRepository;
  dashboardSessions: DashboardSessionRepository;
  shipments: ShipmentRepository;
  /** Urge-collection and urge-shipment tickets of shipments (ticket-records.ts). */
  tickets: TicketRepository;
  /** Negotiated ship dates of shipments (ticket-records.ts). */
  proposals: ShipDateProposalRepository;
  /** The durable scheduler's deadlines (deadline-records.ts). */
  deadlines: DeadlineRepository;
  close(): Promise<void>;
}
