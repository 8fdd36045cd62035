/**
 * The shipping obligations' metrics (issue 12 item 5), fed from the rules' answers
 * (src/domain/obligations) by whatever stores them: a ticket service after each accepted change,
 * the scheduler after each deadline it acts on, the shipment service when a parcel is collected.
 * - `gateway_tickets_total{type,status}`: tickets by type and each status they reach (like
 *   `gateway_interceptions_total`), from the change's events, so a status passed on the way
 *   (opened and overdue at once) counts too.
 * - `gateway_ticket_first_reply_seconds{type}`: time from the buyer's urge to the merchant's first
 *   reply, the handling time seed 004 says the platform assesses.
 * - `gateway_shipment_collections_total{on_time}`: collected parcels, on time or late against the
 *   deadline they had; the on-time rate is `on_time="true"` over the sum.
 */
import { hasPassed } from "../domain/obligations/deadlines.ts";
import type { Ticket, TicketChange, TicketStatus } from "../domain/obligations/tickets.ts";
import type { Metrics } from "../metrics.ts";

const hour = 3_600;
/** Up to the 24 h window and past it: a reply after the window is still a reply. */
const replyBuckets = [
  5 * 60,
  15 * 60,
  30 * 60,
  hour,
  2 * hour,
  4 * hour,
  8 * hour,
  12 * hour,
  24 * hour,
  48 * hour,
];

/**
 * Counts what one accepted change did: each status reached, and the first reply's delay.
 * `before` is the ticket as stored before the change (null when the change opened it).
 */
export function countTicketChange(
  metrics: Metrics,
  before: Pick<Ticket, "status" | "replies"> | null,
  change: Pick<TicketChange, "ticket" | "events">,
): void {
  const { type } = change.ticket;
  let status: TicketStatus | null = before?.status ?? null;
  for (const event of change.events) {
    if (event.status !== status) {
      status = event.status;
      metrics.increment("gateway_tickets_total", "Tickets by type and status reached.", {
        type,
        status,
      });
    }
  }
  const firstReply = change.ticket.replies[0];
  if (firstReply !== undefined && (before?.replies.length ?? 0) === 0) {
    metrics.observe(
      "gateway_ticket_first_reply_seconds",
      "Time from the buyer's urge to the merchant's first reply to the ticket.",
      replyBuckets,
      (Date.parse(firstReply.at) - Date.parse(change.ticket.openedAt)) / 1000,
      { type },
    );
  }
}

/**
 * Counts a parcel collected, on time when before its deadline: `collectBy` for a shipment that
 * had an urge-shipment ticket, else `shipBy`.
 */
export function countCollection(
  metrics: Metrics,
  shipment: { collectedAt: string; shipBy: string; collectBy: string | null },
): void {
  const onTime = !hasPassed(shipment.collectBy ?? shipment.shipBy, shipment.collectedAt);
  metrics.increment(
    "gateway_shipment_collections_total",
    "Parcels collected, on time or late against their deadline.",
    { on_time: String(onTime) },
  );
}
