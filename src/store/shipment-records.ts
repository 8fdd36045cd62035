/**
 * The shipments aggregate of the store seam (store.ts): an order's shipping obligation, from
 * payment to collection (API.md "Shipments and shipping obligations"). Its history is one events
 * table; tickets and ship-date proposals will hang off the shipment by its id and record their
 * events in the same table. Every change is one transaction with its events, its webhook events
 * and the deadlines it sets (deadline-records.ts).
 */
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { EventActor, Item } from "../../contracts/interception.ts";
import type { DeadlineRecord } from "./deadline-records.ts";
import type { IdempotencyCompletion, IdempotencyKeyClaim } from "./store.ts";

export type ShipmentStatus = "awaiting_shipment" | "shipped" | "collected" | "refunded";

/** The webhook events a shipment change may produce. */
export type ShipmentWebhookType = "shipment.collected" | "shipment.overdue";

export interface ShipmentRecord {
  /** `shp_` + ULID: text order is creation order. */
  id: string;
  merchantId: string;
  orderId: string;
  category: string;
  items: Item[];
  status: ShipmentStatus;
  paidAt: string;
  /** The platform's deadline to have the parcel collected. */
  shipBy: string;
  /** Collection due after shipping (set by an urge-shipment ticket); null otherwise. */
  collectBy: string | null;
  carrier: CarrierId | null;
  trackingNumber: string | null;
  shippedAt: string | null;
  /** The carrier's scan time: the first tracking event past `not_collected`. */
  collectedAt: string | null;
  refundedAt: string | null;
  /** When the gateway found `shipBy` passed without collection (once). */
  overdueAt: string | null;
  /** Bumped by every change: a change made on a stale read (`expectVersion`) applies nothing. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type ShipmentEventType = "created" | "shipped" | "collected" | "refunded" | "overdue";

export interface ShipmentEventRecord {
  at: string;
  type: ShipmentEventType;
  detail: string;
  actor: EventActor;
}

export interface ShipmentWithEvents extends ShipmentRecord {
  /** Oldest first. */
  events: ShipmentEventRecord[];
}

export interface ShipmentFilter {
  orderId?: string;
  status?: ShipmentStatus;
}

export interface ShipmentTransition {
  /** Scoped to this merchant when given: another merchant's shipment reads as `not_found`. */
  merchantId?: string;
  /** Applies only while the shipment is in one of these statuses. */
  from: readonly ShipmentStatus[];
  /** The new status; absent keeps the current one. */
  to?: ShipmentStatus;
  patch?: Partial<
    Pick<
      ShipmentRecord,
      | "carrier"
      | "trackingNumber"
      | "shippedAt"
      | "collectedAt"
      | "refundedAt"
      | "overdueAt"
      | "shipBy"
      | "collectBy"
    >
  >;
  /** Applies only while the shipment is still at this version (the caller's read). */
  expectVersion?: number;
  event: ShipmentEventRecord;
  /** Recorded, with one delivery per subscribed endpoint, in the same transaction. */
  webhook?: ShipmentWebhookType;
  /**
   * Binds the parcel (the patch's carrier and tracking number) to the shipment's merchant unless
   * it already is; `parcel_of_another_merchant` (nothing changed) if another merchant has it.
   */
  bindParcel?: boolean;
  /** Deadlines enqueued in the same transaction (one already there is left as it is). */
  schedule?: readonly DeadlineRecord[];
}

export type ShipmentTransitionResult =
  | { outcome: "applied"; shipment: ShipmentWithEvents }
  | { outcome: "not_found" }
  /** The shipment changed since the caller's read (`expectVersion`): nothing applied. */
  | { outcome: "stale" }
  | { outcome: "status_mismatch"; shipment: ShipmentWithEvents }
  | { outcome: "parcel_of_another_merchant" };

export interface ShipmentRepository {
  /**
   * Stores a new shipment with its first event and its deadlines in one transaction. With
   * `idempotency`, that transaction also completes the key with `completion` (claiming it first
   * when `claim` is given): `IdempotencyConflictError` if the key is another request's now.
   */
  insert(input: {
    shipment: ShipmentRecord;
    event: ShipmentEventRecord;
    deadlines: readonly DeadlineRecord[];
    idempotency: { claim?: IdempotencyKeyClaim; completion: IdempotencyCompletion } | null;
  }): Promise<void>;
  /** Scoped to the merchant: another merchant's id reads as missing. */
  get(merchantId: string, id: string): Promise<ShipmentWithEvents | null>;
  /** Unscoped, for the scheduler and carrier pushes only. */
  getById(id: string): Promise<ShipmentWithEvents | null>;
  /** Newest first; `before` is the id of the last item of the previous page. */
  list(
    merchantId: string,
    filter: ShipmentFilter,
    page: { limit: number; before?: string },
  ): Promise<ShipmentWithEvents[]>;
  /** The `shipped` shipments of a parcel, any merchant (for a carrier's tracking push). */
  shippedWithParcel(carrier: CarrierId, trackingNumber: string): Promise<ShipmentRecord[]>;
  /** Conditional update plus an appended event, in one transaction (see ShipmentTransition). */
  transition(id: string, transition: ShipmentTransition): Promise<ShipmentTransitionResult>;
}
