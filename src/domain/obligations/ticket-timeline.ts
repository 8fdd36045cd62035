/**
 * How a ticket moves on by itself: its deadlines, and its shipment being collected or refunded.
 * `nextDeadline` says which instant the scheduler must act at; `advanceTicket` brings a ticket up
 * to `now`, applying whatever happened in the order it happened, so the scheduler's job, a
 * shipment change and a request all see the same ticket whatever ran late. Both are idempotent:
 * advancing an up-to-date ticket changes nothing.
 */
import { endOfChinaDay } from "./china-time.ts";
import { addMs, earlier, hasPassed } from "./deadlines.ts";
import type { ObligationRules } from "./rules.ts";
import type { ShipmentFacts } from "./shipment-facts.ts";
import type { Ticket, TicketEvent, TicketReply } from "./tickets.ts";

/**
 * What a deadline waits for. `reply_due`: the merchant's reply (or, for urge-collection, the
 * collection or refund) by `dueAt`, else overdue. `answer_due`: the buyer's answer to
 * `ship_later`; silence then counts as accepted. `ship_date_due`: shipping by 23:59:59 China time
 * of the promised date, else overdue. `collect_by`: collection within 24 h of shipping, else
 * overdue.
 */
export type TicketDeadlineKind = "reply_due" | "answer_due" | "ship_date_due" | "collect_by";

export interface TicketDeadline {
  kind: TicketDeadlineKind;
  at: string;
}

/**
 * The next instant the ticket changes by itself, or null when only an act can change it. State by
 * state (an urge-collection ticket waits only while `awaiting_merchant`, for `dueAt`):
 * - `awaiting_merchant`: `reply_due` at `dueAt`; and `collect_by` once the shipment shipped.
 * - `awaiting_buyer`: `answer_due` at the earlier of the reply + 24 h and the end of the promised
 *   date; and `collect_by` once shipped.
 * - `awaiting_shipment`: `ship_date_due` at the end of the promised date, until the shipment
 *   ships before it; then (and after a `shipped` reply) `collect_by` at `shippedAt` + 24 h.
 * - `overdue`, `under_review`, `resolved`: none; the first two end with the shipment's
 *   collection or refund, which the shipment's own changes report (advance the ticket then).
 * The scheduler keeps one job per ticket at this instant and moves it whenever a change moves
 * the answer; a job that finds nothing due (`advanceTicket` with no events) does nothing.
 */
export function nextDeadline(
  ticket: Ticket,
  shipment: ShipmentFacts,
  rules: ObligationRules,
): TicketDeadline | null {
  const pending = pendingDeadlines(ticket, shipment, rules);
  pending.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return pending[0] ?? null;
}

function pendingDeadlines(
  ticket: Ticket,
  shipment: ShipmentFacts,
  rules: ObligationRules,
): TicketDeadline[] {
  if (ticket.type === "urge_collection") {
    return ticket.status === "awaiting_merchant" ? [{ kind: "reply_due", at: ticket.dueAt }] : [];
  }
  // Seed 001's FAQ: once an urge-shipment ticket's shipment ships, collection is due in 24 h.
  const collectBy: TicketDeadline[] =
    shipment.shippedAt === null
      ? []
      : [{ kind: "collect_by", at: addMs(shipment.shippedAt, rules.collectAfterShipWindowMs) }];
  const shipLater = shipLaterOf(ticket);
  switch (ticket.status) {
    case "awaiting_merchant":
      return [{ kind: "reply_due", at: ticket.dueAt }, ...collectBy];
    case "awaiting_buyer":
      // Only `ship_later` leads here, so the reply is there.
      return shipLater === null ? collectBy : [answerDue(shipLater, rules), ...collectBy];
    case "awaiting_shipment": {
      // After `ship_later`, shipping is due by the promised date; a shipment that shipped in time
      // then only owes its collection.
      const shipDateEnd = shipLater === null ? null : endOfChinaDay(shipLater.shipDate);
      const shippedInTime =
        shipment.shippedAt !== null &&
        (shipDateEnd === null || !hasPassed(shipDateEnd, shipment.shippedAt));
      if (shippedInTime || shipDateEnd === null) {
        return collectBy;
      }
      return [{ kind: "ship_date_due", at: shipDateEnd }];
    }
    default:
      return [];
  }
}

/**
 * The buyer answers within 24 h of the reply, and never after the promised date has ended (like
 * a ship-date proposal, seed 002).
 */
function answerDue(
  shipLater: Extract<TicketReply, { kind: "ship_later" }>,
  rules: ObligationRules,
): TicketDeadline {
  return {
    kind: "answer_due",
    at: earlier(
      addMs(shipLater.at, rules.shipLaterAnswerWindowMs),
      endOfChinaDay(shipLater.shipDate),
    ),
  };
}

export function shipLaterOf(ticket: Ticket): Extract<TicketReply, { kind: "ship_later" }> | null {
  const reply = ticket.replies.find((each) => each.kind === "ship_later");
  return reply?.kind === "ship_later" ? reply : null;
}

/** The shipment's end, if it has one: what resolves any open ticket. */
function shipmentEnd(
  shipment: ShipmentFacts,
): { resolution: "collected" | "refunded"; at: string } | null {
  if (shipment.status === "refunded" && shipment.refundedAt !== null) {
    return { resolution: "refunded", at: shipment.refundedAt };
  }
  if (shipment.status === "collected" && shipment.collectedAt !== null) {
    return { resolution: "collected", at: shipment.collectedAt };
  }
  return null;
}

/**
 * The ticket brought up to `now`: each deadline that has come and the shipment's collection or
 * refund, applied in the order they happened. A deadline at the very instant of the collection
 * came first (a deadline is the first late instant; deadlines.ts). A collection or refund
 * resolves the ticket whatever its status, overdue and under review included: seed 004, the
 * ticket ends when the order ships or is refunded.
 */
export function advanceTicket(
  ticket: Ticket,
  shipment: ShipmentFacts,
  now: Date,
  rules: ObligationRules,
): { ticket: Ticket; events: TicketEvent[] } {
  let current = ticket;
  const events: TicketEvent[] = [];
  const end = shipmentEnd(shipment);
  while (current.status !== "resolved") {
    const deadline = nextDeadline(current, shipment, rules);
    const deadlineCame =
      deadline !== null &&
      hasPassed(deadline.at, now) &&
      (end === null || hasPassed(deadline.at, end.at));
    if (deadline !== null && deadlineCame) {
      const passed = passDeadline(current, deadline);
      current = passed.ticket;
      events.push(passed.event);
    } else if (end !== null) {
      current = { ...current, status: "resolved", resolution: end.resolution };
      events.push({
        type: "resolved",
        at: end.at,
        status: "resolved",
        detail:
          end.resolution === "collected"
            ? "The carrier collected the parcel."
            : "The order was refunded.",
      });
    } else {
      break;
    }
  }
  return { ticket: current, events };
}

function passDeadline(
  ticket: Ticket,
  deadline: TicketDeadline,
): { ticket: Ticket; event: TicketEvent } {
  if (deadline.kind === "answer_due") {
    return {
      ticket: {
        ...ticket,
        status: "awaiting_shipment",
        buyerAnswer: { accepted: true, at: deadline.at, bySilence: true },
      },
      event: {
        type: "accepted_by_silence",
        at: deadline.at,
        status: "awaiting_shipment",
        detail: "The buyer did not answer: the later ship date counts as accepted.",
      },
    };
  }
  return {
    ticket: { ...ticket, status: "overdue" },
    event: {
      type: "overdue",
      at: deadline.at,
      status: "overdue",
      detail: overdueDetail(ticket, deadline.kind),
    },
  };
}

/** Why each deadline made the ticket overdue; the complaint is the platform's (seeds 001, 004). */
function overdueDetail(ticket: Ticket, kind: Exclude<TicketDeadlineKind, "answer_due">): string {
  const because = {
    reply_due:
      ticket.type === "urge_collection"
        ? "Not collected, refunded or replied to by the deadline"
        : "No reply by the deadline",
    ship_date_due: "Not shipped by 23:59:59 China time of the promised date",
    collect_by: "Not collected within the window after shipping",
  }[kind];
  return `${because}: the platform files a complaint for the buyer.`;
}
