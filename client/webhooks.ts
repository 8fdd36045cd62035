/**
 * Verifying the gateway's webhooks (Standard Webhooks) and their event types. The event types
 * follow API.md "Webhooks to merchants"; they are written here by hand until the served OpenAPI
 * document describes the webhooks, and then come from client/openapi.ts like the rest.
 */
import { Webhook } from "standardwebhooks";
import type { components } from "./openapi.ts";

export { WebhookVerificationError } from "standardwebhooks";

export const interceptionEventTypes = [
  "interception.created",
  "interception.locked",
  "interception.submitted",
  "interception.succeeded",
  "interception.failed",
  "interception.cancelled",
  "interception.released",
] as const;
export type InterceptionEventType = (typeof interceptionEventTypes)[number];

export const shipmentEventTypes = ["shipment.collected", "shipment.overdue"] as const;
export type ShipmentEventType = (typeof shipmentEventTypes)[number];

/** Event types whose resources the client has no types for yet. */
export type OtherEventType =
  | "ticket.opened"
  | "ticket.resolved"
  | "ticket.overdue"
  | "proposal.accepted"
  | "proposal.rejected"
  | "proposal.expired";

interface EventEnvelope<Type extends string, Data> {
  /** `evt_…`: the same on every delivery of this event (also the `webhook-id` header). */
  id: string;
  type: Type;
  createdAt: string;
  /** The resource as it was after the change; `data.updatedAt` tells which event is the latest. */
  data: Data;
}

/** A webhook's body; narrow on `type`. */
export type WebhookEvent =
  | EventEnvelope<InterceptionEventType, components["schemas"]["Interception"]>
  | EventEnvelope<ShipmentEventType, components["schemas"]["Shipment"]>
  | EventEnvelope<OtherEventType, Record<string, unknown>>;

/** The headers of a delivery: a fetch `Headers`, or Node's `request.headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's signature and timestamp (Standard Webhooks: at most 5 minutes off) and
 * returns its event. `body` must be the raw text as received: parsed and serialized again it
 * would not match the signature. Give several secrets while you rotate (the gateway signs with
 * both for 24 h): any one that verifies is enough. Throws `WebhookVerificationError` otherwise.
 */
export function verifyWebhook(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  body: string,
): WebhookEvent {
  const secrets = typeof secret === "string" ? [secret] : secret;
  if (secrets.length === 0) {
    throw new TypeError("verifyWebhook needs at least one secret.");
  }
  const signed = signatureHeaders(headers);
  let failure: unknown;
  for (const candidate of secrets) {
    try {
      // The signature proves the gateway sent this body: its shape is the gateway's contract.
      return new Webhook(candidate).verify(body, signed) as WebhookEvent;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

function signatureHeaders(headers: WebhookHeaders): Record<string, string> {
  const read = (name: string): string => {
    if (headers instanceof Headers) {
      return headers.get(name) ?? "";
    }
    const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
    return (Array.isArray(value) ? value[0] : value) ?? "";
  };
  return {
    "webhook-id": read("webhook-id"),
    "webhook-timestamp": read("webhook-timestamp"),
    "webhook-signature": read("webhook-signature"),
  };
}
