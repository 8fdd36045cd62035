/**
 * Shipments (API.md "Shipments and shipping obligations"): registering an order's shipping
 * obligation (idempotent, like intercepts), shipping it (which binds the parcel to the merchant
 * and starts following its collection), refunding it, reading them. The deadlines each change
 * sets are enqueued in its transaction; the scheduler (src/scheduler) acts on them.
 */
import type { CarrierReport } from "../../contracts/carrier-adapter.ts";
import type { EventActor } from "../../contracts/interception.ts";
import type { ShipmentCreate, ShipmentRefund, ShipmentShip } from "../../contracts/shipments.ts";
import { carrierActor } from "../domain/actors.ts";
import { isPastCollection } from "../domain/collection.ts";
import { collectByOf, isOpen } from "../domain/obligations/tickets.ts";
import { newId } from "../ids.ts";
import { errorText } from "../logger.ts";
import { recordCollected } from "../scheduler/collected.ts";
import { ticketJobs } from "../scheduler/ticket-due.ts";
import { newDeadline } from "../store/deadline-records.ts";
import type {
  IdempotencyKeyClaim,
  MerchantRecord,
  ShipmentFilter,
  ShipmentRecord,
  ShipmentStatus,
  ShipmentTransition,
  ShipmentTransitionResult,
  ShipmentWithEvents,
  TicketWithEvents,
} from "../store/store.ts";
import { carrierFor, type ServiceDeps } from "./deps.ts";
import { decideOnFreshReads } from "./fresh-reads.ts";
import {
  fingerprintOf,
  type IdempotentAnswer,
  type StoredAnswer,
  withIdempotency,
} from "./idempotency.ts";
import { parcelOfAnotherMerchant } from "./parcel-refusal.ts";
import { ServiceError } from "./service-error.ts";
import { TicketService } from "./tickets.ts";

/** How long a create request holds its key: it makes no carrier call, so a few seconds. */
const createLockMs = 30_000;

/** Reads decided again when a ticket change to the same shipment won the race. */
const maxDecisions = 3;

export class ShipmentService {
  private readonly tickets: TicketService;

  constructor(private readonly deps: ServiceDeps) {
    this.tickets = new TicketService(deps);
  }

  /**
   * `POST /v1/shipments`, once per merchant and key: the shipment, its `ship_by` deadline and the
   * key's answer commit together, so a replay answers from the key and never stores another.
   */
  async create(
    merchant: MerchantRecord,
    idempotencyKey: string,
    request: ShipmentCreate,
    encode: (shipment: ShipmentWithEvents) => StoredAnswer,
    actor: EventActor,
  ): Promise<IdempotentAnswer> {
    const now = this.deps.now();
    const paidAt = iso(request.paidAt);
    const shipBy = iso(request.shipBy);
    if (shipBy <= paidAt) {
      throw invalid("shipBy must be after paidAt.");
    }
    if (paidAt > now.toISOString()) {
      throw invalid("paidAt must not be in the future.");
    }
    const claim: IdempotencyKeyClaim = {
      merchantId: merchant.id,
      key: idempotencyKey,
      fingerprint: fingerprintOf(request),
      now: now.toISOString(),
      lockedUntil: new Date(now.getTime() + createLockMs).toISOString(),
    };
    const { store } = this.deps;
    const { answer } = await withIdempotency(store.idempotency, claim, {
      start: async (newClaim) => {
        const at = this.deps.now().toISOString();
        const shipment: ShipmentRecord = {
          id: newId("shp"),
          merchantId: merchant.id,
          orderId: request.orderId,
          category: request.category,
          items: request.items ?? [],
          status: "awaiting_shipment",
          paidAt,
          shipBy,
          collectBy: null,
          carrier: null,
          trackingNumber: null,
          shippedAt: null,
          collectedAt: null,
          refundedAt: null,
          overdueAt: null,
          version: 1,
          createdAt: at,
          updatedAt: at,
        };
        const event = { at, type: "created" as const, detail: "Registered.", actor };
        const stored = { ...shipment, events: [event] };
        await store.shipments.insert({
          shipment,
          event,
          // A `shipBy` already past is due at once: the scheduler's next pass finds it overdue.
          deadlines: [newDeadline("ship_by", shipment, shipBy, shipBy)],
          idempotency: {
            ...(newClaim ? { claim: newClaim } : {}),
            completion: { merchantId: merchant.id, key: idempotencyKey, ...encode(stored) },
          },
        });
        return { stored };
      },
      // The key was completed in the very commit that stored the shipment.
      finish: async (stored, completion) => ({
        result: stored,
        completedWith: completion(stored),
      }),
      resume: async () => {
        // A key is linked to an interception only; a shipment's key is answered when stored.
        throw new Error("a shipment's idempotency key is never left linked and unanswered");
      },
      encode,
    });
    return answer;
  }

  /**
   * `POST /v1/shipments/{id}/ship`: `shipped`, the parcel bound to the merchant (another
   * merchant's parcel is refused exactly as an intercept of it is), and its collection followed
   * from now on.
   */
  async ship(
    merchant: MerchantRecord,
    id: string,
    request: ShipmentShip,
    actor: EventActor,
  ): Promise<ShipmentWithEvents> {
    const carrier = carrierFor(this.deps, request.carrier);
    return this.transitionWithTickets(merchant, id, (current, tickets) => {
      const now = this.deps.now();
      const shippedAt = request.shippedAt ? iso(request.shippedAt) : now.toISOString();
      if (shippedAt > now.toISOString()) {
        throw invalid("shippedAt must not be in the future.");
      }
      if (shippedAt < current.paidAt) {
        throw invalid("shippedAt must not be before the shipment's paidAt.");
      }
      const at = now.toISOString();
      // Seed 001's FAQ: after an urge-shipment ticket, collection is due 24 h after shipping.
      const hadUrgeShipment = tickets.some((ticket) => ticket.type === "urge_shipment");
      const collectBy = collectByOf({ shippedAt }, hadUrgeShipment, this.deps.obligations);
      return {
        from: ["awaiting_shipment"],
        to: "shipped",
        patch: {
          carrier: carrier.id,
          trackingNumber: request.trackingNumber,
          shippedAt,
          ...(collectBy === null ? {} : { collectBy }),
        },
        event: {
          at,
          type: "shipped",
          detail: `Shipped with ${carrier.id} ${request.trackingNumber}.`,
          actor,
        },
        bindParcel: true,
        // The first look at the tracking is at once: the parcel may have been scanned already.
        schedule: [
          newDeadline("follow_collection", current, at),
          ...ticketJobs(
            tickets,
            { ...current, status: "shipped", shippedAt },
            at,
            this.deps.obligations,
          ),
        ],
      };
    });
  }

  /** `POST /v1/shipments/{id}/refund`: `refunded`; nothing more is followed or due. */
  async refund(
    merchant: MerchantRecord,
    id: string,
    request: ShipmentRefund,
    actor: EventActor,
  ): Promise<ShipmentWithEvents> {
    return this.transitionWithTickets(merchant, id, (current, tickets) => {
      const now = this.deps.now().toISOString();
      const refundedAt = request.refundedAt ? iso(request.refundedAt) : now;
      if (refundedAt > now) {
        throw invalid("refundedAt must not be in the future.");
      }
      if (refundedAt < current.paidAt) {
        throw invalid("refundedAt must not be before the shipment's paidAt.");
      }
      return {
        from: ["awaiting_shipment", "shipped"],
        to: "refunded",
        patch: { refundedAt },
        event: { at: now, type: "refunded", detail: "Refunded.", actor },
        // A refund resolves every open ticket.
        schedule: ticketJobs(
          tickets,
          { ...current, status: "refunded", refundedAt },
          now,
          this.deps.obligations,
        ),
      };
    });
  }

  /**
   * A carrier's push (its route events, as the callback route reads them): a report that the
   * parcel is past `not_collected` records each `shipped` shipment of it collected, at the
   * report's time (the carrier's scan). Returns how many became collected.
   */
  async applyCarrierReports(carrierId: string, reports: readonly CarrierReport[]): Promise<number> {
    const carrier = carrierFor(this.deps, carrierId);
    let collected = 0;
    for (const report of reports) {
      if (!isPastCollection(report.parcelState)) {
        continue;
      }
      const shipped = await this.deps.store.shipments.shippedWithParcel(
        carrier.id,
        report.trackingNumber,
      );
      for (const shipment of shipped) {
        const scannedAt = new Date(report.at).toISOString();
        if (await this.recordPushedCollection(shipment, scannedAt, carrierActor(carrier.id))) {
          collected += 1;
        }
      }
    }
    return collected;
  }

  /**
   * Records a pushed collection. A shipment changed since it was read (a ticket opened, its own
   * look at the tracking) is read again and judged as it is now: the carrier pushes a scan once,
   * so a push dropped here would be learnt only at the next look, late. False when the shipment
   * moved on (collected already, refunded, re-pointed to another parcel).
   */
  private async recordPushedCollection(
    read: ShipmentRecord,
    scannedAt: string,
    actor: EventActor,
  ): Promise<boolean> {
    let shipment: ShipmentRecord | null = read;
    for (let attempt = 0; attempt < maxDecisions && shipment !== null; attempt += 1) {
      const outcome = await recordCollected(this.deps, shipment, scannedAt, actor);
      if (outcome !== "stale") {
        return outcome === "recorded";
      }
      const now = await this.deps.store.shipments.getById(read.id);
      shipment =
        now?.status === "shipped" &&
        now.carrier === read.carrier &&
        now.trackingNumber === read.trackingNumber
          ? now
          : null;
    }
    // Still changing after every try: the scheduled looks at the tracking find the scan.
    return false;
  }

  /** One shipment of the merchant; another merchant's reads as missing. */
  async get(merchantId: string, id: string): Promise<ShipmentWithEvents> {
    const found = await this.deps.store.shipments.get(merchantId, id);
    if (!found) {
      throw new ServiceError("not_found", `No shipment ${id} for this merchant.`);
    }
    return found;
  }

  list(
    merchantId: string,
    filter: ShipmentFilter,
    page: { limit: number; before?: string },
  ): Promise<ShipmentWithEvents[]> {
    return this.deps.store.shipments.list(merchantId, filter, page);
  }

  /**
   * A merchant's change that moves the shipment's tickets: decided on the shipment and its
   * tickets as read, applied only while the shipment is still at that version (a ticket opened
   * meanwhile bumps it: read and decide again), with the open tickets' jobs (`ticketJobs`) in
   * the same transaction. The tickets are then moved at once too; if that fails, their jobs do it.
   */
  private async transitionWithTickets(
    merchant: MerchantRecord,
    id: string,
    decide: (
      current: ShipmentWithEvents,
      tickets: readonly TicketWithEvents[],
    ) => Omit<ShipmentTransition, "merchantId" | "expectVersion">,
  ): Promise<ShipmentWithEvents> {
    return decideOnFreshReads("The shipment", async () => {
      const current = await this.get(merchant.id, id);
      const tickets = await this.deps.store.tickets.ofShipment(id);
      const transition = decide(current, tickets);
      const result = await this.deps.store.shipments.transition(id, {
        ...transition,
        merchantId: merchant.id,
        expectVersion: current.version,
      });
      if (result.outcome === "stale") {
        return "stale";
      }
      const shipment = this.applied(id, result, transition);
      await this.advanceOpen(tickets);
      return shipment;
    });
  }

  /** Best effort, after the commit: each open ticket's `ticket_due` is already enqueued. */
  private async advanceOpen(tickets: readonly TicketWithEvents[]): Promise<void> {
    for (const ticket of tickets.filter(isOpen)) {
      try {
        await this.tickets.advance(ticket.id);
      } catch (error) {
        this.deps.logger.warn("ticket not advanced at once; its deadline job will", {
          ticketId: ticket.id,
          error: errorText(error),
        });
      }
    }
  }

  /** The applied change, or the refusal that says why nothing changed. */
  private applied(
    id: string,
    result: Exclude<ShipmentTransitionResult, { outcome: "stale" }>,
    transition: Pick<ShipmentTransition, "event" | "from">,
  ): ShipmentWithEvents {
    switch (result.outcome) {
      case "applied":
        return result.shipment;
      case "not_found":
        throw new ServiceError("not_found", `No shipment ${id} for this merchant.`);
      case "status_mismatch":
        throw wrongStatus(transition.event.type, transition.from, result.shipment.status);
      case "parcel_of_another_merchant":
        throw parcelOfAnotherMerchant();
    }
  }
}

function wrongStatus(
  action: string,
  allowed: readonly ShipmentStatus[],
  status: ShipmentStatus,
): ServiceError {
  const message = `Only a shipment that is ${allowed.join(" or ")} can be ${action}; this one is ${status}.`;
  return new ServiceError("invalid_transition", message, {
    reasons: [{ code: "wrong_status", message }],
  });
}

/** A well-formed body that breaks a rule between its fields or with the record: 422. */
function invalid(message: string): ServiceError {
  return new ServiceError("validation_failed", message, { status: 422 });
}

/** A timestamp with an offset, as the gateway stores every time: UTC with milliseconds. */
function iso(timestamp: string): string {
  return new Date(timestamp).toISOString();
}
