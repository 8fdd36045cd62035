/**
 * What follows a `ship_later` reply (seed 004): the buyer's answer (`POST
 * /v1/tickets/{id}/buyer-response`), and the merchant's second chance when it still cannot ship
 * (`POST /v1/tickets/{id}/second-chance`).
 */
import type { Money } from "../../../contracts/normalized.ts";
import { toMinorUnits } from "../money.ts";
import { forbidden, invalid, type Refusal } from "./decision.ts";
import type { ObligationRules } from "./rules.ts";
import type { ShipmentFacts } from "./shipment-facts.ts";
import { advanceTicket, shipLaterOf } from "./ticket-timeline.ts";
import type { Ticket, TicketChange, TicketEvent } from "./tickets.ts";

/**
 * The buyer accepts the later ship date (the ticket waits for the shipment) or rejects it
 * (overdue: the platform files a complaint). Taken only while the ticket awaits it: once the
 * answer window has closed, silence has already counted as accepted.
 */
export function answerAsBuyer(
  ticket: Ticket,
  shipment: ShipmentFacts,
  accepted: boolean,
  now: Date,
  rules: ObligationRules,
): TicketChange | Refusal {
  const before = advanceTicket(ticket, shipment, now, rules);
  const current = before.ticket;
  if (current.status !== "awaiting_buyer") {
    return current.buyerAnswer?.bySilence === true
      ? forbidden(
          "answer_window_closed",
          `The buyer's answer was due before ${current.buyerAnswer.at}; silence counted as accepted.`,
        )
      : forbidden(
          "ticket_not_awaiting_buyer",
          `The ticket is ${current.status}: it takes the buyer's answer only while awaiting_buyer.`,
        );
  }
  const at = now.toISOString();
  const status = accepted ? "awaiting_shipment" : "overdue";
  const answered: Ticket = { ...current, buyerAnswer: { accepted, at, bySilence: false }, status };
  const events: TicketEvent[] = [
    ...before.events,
    accepted
      ? { type: "buyer_accepted", at, status, detail: "The buyer accepted the later ship date." }
      : { type: "buyer_rejected", at, status, detail: "The buyer rejected the later ship date." },
  ];
  if (!accepted) {
    events.push({
      type: "overdue",
      at,
      status,
      detail: "No agreement with the buyer: the platform files a complaint for the buyer.",
    });
  }
  const after = advanceTicket(answered, shipment, now, rules);
  return { ok: true, ticket: after.ticket, events: [...events, ...after.events] };
}

export type SecondChanceRequest =
  | { kind: "compensate"; amount: Money }
  | { kind: "buyer_caused"; evidence: string };

/**
 * Seed 004's second chance, for a merchant that replied `ship_later` and still cannot ship, at
 * any point until the ticket ends (awaiting the buyer or the shipment, or overdue after a missed
 * date or a rejection): `compensate` resolves it as `compensated` (paid, no fault recorded);
 * `buyer_caused` with evidence puts it `under_review` by the platform. One per ticket: either
 * leaves no status that takes another.
 */
export function takeSecondChance(
  ticket: Ticket,
  shipment: ShipmentFacts,
  request: SecondChanceRequest,
  now: Date,
  rules: ObligationRules,
): TicketChange | Refusal {
  const before = advanceTicket(ticket, shipment, now, rules);
  const current = before.ticket;
  if (shipLaterOf(current) === null) {
    return forbidden(
      "second_chance_needs_ship_later",
      "A second chance follows a ship_later reply; this ticket has none.",
    );
  }
  if (current.status === "resolved" || current.status === "under_review") {
    return forbidden(
      "ticket_closed",
      `The ticket is ${current.status}: a second chance is for a ticket still unresolved.`,
    );
  }
  const at = now.toISOString();
  if (request.kind === "compensate") {
    if (
      !/^\d+(\.\d{1,2})?$/.test(request.amount.amount) ||
      toMinorUnits(request.amount.amount) <= 0
    ) {
      return invalid("amount", "amount_not_positive", "The compensation must be more than zero.");
    }
    return {
      ok: true,
      ticket: {
        ...current,
        secondChance: { kind: "compensate", amount: request.amount, at },
        status: "resolved",
        resolution: "compensated",
      },
      events: [
        ...before.events,
        {
          type: "second_chance",
          at,
          status: "resolved",
          detail: "The merchant compensates the buyer.",
        },
        {
          type: "resolved",
          at,
          status: "resolved",
          detail: "Compensated: paid, no fault recorded.",
        },
      ],
    };
  }
  const evidence = request.evidence.trim();
  if (evidence === "") {
    return invalid("evidence", "evidence_required", "buyer_caused needs evidence.");
  }
  return {
    ok: true,
    ticket: {
      ...current,
      secondChance: { kind: "buyer_caused", evidence, at },
      status: "under_review",
    },
    events: [
      ...before.events,
      {
        type: "second_chance",
        at,
        status: "under_review",
        detail: "The merchant says the buyer caused it; the platform reviews the evidence.",
      },
    ],
  };
}
