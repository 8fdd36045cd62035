/**
 * Tickets and ship-date proposals in the store seam (store.ts): the rules' own records
 * (src/domain/obligations: `Ticket`, `TicketEvent`, `ShipDateProposal`) with the columns the store
 * adds. Both hang off a shipment, and the shipment is the unit of consistency: the rules read the
 * shipment with its tickets or proposals and answer a change, so every change is applied only
 * while the shipment is still at the version the rules read (`expectShipmentVersion`), and bumps
 * it. Two changes decided on the same read (two tickets opened at once, two proposals) cannot
 * both commit. Each change is one transaction with its events, the shipment change it implies,
 * its webhook events and the deadlines it sets.
 */
import type { EventActor } from "../../contracts/interception.ts";
import type { ShipDateProposal } from "../domain/obligations/ship-date-proposals.ts";
import type {
  Ticket,
  TicketEvent,
  TicketStatus,
  TicketType,
} from "../domain/obligations/tickets.ts";
import type { DeadlineRecord } from "./deadline-records.ts";
import type { ShipmentRecord } from "./shipment-records.ts";

/** The webhook events a ticket change may produce (`webhookOfTicketEvent`). */
export type TicketWebhookType = "ticket.opened" | "ticket.resolved" | "ticket.overdue";

/** The webhook events a proposal change may produce. */
export type ProposalWebhookType = "proposal.accepted" | "proposal.rejected" | "proposal.expired";

export interface TicketRecord extends Ticket {
  /** `tkt_` + ULID: text order is creation order. */
  id: string;
  merchantId: string;
  shipmentId: string;
  /** Bumped by every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A ticket event with who caused it (the merchant's key, the buyer via the storefront, the gateway). */
export interface TicketEventRecord extends TicketEvent {
  actor: EventActor;
}

export interface TicketWithEvents extends TicketRecord {
  /** Oldest first. */
  events: TicketEventRecord[];
}

export interface ShipDateProposalRecord extends ShipDateProposal {
  /** `sdp_` + ULID: text order is creation order. */
  id: string;
  merchantId: string;
  shipmentId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The shipment fields a ticket or proposal change may move (the rules' `shipment` answer). */
export type ShipmentPatch = Partial<
  Pick<ShipmentRecord, "shipBy" | "collectBy" | "trackingNumber">
>;

/** What every ticket or proposal change carries besides the record itself. */
export interface ObligationChange {
  /** Applies only while the shipment is at this version (the rules' read); bumped on apply. */
  expectShipmentVersion: number;
  /** Written to the shipment in the same transaction (`updatedAt` moves with it). */
  shipmentPatch?: ShipmentPatch;
  /** Deadlines enqueued in the same transaction (one already there is left as it is). */
  schedule?: readonly DeadlineRecord[];
  /** When the change happened: the records' `updatedAt`. */
  at: string;
}

export type ObligationChangeResult<T> =
  | { outcome: "applied"; record: T; shipment: ShipmentRecord }
  /** No such record (or shipment) for this merchant: nothing applied. */
  | { outcome: "not_found" }
  /** The shipment or the record changed since the caller's read: nothing applied. */
  | { outcome: "stale" }
  /**
   * The change re-points the shipment to a parcel another merchant has (a changed waybill): the
   * first binder keeps a parcel, as shipping and intercepts do. Nothing applied.
   */
  | { outcome: "parcel_of_another_merchant" };

export interface TicketFilter {
  status?: TicketStatus;
  type?: TicketType;
}

export interface TicketRepository {
  /**
   * Stores a new ticket (its `merchantId` must be its shipment's: else `not_found`) with its
   * events, its webhook events, the shipment change and the deadlines, in one transaction.
   */
  open(
    input: ObligationChange & {
      ticket: TicketRecord;
      events: readonly TicketEventRecord[];
      webhooks: readonly TicketWebhookType[];
    },
  ): Promise<ObligationChangeResult<TicketWithEvents>>;
  /**
   * Stores the ticket as the rules left it (`ticket`), appending `events`, in one transaction
   * with its webhook events, the shipment change and the deadlines; only while the ticket is at
   * `expectVersion` and its shipment at `expectShipmentVersion`. Scoped to `merchantId` when
   * given (the scheduler gives none).
   */
  change(
    id: string,
    input: ObligationChange & {
      merchantId?: string;
      expectVersion: number;
      ticket: Ticket;
      events: readonly TicketEventRecord[];
      webhooks: readonly TicketWebhookType[];
    },
  ): Promise<ObligationChangeResult<TicketWithEvents>>;
  /** Scoped to the merchant: another merchant's id reads as missing. */
  get(merchantId: string, id: string): Promise<TicketWithEvents | null>;
  /** Unscoped, for the scheduler only. */
  getById(id: string): Promise<TicketWithEvents | null>;
  /** Newest first; `before` is the id of the last item of the previous page. */
  list(
    merchantId: string,
    filter: TicketFilter,
    page: { limit: number; before?: string },
  ): Promise<TicketWithEvents[]>;
  /** Every ticket of a shipment, oldest first (the rules read them all). */
  ofShipment(shipmentId: string): Promise<TicketWithEvents[]>;
}

export interface ShipDateProposalRepository {
  /** Stores a new proposal with the shipment change and its expiry deadline, in one transaction. */
  propose(
    input: ObligationChange & { proposal: ShipDateProposalRecord },
  ): Promise<ObligationChangeResult<ShipDateProposalRecord>>;
  /**
   * Stores the proposal as the rules left it (answered or expired) with its webhook event, the
   * shipment change (an accepted date's `shipBy`) and the deadlines, in one transaction; only
   * while the proposal is at `expectVersion` and its shipment at `expectShipmentVersion`.
   */
  answer(
    id: string,
    input: ObligationChange & {
      merchantId?: string;
      expectVersion: number;
      proposal: ShipDateProposal;
      webhook: ProposalWebhookType;
    },
  ): Promise<ObligationChangeResult<ShipDateProposalRecord>>;
  /** Scoped to the merchant: another merchant's id reads as missing. */
  get(merchantId: string, id: string): Promise<ShipDateProposalRecord | null>;
  /** Unscoped, for the scheduler only. */
  getById(id: string): Promise<ShipDateProposalRecord | null>;
  /** Every proposal of a shipment, oldest first. */
  ofShipment(shipmentId: string): Promise<ShipDateProposalRecord[]>;
  /**
   * The merchant's proposals of these shipments, in one read (a page of shipments lists theirs),
   * grouped by shipment, each oldest first; another merchant's shipments have none.
   */
  ofShipments(
    merchantId: string,
    shipmentIds: readonly string[],
  ): Promise<Map<string, ShipDateProposalRecord[]>>;
}
