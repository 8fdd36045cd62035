/**
 * The `ticket_due` deadline: a ticket's next instant (`nextDeadline`: a reply due, the buyer's
 * answer, a promised date, a collection), or its shipment shipped, collected or refunded. The
 * ticket is brought up to now by the tickets service's own `advance` (overdue and
 * `ticket.overdue`, silence counted as accepted, resolved and `ticket.resolved`), so a request
 * and the scheduler never disagree. Idempotent: a ticket already up to date changes nothing.
 */
import { hasPassed } from "../domain/obligations/deadlines.ts";
import type { ObligationRules } from "../domain/obligations/rules.ts";
import type { ShipmentFacts } from "../domain/obligations/shipment-facts.ts";
import { nextDeadline } from "../domain/obligations/ticket-timeline.ts";
import { isOpen } from "../domain/obligations/tickets.ts";
import { ServiceError } from "../services/service-error.ts";
import { type AdvancedTicket, TicketService } from "../services/tickets.ts";
import { newDeadline } from "../store/deadline-records.ts";
import type { DeadlineRecord, TicketRecord } from "../store/store.ts";
import type { SchedulerDeps } from "./deps.ts";
import type { DeadlineOutcome } from "./handlers.ts";

export async function ticketDue(
  deadline: DeadlineRecord,
  deps: SchedulerDeps,
): Promise<DeadlineOutcome> {
  let advanced: AdvancedTicket | null;
  try {
    advanced = await new TicketService(deps).advance(deadline.subjectId);
  } catch (error) {
    if (error instanceof ServiceError && error.retryAfterSeconds !== undefined) {
      // Its shipment kept changing under it: decided again a moment later.
      const at = new Date(deps.now().getTime() + error.retryAfterSeconds * 1000).toISOString();
      return { done: false, at, reason: error.message };
    }
    throw error;
  }
  const next = advanced?.next ?? null;
  // Taken before its instant: on PostgreSQL the database's clock says what is due, and it may be
  // ahead of this instance's. This job is that deadline's: it runs again then, never dropped.
  if (next !== null && next.at === deadline.dueAt && !hasPassed(next.at, deps.now())) {
    return { done: false, at: next.at, reason: `${next.kind} not due yet` };
  }
  return { done: true };
}

/**
 * For a shipment change that moves its tickets (shipped, collected, refunded), enqueued in the
 * shipment change's own transaction so a crash right after it cannot leave a ticket unmoved: a
 * `ticket_due` due now for each open ticket, and, while the shipment is still owed, each one's
 * next deadline on the changed shipment (shipping starts the 24 h to collection of an
 * urge-shipment ticket, which no ticket change set). Keyed by instant: one already there stays.
 */
export function ticketJobs(
  tickets: readonly TicketRecord[],
  shipment: ShipmentFacts,
  at: string,
  rules: ObligationRules,
): DeadlineRecord[] {
  const owed = shipment.status === "awaiting_shipment" || shipment.status === "shipped";
  return tickets.filter(isOpen).flatMap((ticket) => {
    const next = owed ? nextDeadline(ticket, shipment, rules) : null;
    const now = newDeadline("ticket_due", ticket, at, at);
    return next === null ? [now] : [now, newDeadline("ticket_due", ticket, next.at, next.at)];
  });
}
