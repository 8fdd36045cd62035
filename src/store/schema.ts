/**
 * SQLite tables behind `Store`. Only the SQLite store (`sqlite/`) and drizzle-kit read this file;
 * routes and adapters go through the store.
 *
 * Timestamps are ISO-8601 text written by `Date.prototype.toISOString()` (always UTC, always
 * milliseconds), so comparing and ordering them as text is comparing them as times.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { Cost, Failure, InterceptionRequest, Item } from "../../contracts/interception.ts";
import type {
  Action,
  Address,
  InterceptionStatus,
  ParcelState,
  Reason,
  SuccessLikelihood,
} from "../../contracts/normalized.ts";
import type { WebhookEventType } from "../../contracts/webhooks.ts";
import type { ChinaDate } from "../domain/obligations/china-time.ts";
import type { ProposalStatus } from "../domain/obligations/ship-date-proposals.ts";
import type {
  BuyerAnswer,
  SecondChance,
  TicketEventType,
  TicketReply,
  TicketResolution,
  TicketStatus,
  TicketType,
} from "../domain/obligations/tickets.ts";
import type { DeadlineKind } from "./deadline-records.ts";
import type { ShipmentEventType, ShipmentStatus } from "./shipment-records.ts";
import type { JobRecord } from "./store.ts";
import type { WebhookDeliveryStatus } from "./webhook-records.ts";

export const merchantsTable = sqliteTable("merchants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  pickupService: integer("pickup_service", { mode: "boolean" }).notNull(),
  createdAt: text("created_at").notNull(),
});

export const apiKeysTable = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    hash: text("hash").notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (table) => [
    uniqueIndex("api_keys_hash_unique").on(table.hash),
    index("api_keys_merchant_idx").on(table.merchantId),
  ],
);

export const interceptionsTable = sqliteTable(
  "interceptions",
  {
    // `icp_` + ULID: text order is creation order, which listing and paging rely on.
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    carrier: text("carrier").$type<CarrierId>().notNull(),
    trackingNumber: text("tracking_number").notNull(),
    orderId: text("order_id").notNull(),
    action: text("action").$type<Action>().notNull(),
    reason: text("reason").$type<Reason>().notNull(),
    items: text("items", { mode: "json" }).$type<Item[]>().notNull(),
    parcel: text("parcel", { mode: "json" }).$type<InterceptionRequest["parcel"]>().notNull(),
    redirectTo: text("redirect_to", { mode: "json" }).$type<Address>(),
    note: text("note"),
    status: text("status").$type<InterceptionStatus>().notNull(),
    parcelState: text("parcel_state").$type<ParcelState>().notNull(),
    successLikelihood: text("success_likelihood").$type<SuccessLikelihood>().notNull(),
    carrierReference: text("carrier_reference"),
    cost: text("cost", { mode: "json" }).$type<Cost>().notNull(),
    failure: text("failure", { mode: "json" }).$type<Failure>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [
    // Serves the newest-first listing (`merchant_id = ? AND id < ? ORDER BY id DESC`).
    index("interceptions_merchant_id_idx").on(table.merchantId, table.id),
    // An order's interceptions (its redirects) and the listing filtered by order, in id order from
    // the index itself: without \`id\` here the planner walked the merchant's interceptions by
    // interceptions_merchant_id_idx, for the order it gives, and read all of them.
    index("interceptions_merchant_order_idx").on(table.merchantId, table.orderId, table.id),
    // The listing filtered by tracking number (a storefront asking after one parcel), in id order
    // from the index itself: the parcel index leads with the carrier, which that filter may not
    // give, so without this the listing walked every interception of the merchant.
    index("interceptions_merchant_tracking_idx").on(
      table.merchantId,
      table.trackingNumber,
      table.id,
    ),
    // The cost ledger (`GET /v1/costs`): one merchant's interceptions created in a time range,
    // read in (created_at, id) order a page at a time. Not the id: ids are minted on the process's
    // own clock, `created_at` on the gateway's, and the ledger's range is over `created_at`.
    index("interceptions_merchant_created_idx").on(table.merchantId, table.createdAt, table.id),
    // A merchant's locks (bulk release): few rows, found without reading the merchant's others.
    // Queries must spell `status = 'locked'` as a literal for the planner to use it.
    index("interceptions_merchant_locked_idx")
      .on(table.merchantId, table.id)
      .where(sql`${table.status} = 'locked'`),
    // Carrier callbacks and "one open interception per parcel" checks look parcels up this way,
    // oldest first: with `id` in the index it also gives their order, so no plan prefers walking
    // a merchant's interceptions in id order to find the parcel's (on PostgreSQL a generic plan
    // made while the table was small did, reading all of them on every intercept).
    index("interceptions_parcel_idx").on(table.carrier, table.trackingNumber, table.id),
    // One open interception per parcel and merchant, whichever request races for it: the second
    // insert fails inside its transaction instead of reaching the carrier. Between merchants the
    // parcel's owner decides (parcel_owners); an interception accepted while the carrier could
    // not be asked binds nothing, so it must not keep the parcel's owner out either.
    uniqueIndex("interceptions_one_open_per_merchant_parcel")
      .on(table.merchantId, table.carrier, table.trackingNumber)
      .where(sql`${table.status} in ('pending', 'submitted', 'locked')`),
  ],
);

export const interceptionEventsTable = sqliteTable(
  "interception_events",
  {
    // Autoincrement so insertion order is the history order even when two events share `at`.
    id: integer("id").primaryKey({ autoIncrement: true }),
    interceptionId: text("interception_id")
      .notNull()
      .references(() => interceptionsTable.id, { onDelete: "cascade" }),
    at: text("at").notNull(),
    status: text("status").$type<InterceptionStatus>().notNull(),
    detail: text("detail").notNull(),
    carrierEventId: text("carrier_event_id"),
    // Who caused the event; events stored before actors were recorded read as the gateway's.
    actorType: text("actor_type")
      .$type<"api_key" | "carrier" | "gateway">()
      .notNull()
      .default("gateway"),
    actorId: text("actor_id"),
  },
  (table) => [
    index("interception_events_interception_idx").on(table.interceptionId, table.id),
    // SQLite treats NULLs as distinct here, so gateway-made events (no carrier id) never collide,
    // while a carrier re-sending the same report cannot be stored twice.
    uniqueIndex("interception_events_carrier_event_unique").on(
      table.interceptionId,
      table.carrierEventId,
    ),
  ],
);

export const jobsTable = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    interceptionId: text("interception_id")
      .notNull()
      .references(() => interceptionsTable.id, { onDelete: "cascade" }),
    kind: text("kind").$type<JobRecord["kind"]>().notNull(),
    runAt: text("run_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /**
     * Sticky: an earlier attempt may have reached the carrier (its reply was lost), so the
     * carrier may already hold this interception under our reference.
     */
    maybeSent: integer("maybe_sent", { mode: "boolean" }).notNull().default(false),
    leaseUntil: text("lease_until"),
    lastError: text("last_error"),
  },
  (table) => [
    index("jobs_run_at_idx").on(table.runAt),
    index("jobs_interception_idx").on(table.interceptionId),
  ],
);

export const idempotencyKeysTable = sqliteTable(
  "idempotency_keys",
  {
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    key: text("key").notNull(),
    /** SHA-256 of the canonical request; a different one under the same key is a mismatch. */
    fingerprint: text("fingerprint").notNull(),
    state: text("state").$type<"in_progress" | "completed">().notNull(),
    /** While in progress, the owner holds the key until then; after it, a retry may take over. */
    lockedUntil: text("locked_until").notNull(),
    /** Set in the transaction that stores the interception, so a takeover answers from it. */
    interceptionId: text("interception_id").references(() => interceptionsTable.id, {
      onDelete: "set null",
    }),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: text("created_at").notNull(),
  },
  (table) => [
    // Keys are scoped to the merchant: one merchant cannot read another's replay (IETF draft, security considerations).
    primaryKey({ columns: [table.merchantId, table.key] }),
    index("idempotency_keys_created_at_idx").on(table.createdAt),
  ],
);

/**
 * Which merchant a parcel belongs to (API.md "Parcels belong to merchants"): the first whose
 * interception of it was accepted (later also the one that ships it). Its own table, not a
 * column of interceptions, because shipping binds parcels that were never intercepted.
 */
export const parcelOwnersTable = sqliteTable(
  "parcel_owners",
  {
    carrier: text("carrier").$type<CarrierId>().notNull(),
    trackingNumber: text("tracking_number").notNull(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    boundAt: text("bound_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.carrier, table.trackingNumber] })],
);

/**
 * Facts about the database itself, one row per key. `mode` is `demo` or `live`: the mode of the
 * first start, so the other mode refuses to start on it (demo and live data never mix).
 */
export const gatewayMetaTable = sqliteTable("gateway_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** A merchant's webhook endpoints (webhook-records.ts). Deleted ones stay for their log. */
export const webhookEndpointsTable = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<WebhookEventType[]>(),
    description: text("description"),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretUntil: text("previous_secret_until"),
    createdAt: text("created_at").notNull(),
    deletedAt: text("deleted_at"),
  },
  (table) => [index("webhook_endpoints_merchant_idx").on(table.merchantId, table.id)],
);

/** Events for merchants' webhooks, each with the exact body every attempt posts. */
export const webhookEventsTable = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    type: text("type").$type<WebhookEventType>().notNull(),
    createdAt: text("created_at").notNull(),
    body: text("body").notNull(),
  },
  (table) => [index("webhook_events_merchant_idx").on(table.merchantId, table.id)],
);

/** One delivery of an event to one endpoint; also the delivery worker's queue (leased). */
export const webhookDeliveriesTable = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEventsTable.id),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpointsTable.id),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    type: text("type").$type<WebhookEventType>().notNull(),
    status: text("status").$type<WebhookDeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    nextAttemptAt: text("next_attempt_at"),
    createdAt: text("created_at").notNull(),
    leaseUntil: text("lease_until"),
  },
  (table) => [
    // The log of one endpoint, newest first.
    index("webhook_deliveries_endpoint_idx").on(table.endpointId, table.id),
    // The worker's look-up of each endpoint's oldest due deliveries: only pending ones are
    // indexed, so delivered and failed ones (the log) cost the look-up nothing.
    index("webhook_deliveries_endpoint_due_idx")
      .on(table.endpointId, table.nextAttemptAt, table.id)
      .where(sql`${table.status} = 'pending'`),
  ],
);

/**
 * Signed-in dashboard sessions (src/dashboard/sessions.ts). The row is found by the SHA-256 of
 * the session token: the token itself lives only in the browser's cookie, so a read of this
 * table signs nobody in. Each request also reads the API key the session was opened with, so
 * revoking that key ends its sessions at once.
 */
export const dashboardSessionsTable = sqliteTable(
  "dashboard_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    apiKeyId: text("api_key_id")
      .notNull()
      .references(() => apiKeysTable.id),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  // Pruning ended sessions reads by either end.
  (table) => [
    index("dashboard_sessions_expires_at_idx").on(table.expiresAt),
    index("dashboard_sessions_last_seen_at_idx").on(table.lastSeenAt),
  ],
);

/**
 * Shipments (shipment-records.ts): an order's shipping obligation. Tickets and ship-date
 * proposals will reference a shipment by id.
 */
export const shipmentsTable = sqliteTable(
  "shipments",
  {
    // `shp_` + ULID: text order is creation order (listing pages by it).
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    orderId: text("order_id").notNull(),
    category: text("category").notNull(),
    items: text("items", { mode: "json" }).$type<Item[]>().notNull(),
    status: text("status").$type<ShipmentStatus>().notNull(),
    paidAt: text("paid_at").notNull(),
    shipBy: text("ship_by").notNull(),
    collectBy: text("collect_by"),
    carrier: text("carrier").$type<CarrierId>(),
    trackingNumber: text("tracking_number"),
    shippedAt: text("shipped_at"),
    collectedAt: text("collected_at"),
    refundedAt: text("refunded_at"),
    overdueAt: text("overdue_at"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [
    index("shipments_merchant_id_idx").on(table.merchantId, table.id),
    // An order's shipments in id order from the index itself (as interceptions_merchant_order_idx).
    index("shipments_merchant_order_idx").on(table.merchantId, table.orderId, table.id),
    // A carrier's tracking push finds the shipments of its parcel.
    // A parcel's shipments oldest first, ordered by the index itself (as interceptions_parcel_idx).
    index("shipments_parcel_idx").on(table.carrier, table.trackingNumber, table.id),
  ],
);

/** The history of a shipment (and later of its tickets and proposals), oldest first by id. */
export const shipmentEventsTable = sqliteTable(
  "shipment_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    shipmentId: text("shipment_id")
      .notNull()
      .references(() => shipmentsTable.id, { onDelete: "cascade" }),
    at: text("at").notNull(),
    type: text("type").$type<ShipmentEventType>().notNull(),
    detail: text("detail").notNull(),
    actorType: text("actor_type").$type<"api_key" | "carrier" | "gateway">().notNull(),
    actorId: text("actor_id"),
  },
  (table) => [index("shipment_events_shipment_idx").on(table.shipmentId, table.id)],
);

/**
 * The durable scheduler's queue on SQLite (deadline-records.ts): leased like `jobs`. Not tied to
 * one table by a foreign key: a deadline's subject may be a shipment, a ticket or a proposal.
 */
export const deadlinesTable = sqliteTable(
  "deadlines",
  {
    id: text("id").primaryKey(),
    kind: text("kind").$type<DeadlineKind>().notNull(),
    subjectId: text("subject_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    dueAt: text("due_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    leaseUntil: text("lease_until"),
  },
  (table) => [
    index("deadlines_due_at_idx").on(table.dueAt, table.id),
    index("deadlines_subject_idx").on(table.subjectId),
  ],
);

/**
 * Urge-collection and urge-shipment tickets (ticket-records.ts): the rules' `Ticket` as columns,
 * its replies and answers as JSON.
 */
export const ticketsTable = sqliteTable(
  "tickets",
  {
    // `tkt_` + ULID: text order is creation order (listing pages by it).
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    shipmentId: text("shipment_id")
      .notNull()
      .references(() => shipmentsTable.id),
    type: text("type").$type<TicketType>().notNull(),
    status: text("status").$type<TicketStatus>().notNull(),
    openedAt: text("opened_at").notNull(),
    dueAt: text("due_at").notNull(),
    resolution: text("resolution").$type<TicketResolution>(),
    replies: text("replies", { mode: "json" }).$type<TicketReply[]>().notNull(),
    buyerAnswer: text("buyer_answer", { mode: "json" }).$type<BuyerAnswer>(),
    secondChance: text("second_chance", { mode: "json" }).$type<SecondChance>(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [
    index("tickets_merchant_id_idx").on(table.merchantId, table.id),
    index("tickets_shipment_idx").on(table.shipmentId, table.id),
  ],
);

/** The history of a ticket, oldest first by id. */
export const ticketEventsTable = sqliteTable(
  "ticket_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    ticketId: text("ticket_id")
      .notNull()
      .references(() => ticketsTable.id, { onDelete: "cascade" }),
    at: text("at").notNull(),
    type: text("type").$type<TicketEventType>().notNull(),
    status: text("status").$type<TicketStatus>().notNull(),
    detail: text("detail").notNull(),
    actorType: text("actor_type").$type<"api_key" | "carrier" | "gateway">().notNull(),
    actorId: text("actor_id"),
  },
  (table) => [index("ticket_events_ticket_idx").on(table.ticketId, table.id)],
);

/** Negotiated ship dates (seed 002) of a shipment, oldest first by id. */
export const shipDateProposalsTable = sqliteTable(
  "ship_date_proposals",
  {
    // `sdp_` + ULID.
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchantsTable.id),
    shipmentId: text("shipment_id")
      .notNull()
      .references(() => shipmentsTable.id),
    status: text("status").$type<ProposalStatus>().notNull(),
    shipDate: text("ship_date").$type<ChinaDate>().notNull(),
    proposedAt: text("proposed_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    answeredAt: text("answered_at"),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (table) => [index("ship_date_proposals_shipment_idx").on(table.shipmentId, table.id)],
);
