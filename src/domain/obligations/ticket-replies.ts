/**
 * The merchant's reply to a ticket (`POST /v1/tickets/{id}/replies`), taken only while the ticket
 * awaits it. Urge-collection (seed 001): `changed_waybill`, `contacted_buyer` or `other` resolve
 * it as `replied`. Urge-shipment (seed 004): `ship_later` with a reason and a date at most 30 days
 * ahead (15 for fresh goods) waits for the buyer; `cannot_ship` with a reason is overdue at once
 * (the platform files a complaint); `shipped` waits for the collection.
 */
import { chinaDateOf, daysBetween } from "./china-time.ts";
import { hasPassed } from "./deadlines.ts";
import { forbidden, invalid, type Refusal } from "./decision.ts";
import { type ObligationRules, type ReplyReason, shipLaterMaxDaysFor } from "./rules.ts";
import { readShipDate } from "./ship-date.ts";
import type { ShipmentFacts } from "./shipment-facts.ts";
import { advanceTicket } from "./ticket-timeline.ts";
import {
  type ReplyKind,
  type Ticket,
  type TicketChange,
  type TicketEvent,
  type TicketReply,
  type TicketStatus,
  urgeCollectionReplyKinds,
  urgeShipmentReplyKinds,
} from "./tickets.ts";

export interface ReplyRequest {
  kind: ReplyKind;
  message?: string;
  trackingNumber?: string;
  reason?: string;
  shipDate?: string;
}

export function replyToTicket(
  ticket: Ticket,
  shipment: ShipmentFacts,
  request: ReplyRequest,
  now: Date,
  rules: ObligationRules,
): TicketChange | Refusal {
  const before = advanceTicket(ticket, shipment, now, rules);
  const current = before.ticket;
  if (current.status !== "awaiting_merchant") {
    return current.status === "overdue" && hasPassed(current.dueAt, now)
      ? forbidden("reply_window_closed", `The reply was due before ${current.dueAt}.`)
      : forbidden(
          "ticket_not_awaiting_reply",
          `The ticket is ${current.status}: it takes a reply only while awaiting_merchant.`,
        );
  }
  const kinds: readonly ReplyKind[] =
    current.type === "urge_collection" ? urgeCollectionReplyKinds : urgeShipmentReplyKinds;
  if (!kinds.includes(request.kind)) {
    return invalid(
      "kind",
      "reply_kind_not_allowed",
      `A ${current.type} ticket takes a reply of kind ${kinds.join(", ")}.`,
    );
  }
  const reply = readReply(request, shipment, now, rules);
  if ("ok" in reply) {
    return reply;
  }
  const status = statusAfter(reply);
  const replied: Ticket = { ...current, replies: [...current.replies, reply], status };
  const events: TicketEvent[] = [
    ...before.events,
    { type: "replied", at: reply.at, status, detail: `The merchant replied ${reply.kind}.` },
  ];
  if (status === "resolved") {
    events.push({ type: "resolved", at: reply.at, status, detail: "The merchant replied." });
    return {
      ok: true,
      ticket: { ...replied, resolution: "replied" },
      events,
      ...(reply.kind === "changed_waybill"
        ? { shipment: { trackingNumber: reply.trackingNumber } }
        : {}),
    };
  }
  if (status === "overdue") {
    events.push({
      type: "overdue",
      at: reply.at,
      status,
      detail: "The merchant cannot ship: the platform files a complaint for the buyer.",
    });
    return { ok: true, ticket: replied, events };
  }
  // Whatever is already due from here on (a date ending, collection time running out) applies.
  const after = advanceTicket(replied, shipment, now, rules);
  return { ok: true, ticket: after.ticket, events: [...events, ...after.events] };
}

/**
 * Any urge-collection reply resolves the ticket; `ship_later` waits for the buyer, `shipped` for
 * the collection, and `cannot_ship` is overdue at once.
 */
function statusAfter(reply: TicketReply): TicketStatus {
  switch (reply.kind) {
    case "ship_later":
      return "awaiting_buyer";
    case "shipped":
      return "awaiting_shipment";
    case "cannot_ship":
      return "overdue";
    default:
      return "resolved";
  }
}

/** The reply as the ticket keeps it, once its own fields and the shipment allow it. */
function readReply(
  request: ReplyRequest,
  shipment: ShipmentFacts,
  now: Date,
  rules: ObligationRules,
): TicketReply | Refusal {
  const at = now.toISOString();
  switch (request.kind) {
    case "changed_waybill": {
      const message = readMessage(request.message);
      const trackingNumber = request.trackingNumber?.trim() ?? "";
      if (typeof message !== "string") {
        return message;
      }
      if (trackingNumber === "") {
        return invalid(
          "trackingNumber",
          "tracking_number_required",
          "changed_waybill needs the new trackingNumber.",
        );
      }
      return { kind: request.kind, at, message, trackingNumber };
    }
    case "contacted_buyer":
    case "other": {
      const message = readMessage(request.message);
      return typeof message === "string" ? { kind: request.kind, at, message } : message;
    }
    case "ship_later":
    case "cannot_ship": {
      if (shipment.status !== "awaiting_shipment") {
        return forbidden(
          "shipment_not_awaiting_shipment",
          `${request.kind} answers for a shipment awaiting shipment; this one is ${shipment.status}.`,
        );
      }
      const reason = readReason(request.reason, rules);
      if (typeof reason !== "string") {
        return reason;
      }
      if (request.kind === "cannot_ship") {
        return { kind: request.kind, at, reason };
      }
      const shipDate = readShipDate(request.shipDate, now);
      if (typeof shipDate !== "string") {
        return shipDate;
      }
      const maxDays = shipLaterMaxDaysFor(shipment.category, rules);
      if (daysBetween(chinaDateOf(now), shipDate) > maxDays) {
        return invalid(
          "shipDate",
          "ship_date_too_late",
          `shipDate must be at most ${maxDays} days after the reply (${chinaDateOf(now)} in China) for category ${shipment.category}.`,
        );
      }
      return { kind: request.kind, at, reason, shipDate };
    }
    case "shipped":
      if (shipment.status !== "shipped") {
        return forbidden(
          "shipment_not_shipped",
          `Ship the shipment (POST /v1/shipments/{id}/ship) before replying shipped; it is ${shipment.status}.`,
        );
      }
      return { kind: request.kind, at };
  }
}

function readMessage(message: string | undefined): string | Refusal {
  const text = message?.trim() ?? "";
  return text === "" ? invalid("message", "message_required", "The reply needs a message.") : text;
}

function readReason(reason: string | undefined, rules: ObligationRules): ReplyReason | Refusal {
  const offered: readonly string[] = rules.reasons;
  return reason !== undefined && offered.includes(reason)
    ? (reason as ReplyReason)
    : invalid("reason", "invalid_reason", `reason must be one of ${rules.reasons.join(", ")}.`);
}
