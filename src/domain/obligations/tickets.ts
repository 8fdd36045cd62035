/**
 * Urge-collection (seed 001) and urge-shipment (seed 004) tickets: their vocabulary, and who may
 * open which ticket when. How a ticket moves on with time and with its shipment is
 * ticket-timeline.ts; the merchant's replies ticket-replies.ts; the buyer's answer and the second
 * chance ticket-follow-ups.ts. Every function takes the records as they stand and `now`, and
 * returns the next state as data; none reads a clock or a store.
 */
import type { Money } from "../../../contracts/normalized.ts";
import type { ChinaDate } from "./china-time.ts";
import { addMs } from "./deadlines.ts";
import { forbidden, invalid, type Refusal } from "./decision.ts";
import type { ObligationRules, ReplyReason } from "./rules.ts";
import type { ShipmentFacts } from "./shipment-facts.ts";
import { advanceTicket } from "./ticket-timeline.ts";

export const ticketTypes = ["urge_collection", "urge_shipment"] as const;
export type TicketType = (typeof ticketTypes)[number];

/**
 * `awaiting_merchant`: the merchant's reply is due. `awaiting_buyer`: the buyer answers a
 * `ship_later` reply. `awaiting_shipment`: the merchant must ship (by the promised date) and have
 * the parcel collected. `under_review`: the platform reviews the merchant's evidence that the
 * buyer caused the failure. `overdue`: a deadline passed and the platform filed a complaint; the
 * ticket still ends when the shipment is collected or refunded. `resolved`: the end.
 */
export const ticketStatuses = [
  "awaiting_merchant",
  "awaiting_buyer",
  "awaiting_shipment",
  "under_review",
  "resolved",
  "overdue",
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const ticketResolutions = ["collected", "refunded", "replied", "compensated"] as const;
export type TicketResolution = (typeof ticketResolutions)[number];

/** Replies to an urge-collection ticket. */
export const urgeCollectionReplyKinds = ["changed_waybill", "contacted_buyer", "other"] as const;
/** Replies to an urge-shipment ticket. */
export const urgeShipmentReplyKinds = ["ship_later", "cannot_ship", "shipped"] as const;
export type ReplyKind =
  | (typeof urgeCollectionReplyKinds)[number]
  | (typeof urgeShipmentReplyKinds)[number];

/** A reply as the ticket keeps it, once the rules accepted it. */
export type TicketReply = { at: string } & (
  | { kind: "changed_waybill"; message: string; trackingNumber: string }
  | { kind: "contacted_buyer" | "other"; message: string }
  | { kind: "ship_later"; reason: ReplyReason; shipDate: ChinaDate }
  | { kind: "cannot_ship"; reason: ReplyReason }
  | { kind: "shipped" }
);

/** The buyer's answer to a `ship_later` reply; silence until the deadline counts as accepted. */
export interface BuyerAnswer {
  accepted: boolean;
  at: string;
  bySilence: boolean;
}

/** Seed 004's second chance after `ship_later`. */
export type SecondChance = { at: string } & (
  | { kind: "compensate"; amount: Money }
  | { kind: "buyer_caused"; evidence: string }
);

/** The part of a ticket its rules read and write. */
export interface Ticket {
  type: TicketType;
  status: TicketStatus;
  openedAt: string;
  /** The merchant's deadline: `openedAt` + 24 h. */
  dueAt: string;
  resolution: TicketResolution | null;
  /** The merchant's replies (at most one: a reply is taken only while `awaiting_merchant`). */
  replies: TicketReply[];
  buyerAnswer: BuyerAnswer | null;
  secondChance: SecondChance | null;
}

export const ticketEventTypes = [
  "opened",
  "replied",
  "buyer_accepted",
  "buyer_rejected",
  "accepted_by_silence",
  "second_chance",
  "overdue",
  "resolved",
] as const;
export type TicketEventType = (typeof ticketEventTypes)[number];

export interface TicketEvent {
  type: TicketEventType;
  at: string;
  /** The ticket's status once it happened (metrics count the statuses reached from it). */
  status: TicketStatus;
  detail: string;
}

/** The webhook event each ticket event is sent as (API.md); the others are on the record only. */
export const webhookOfTicketEvent = {
  opened: "ticket.opened",
  overdue: "ticket.overdue",
  resolved: "ticket.resolved",
} as const satisfies Partial<Record<TicketEventType, string>>;

/** An accepted act: the ticket as it now stands, what happened, and any change to its shipment. */
export interface TicketChange {
  ok: true;
  ticket: Ticket;
  /** In the order they happened (a deadline passed on the way comes first). */
  events: TicketEvent[];
  /** `changed_waybill`: the shipment now follows this tracking number. */
  shipment?: { trackingNumber: string };
}

/** Open, unlike resolved: an overdue or under-review ticket still waits for its end. */
export function isOpen(ticket: Pick<Ticket, "status">): boolean {
  return ticket.status !== "resolved";
}

export interface OpenTicketRequest {
  type: TicketType;
  /** When the buyer urged; the storefront may relay it late. Defaults to now. */
  openedAt?: string;
}

/**
 * A new ticket for the buyer's urge. `urge_collection` only for a `shipped` shipment, one open at
 * a time, never for a shipment that had an `urge_shipment` ticket (seed 001: such a parcel must be
 * collected within 24 h of shipping instead); `urge_shipment` only for an `awaiting_shipment`
 * shipment, one open at a time. An `openedAt` in the past is acted on at once: its deadline may
 * already have passed.
 */
export function openTicket(
  request: OpenTicketRequest,
  shipment: ShipmentFacts,
  tickets: readonly Pick<Ticket, "type" | "status">[],
  now: Date,
  rules: ObligationRules,
): TicketChange | Refusal {
  const openedAt = request.openedAt ?? now.toISOString();
  if (Number.isNaN(Date.parse(openedAt))) {
    return invalid("openedAt", "invalid_time", "openedAt must be an ISO-8601 date-time.");
  }
  if (Date.parse(openedAt) > now.getTime()) {
    return invalid("openedAt", "opened_at_in_future", "openedAt cannot be in the future.");
  }
  if (request.type === "urge_collection") {
    if (shipment.status !== "shipped") {
      return forbidden(
        "shipment_not_shipped",
        `An urge-collection ticket needs a shipped shipment; this one is ${shipment.status}.`,
      );
    }
    if (tickets.some((ticket) => ticket.type === "urge_shipment")) {
      return forbidden(
        "after_urge_shipment",
        "This shipment had an urge-shipment ticket: it gets no urge-collection ticket, its parcel is due to be collected within 24 h of shipping.",
      );
    }
  } else if (shipment.status !== "awaiting_shipment") {
    return forbidden(
      "shipment_not_awaiting_shipment",
      `An urge-shipment ticket needs a shipment awaiting shipment; this one is ${shipment.status}.`,
    );
  }
  if (tickets.some((ticket) => ticket.type === request.type && isOpen(ticket))) {
    return forbidden(
      "ticket_already_open",
      `This shipment already has an open ${request.type} ticket.`,
    );
  }
  const window =
    request.type === "urge_collection"
      ? rules.urgeCollectionWindowMs
      : rules.urgeShipmentReplyWindowMs;
  const ticket: Ticket = {
    type: request.type,
    status: "awaiting_merchant",
    openedAt: new Date(openedAt).toISOString(),
    dueAt: addMs(openedAt, window),
    resolution: null,
    replies: [],
    buyerAnswer: null,
    secondChance: null,
  };
  const opened: TicketEvent = {
    type: "opened",
    at: ticket.openedAt,
    status: "awaiting_merchant",
    detail: `The buyer urged ${request.type === "urge_collection" ? "collection" : "shipment"}; the merchant has until ${ticket.dueAt}.`,
  };
  const advanced = advanceTicket(ticket, shipment, now, rules);
  return { ok: true, ticket: advanced.ticket, events: [opened, ...advanced.events] };
}

/**
 * The shipment's `collectBy`: a shipment that had an urge-shipment ticket must be collected
 * within 24 h of shipping (seed 001's FAQ); null for the others, and before shipping.
 */
export function collectByOf(
  shipment: Pick<ShipmentFacts, "shippedAt">,
  hadUrgeShipment: boolean,
  rules: ObligationRules,
): string | null {
  return hadUrgeShipment && shipment.shippedAt !== null
    ? addMs(shipment.shippedAt, rules.collectAfterShipWindowMs)
    : null;
}
