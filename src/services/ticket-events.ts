/**
 * What a ticket change's events (the rules' answer) become in the store: each with who caused
 * it, and the webhook events they are sent as (API.md: `ticket.opened`, `ticket.overdue`,
 * `ticket.resolved`; the others stay on the record).
 */
import type { EventActor } from "../../contracts/interception.ts";
import { gatewayActor } from "../domain/actors.ts";
import {
  type TicketEvent,
  type TicketEventType,
  webhookOfTicketEvent,
} from "../domain/obligations/tickets.ts";
import type { TicketEventRecord, TicketWebhookType } from "../store/store.ts";

/** Acts of the caller itself; the others are the gateway's (deadlines, the shipment's end). */
const actsOfCaller: ReadonlySet<TicketEventType> = new Set([
  "opened",
  "replied",
  "buyer_accepted",
  "buyer_rejected",
  "second_chance",
]);

/**
 * Who caused each event: the caller's acts, and what an act made happen at once (a reply that
 * resolves, `cannot_ship` or a rejection that is overdue: the same instant, right after it); the
 * gateway for what time or the shipment did (a deadline passing, silence, a collection).
 */
export function withActors(events: readonly TicketEvent[], actor: EventActor): TicketEventRecord[] {
  let previous: { at: string; byCaller: boolean } | null = null;
  return events.map((event) => {
    const byCaller =
      actsOfCaller.has(event.type) ||
      (event.type !== "accepted_by_silence" &&
        previous?.byCaller === true &&
        previous.at === event.at);
    previous = { at: event.at, byCaller };
    return { ...event, actor: byCaller ? actor : gatewayActor };
  });
}

/** The webhook events of a change, in the order its events happened. */
export function webhooksOf(events: readonly TicketEvent[]): TicketWebhookType[] {
  return events.flatMap((event) =>
    event.type in webhookOfTicketEvent
      ? [webhookOfTicketEvent[event.type as keyof typeof webhookOfTicketEvent]]
      : [],
  );
}
