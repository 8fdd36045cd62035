/**
 * The webhooks aggregate of the store seam (store.ts): merchants' endpoints, the events the
 * interception repository records with each change, and one delivery per subscribed endpoint.
 * The deliveries table is also the delivery worker's queue on both stores: a delivery is leased
 * like a job, so every instance on one database shares it and a lost holder's work is taken over.
 */
import type { WebhookEventType } from "../../contracts/webhooks.ts";

export interface WebhookEndpointRecord {
  /** `we_` + ULID. */
  id: string;
  merchantId: string;
  url: string;
  /** The event types it receives; null for all. */
  events: WebhookEventType[] | null;
  description: string | null;
  /** `whsec_` + base64 of the key bytes (Standard Webhooks). */
  secret: string;
  /** The secret before the last rotation: it signs too until `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  createdAt: string;
  /** Deleted endpoints keep their delivery log but receive nothing more. */
  deletedAt: string | null;
}

export interface WebhookEventRecord {
  /** `evt_` + ULID; sent as `webhook-id`. */
  id: string;
  merchantId: string;
  type: WebhookEventType;
  createdAt: string;
  /** The exact JSON body to post, so every attempt sends (and signs) the same bytes. */
  body: string;
}

export type WebhookDeliveryStatus = "pending" | "delivered" | "failed";

export interface WebhookDeliveryRecord {
  /** `whd_` + ULID: text order is creation order (the log pages by it). */
  id: string;
  eventId: string;
  endpointId: string;
  merchantId: string;
  /** The event's type, kept with the delivery for the log. */
  type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  /** While pending: not before then. Null once delivered or failed. */
  nextAttemptAt: string | null;
  createdAt: string;
  /** A worker holds it until then; after it, another worker may take it over. */
  leaseUntil: string | null;
}

/** A delivery as its holder leased it: the lease fences the holder's later write. */
export type HeldDelivery = Pick<WebhookDeliveryRecord, "id" | "leaseUntil">;

/** A leased delivery with what the worker needs to send it. */
export interface DueDelivery {
  delivery: WebhookDeliveryRecord;
  event: WebhookEventRecord;
  endpoint: Pick<
    WebhookEndpointRecord,
    "id" | "url" | "secret" | "previousSecret" | "previousSecretUntil"
  >;
}

/** How many deliveries the worker can take now: in all, and per endpoint. */
export interface DeliveryRoom {
  total: number;
  perEndpoint: number;
  /** Deliveries this worker still runs, by endpoint id: they use up that endpoint's room. */
  inFlight: ReadonlyMap<string, number>;
}

/** What one attempt came to, recorded by its holder. */
export interface DeliveryAttempt {
  at: string;
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  /** When not delivered: the next attempt's time, or null to give up (`failed`). */
  nextAttemptAt: string | null;
}

/** An attempt, with the delivery as its holder leased it (the lease fences the record). */
export interface HeldAttempt {
  delivery: HeldDelivery;
  attempt: DeliveryAttempt;
}

/** Endpoints, events and deliveries of each merchant's webhooks. */
export interface WebhookRepository {
  createEndpoint(endpoint: WebhookEndpointRecord): Promise<void>;
  /** The merchant's endpoints that are not deleted, oldest first. */
  listEndpoints(merchantId: string): Promise<WebhookEndpointRecord[]>;
  /** Scoped to the merchant; a deleted endpoint reads as missing. */
  getEndpoint(merchantId: string, id: string): Promise<WebhookEndpointRecord | null>;
  /**
   * Deletes the endpoint (its log stays readable by id for the deliveries route): its pending
   * deliveries fail at once. False when the merchant has no such endpoint.
   */
  deleteEndpoint(merchantId: string, id: string, at: string): Promise<boolean>;
  /**
   * Replaces the secret; the current one signs too until `previousUntil`. Null when the
   * merchant has no such endpoint.
   */
  rotateSecret(
    merchantId: string,
    id: string,
    secret: string,
    previousUntil: string,
  ): Promise<WebhookEndpointRecord | null>;
  /**
   * One endpoint's deliveries, newest first; `before` is the id of the last item of the previous
   * page. Null when the merchant has no such endpoint (deleted ones included: their log stays).
   */
  listDeliveries(
    merchantId: string,
    endpointId: string,
    page: { limit: number; before?: string },
  ): Promise<WebhookDeliveryRecord[] | null>;
  /**
   * Makes the delivery due at `now` again (`pending`, `failed` included) unless a worker holds it
   * right now, in which case it is already being attempted. Null when the merchant has no such
   * delivery or its endpoint is deleted.
   */
  retryDelivery(merchantId: string, id: string, now: string): Promise<WebhookDeliveryRecord | null>;
  /** An event, scoped to the merchant. */
  getEvent(merchantId: string, id: string): Promise<WebhookEventRecord | null>;
  /**
   * Leases pending deliveries due by `now` and not held, oldest due first, within `room`, of
   * endpoints that are not deleted. Taking over a lapsed lease is allowed (its holder crashed or
   * hung): a receiver may see that event twice.
   */
  claimDue(now: string, leaseUntil: string, room: DeliveryRoom): Promise<DueDelivery[]>;
  /**
   * Records attempts, all in one write: each delivery `delivered`, `pending` again at
   * `nextAttemptAt`, or `failed`; attempts + 1, lease cleared. Each is fenced by its lease: a
   * holder that lost a delivery changes nothing of it.
   */
  recordAttempts(attempts: readonly HeldAttempt[]): Promise<void>;
  /**
   * Gives leased deliveries back unattempted, all in one write: lease cleared, nothing else
   * changed, so they can be leased again at once. Fenced by each lease, as records are.
   */
  releaseDeliveries(deliveries: readonly HeldDelivery[]): Promise<void>;
}
