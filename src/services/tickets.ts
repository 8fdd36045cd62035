/**
 * Urge-collection and urge-shipment tickets (API.md "Shipments and shipping obligations", seeds
 * 001 and 004): the rules (src/domain/obligations) decide on the shipment and its tickets as read;
 * the store applies the answer only while the shipment is still at the version read, with its
 * events, webhook events, shipment change and the ticket's next deadline, in one transaction.
 * A change decided on a stale read is decided again on a fresh one.
 */
import type { EventActor } from "../../contracts/interception.ts";
import { gatewayActor } from "../domain/actors.ts";
import type { Refusal } from "../domain/obligations/decision.ts";
import {
  answerAsBuyer,
  type SecondChanceRequest,
  takeSecondChance,
} from "../domain/obligations/ticket-follow-ups.ts";
import { type ReplyRequest, replyToTicket } from "../domain/obligations/ticket-replies.ts";
import {
  advanceTicket,
  nextDeadline,
  type TicketDeadline,
} from "../domain/obligations/ticket-timeline.ts";
import {
  collectByOf,
  openTicket,
  type Ticket,
  type TicketChange,
  type TicketType,
} from "../domain/obligations/tickets.ts";
import { newId } from "../ids.ts";
import { newDeadline } from "../store/deadline-records.ts";
import type {
  MerchantRecord,
  ObligationChange,
  ObligationChangeResult,
  ShipmentRecord,
  TicketEventRecord,
  TicketFilter,
  TicketWebhookType,
  TicketWithEvents,
} from "../store/store.ts";
import type { ServiceDeps } from "./deps.ts";
import { decideOnFreshReads } from "./fresh-reads.ts";
import { countTicketChange } from "./obligation-metrics.ts";
import { refusalError } from "./obligation-refusal.ts";
import { parcelOfAnotherMerchant } from "./parcel-refusal.ts";
import { ServiceError } from "./service-error.ts";
import { webhooksOf, withActors } from "./ticket-events.ts";

/** What tickets need: the scheduler's deps have it too, so its handler runs this very code. */
export type TicketDeps = Pick<ServiceDeps, "store" | "now" | "obligations" | "metrics">;

/** What `advance` found: the ticket as stored now, and the next instant it changes by itself. */
export interface AdvancedTicket {
  ticket: TicketWithEvents;
  next: TicketDeadline | null;
}

type Decide = (ticket: Ticket, shipment: ShipmentRecord, now: Date) => TicketChange | Refusal;

export class TicketService {
  constructor(private readonly deps: TicketDeps) {}

  /** `POST /v1/shipments/{id}/tickets`: the buyer's urge, relayed by the storefront. */
  open(
    merchant: MerchantRecord,
    shipmentId: string,
    request: { type: TicketType; openedAt?: string },
    actor: EventActor,
  ): Promise<TicketWithEvents> {
    const { store, obligations } = this.deps;
    return decideOnFreshReads("The shipment", async () => {
      const shipment = await store.shipments.get(merchant.id, shipmentId);
      if (!shipment) {
        throw new ServiceError("not_found", `No shipment ${shipmentId} for this merchant.`);
      }
      const tickets = await store.tickets.ofShipment(shipment.id);
      const now = this.deps.now();
      const change = openTicket(request, shipment, tickets, now, obligations);
      if (!change.ok) {
        throw refusalError(change);
      }
      const at = now.toISOString();
      const id = newId("tkt");
      const result = await store.tickets.open({
        ticket: {
          ...change.ticket,
          id,
          merchantId: merchant.id,
          shipmentId: shipment.id,
          version: 1,
          createdAt: at,
          updatedAt: at,
        },
        ...this.recordOf(change, actor),
        ...this.obligationChange({ id, merchantId: merchant.id }, shipment, change, at),
      });
      return this.applied(result, null, change, `No shipment ${shipmentId} for this merchant.`);
    });
  }

  /** `POST /v1/tickets/{id}/replies`: the merchant's reply. */
  reply(
    merchant: MerchantRecord,
    ticketId: string,
    request: ReplyRequest,
    actor: EventActor,
  ): Promise<TicketWithEvents> {
    return this.act(merchant.id, ticketId, actor, (ticket, shipment, now) =>
      replyToTicket(ticket, shipment, request, now, this.deps.obligations),
    );
  }

  /** `POST /v1/tickets/{id}/buyer-response`: the buyer's answer to `ship_later`, relayed. */
  answerAsBuyer(
    merchant: MerchantRecord,
    ticketId: string,
    accepted: boolean,
    actor: EventActor,
  ): Promise<TicketWithEvents> {
    return this.act(merchant.id, ticketId, actor, (ticket, shipment, now) =>
      answerAsBuyer(ticket, shipment, accepted, now, this.deps.obligations),
    );
  }

  /** `POST /v1/tickets/{id}/second-chance`: compensate, or show the buyer caused it. */
  secondChance(
    merchant: MerchantRecord,
    ticketId: string,
    request: SecondChanceRequest,
    actor: EventActor,
  ): Promise<TicketWithEvents> {
    return this.act(merchant.id, ticketId, actor, (ticket, shipment, now) =>
      takeSecondChance(ticket, shipment, request, now, this.deps.obligations),
    );
  }

  /** One ticket of the merchant; another merchant's reads as missing. */
  async get(merchantId: string, id: string): Promise<TicketWithEvents> {
    const found = await this.deps.store.tickets.get(merchantId, id);
    if (!found) {
      throw new ServiceError("not_found", `No ticket ${id} for this merchant.`);
    }
    return found;
  }

  /** Newest first; `before` is the id of the last ticket of the previous page. */
  list(
    merchantId: string,
    filter: TicketFilter,
    page: { limit: number; before?: string },
  ): Promise<TicketWithEvents[]> {
    return this.deps.store.tickets.list(merchantId, filter, page);
  }

  /**
   * For the scheduler (unscoped) and the shipment's own changes: the stored ticket brought up to
   * now (its deadlines that came, its shipment collected or refunded), stored if anything
   * happened. Null for an unknown ticket. Advancing an up-to-date ticket stores nothing.
   */
  advance(ticketId: string): Promise<AdvancedTicket | null> {
    const { store, obligations } = this.deps;
    return decideOnFreshReads("The shipment", async () => {
      const ticket = await store.tickets.getById(ticketId);
      if (!ticket) {
        return null;
      }
      const shipment = await this.shipmentOf(ticket);
      const now = this.deps.now();
      const advanced = advanceTicket(ticket, shipment, now, obligations);
      if (advanced.events.length === 0) {
        return { ticket, next: nextDeadline(ticket, shipment, obligations) };
      }
      const stored = await this.store(ticket, shipment, { ok: true, ...advanced }, now, {
        actor: gatewayActor,
      });
      if (stored === "stale") {
        return stored;
      }
      return { ticket: stored, next: nextDeadline(stored, shipment, obligations) };
    });
  }

  /** A merchant's act on a ticket of theirs: decided by `decide`, stored, or refused. */
  private act(
    merchantId: string,
    ticketId: string,
    actor: EventActor,
    decide: Decide,
  ): Promise<TicketWithEvents> {
    return decideOnFreshReads("The shipment", async () => {
      const ticket = await this.get(merchantId, ticketId);
      const shipment = await this.shipmentOf(ticket);
      const now = this.deps.now();
      const change = decide(ticket, shipment, now);
      if (!change.ok) {
        throw refusalError(change);
      }
      return this.store(ticket, shipment, change, now, { actor, merchantId });
    });
  }

  /** Stores an accepted change of a stored ticket, applied only on the versions it was read at. */
  private async store(
    before: TicketWithEvents,
    shipment: ShipmentRecord,
    change: TicketChange,
    now: Date,
    by: { actor: EventActor; merchantId?: string },
  ): Promise<TicketWithEvents | "stale"> {
    const at = now.toISOString();
    const result = await this.deps.store.tickets.change(before.id, {
      ...(by.merchantId === undefined ? {} : { merchantId: by.merchantId }),
      expectVersion: before.version,
      ticket: change.ticket,
      ...this.recordOf(change, by.actor),
      ...this.obligationChange(before, shipment, change, at),
    });
    return this.applied(result, before, change, `No ticket ${before.id} for this merchant.`);
  }

  /**
   * The applied record (metrics counted), `stale` to decide again, or the refusal: not found, or
   * a changed waybill naming another merchant's parcel (refused as shipping with it is).
   */
  private applied(
    result: ObligationChangeResult<TicketWithEvents>,
    before: Ticket | null,
    change: TicketChange,
    notFound: string,
  ): TicketWithEvents | "stale" {
    switch (result.outcome) {
      case "applied":
        countTicketChange(this.deps.metrics, before, change);
        return result.record;
      case "stale":
        return "stale";
      case "not_found":
        throw new ServiceError("not_found", notFound);
      case "parcel_of_another_merchant":
        throw parcelOfAnotherMerchant();
    }
  }

  /** The change's events with who caused each, and the webhook events they are sent as. */
  private recordOf(
    change: TicketChange,
    actor: EventActor,
  ): { events: TicketEventRecord[]; webhooks: TicketWebhookType[] } {
    return { events: withActors(change.events, actor), webhooks: webhooksOf(change.events) };
  }

  /**
   * What the change does to the shipment, at the version read: the re-pointed tracking number of
   * `changed_waybill`, the `collectBy` an urge-shipment ticket implies once shipped, and the
   * ticket's next deadline as a job keyed by its instant (a deadline that moves is a new job; the
   * old one finds nothing due).
   */
  private obligationChange(
    ticket: { id: string; merchantId: string },
    shipment: ShipmentRecord,
    change: TicketChange,
    at: string,
  ): ObligationChange {
    const { obligations } = this.deps;
    const collectBy = collectByOf(shipment, change.ticket.type === "urge_shipment", obligations);
    const shipmentPatch = {
      ...(change.shipment ? { trackingNumber: change.shipment.trackingNumber } : {}),
      ...(collectBy !== null && collectBy !== shipment.collectBy ? { collectBy } : {}),
    };
    const next = nextDeadline(change.ticket, shipment, obligations);
    return {
      expectShipmentVersion: shipment.version,
      ...(Object.keys(shipmentPatch).length > 0 ? { shipmentPatch } : {}),
      schedule: next === null ? [] : [newDeadline("ticket_due", ticket, next.at, next.at)],
      at,
    };
  }

  private async shipmentOf(ticket: TicketWithEvents): Promise<ShipmentRecord> {
    const shipment = await this.deps.store.shipments.getById(ticket.shipmentId);
    if (!shipment) {
      throw new Error(`ticket ${ticket.id} has no shipment ${ticket.shipmentId}`);
    }
    return shipment;
  }
}
