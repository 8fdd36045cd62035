/**
 * The webhook events an interception or shipment change produces, and their deliveries: built by
 * the stores inside the transaction of the change (the outbox rule), so an event exists exactly
 * when its change committed. Pure: ids, records and the exact body each attempt will post.
 */
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import type { WebhookEvent, WebhookEventType } from "../../contracts/webhooks.ts";
import { newId } from "../ids.ts";
import type {
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from "../store/store.ts";

/** The event a status reports; `pending` has none (a new interception is `interception.created`). */
const statusEvents: Record<InterceptionStatus, WebhookEventType | null> = {
  pending: null,
  submitted: "interception.submitted",
  succeeded: "interception.succeeded",
  failed: "interception.failed",
  cancelled: "interception.cancelled",
  locked: "interception.locked",
  released: "interception.released",
};

/** The events of a new interception: created, and its status's own (a lock) when it has one. */
export function createdEventTypes(status: InterceptionStatus): WebhookEventType[] {
  const own = statusEvents[status];
  return own ? ["interception.created", own] : ["interception.created"];
}

/** The events of a change to `status` (none for a change that keeps the status). */
export function statusEventTypes(from: InterceptionStatus, to: InterceptionStatus) {
  const own = statusEvents[to];
  return from !== to && own ? [own] : [];
}

/** An endpoint as the outbox reads it: whether it wants a type. */
export type Subscriber = Pick<WebhookEndpointRecord, "id" | "events">;

function subscribes(endpoint: Subscriber, type: WebhookEventType): boolean {
  return endpoint.events === null || endpoint.events.includes(type);
}

/**
 * The events of `types` about a resource (an interception, a shipment) as it reads after the
 * change, with one delivery of each per endpoint subscribed to it, due at once. An event nobody
 * subscribed to is not stored: it would have nobody to reach. Returns nothing when nobody
 * subscribed to any. `data` is called only when some endpoint subscribed: building the resource
 * may cost a read.
 */
export function resourceWebhooks(input: {
  merchantId: string;
  types: readonly WebhookEventType[];
  endpoints: readonly Subscriber[];
  data: () => WebhookEvent["data"];
  at: string;
}): { events: WebhookEventRecord[]; deliveries: WebhookDeliveryRecord[] } {
  const events: WebhookEventRecord[] = [];
  const deliveries: WebhookDeliveryRecord[] = [];
  let data: WebhookEvent["data"] | null = null;
  for (const type of input.types) {
    const subscribers = input.endpoints.filter((endpoint) => subscribes(endpoint, type));
    if (subscribers.length === 0) {
      continue;
    }
    data ??= input.data();
    const id = newId("evt");
    const body: WebhookEvent = { id, type, createdAt: input.at, data };
    const { merchantId } = input;
    events.push({ id, merchantId, type, createdAt: input.at, body: JSON.stringify(body) });
    for (const endpoint of subscribers) {
      deliveries.push({
        id: newId("whd"),
        eventId: id,
        endpointId: endpoint.id,
        merchantId,
        type,
        status: "pending",
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        nextAttemptAt: input.at,
        createdAt: input.at,
        leaseUntil: null,
      });
    }
  }
  return { events, deliveries };
}
