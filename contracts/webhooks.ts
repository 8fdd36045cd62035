/**
 * Public schemas of the merchants' webhooks (API.md "Webhooks to merchants (Standard Webhooks)"):
 * endpoints, their deliveries, and the event every delivery posts. The OpenAPI document is
 * generated from these.
 */
import { z } from "@hono/zod-openapi";
import { InterceptionSchema } from "./interception.ts";
import { ShipDateProposalSchema, ShipmentSchema } from "./shipments.ts";
import { TicketSchema } from "./tickets.ts";

/** Every event type of API.md, each stored in the transaction of the change it names. */
export const webhookEventTypes = [
  "interception.created",
  "interception.locked",
  "interception.submitted",
  "interception.succeeded",
  "interception.failed",
  "interception.cancelled",
  "interception.released",
  "shipment.collected",
  "shipment.overdue",
  "ticket.opened",
  "ticket.resolved",
  "ticket.overdue",
  "proposal.accepted",
  "proposal.rejected",
  "proposal.expired",
] as const;

export const WebhookEventTypeSchema = z
  .enum(webhookEventTypes)
  .openapi("WebhookEventType", { example: "interception.succeeded" });
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

const endpointId = z.string().openapi({ example: "we_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" });
const timestamp = z.string().openapi({ example: "2026-11-21T08:00:00.000Z" });

export const WebhookEndpointCreateSchema = z
  .strictObject({
    url: z.string().min(1).max(2048).openapi({
      description:
        "Where events are posted. `https://` and a public address only (checked again at each delivery), unless the gateway allows private URLs (`WEBHOOK_ALLOW_PRIVATE_URLS=true` or demo mode).",
      example: "https://erp.example.com/hooks/interceptions",
    }),
    events: z
      .array(WebhookEventTypeSchema)
      .min(1)
      .max(webhookEventTypes.length)
      .optional()
      .openapi({
        description: "The event types to receive; absent means all.",
        example: ["interception.locked", "interception.succeeded"],
      }),
    description: z.string().max(500).optional().openapi({ example: "ERP order hold" }),
  })
  .openapi("WebhookEndpointCreate");
export type WebhookEndpointCreate = z.infer<typeof WebhookEndpointCreateSchema>;

export const WebhookEndpointSchema = z
  .object({
    id: endpointId,
    url: z.string().openapi({ example: "https://erp.example.com/hooks/interceptions" }),
    events: z.array(WebhookEventTypeSchema).nullable().openapi({
      description: "The event types it receives; null means all.",
    }),
    description: z.string().nullable().openapi({ example: "ERP order hold" }),
    createdAt: timestamp,
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpointSchema>;

const secret = z.string().openapi({
  description:
    "The signing secret (Standard Webhooks: `whsec_` and base64 key bytes). Shown only here, once.",
  example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
});

export const WebhookEndpointCreatedSchema = WebhookEndpointSchema.extend({ secret }).openapi(
  "WebhookEndpointCreated",
);

export const WebhookEndpointListSchema = z
  .object({ data: z.array(WebhookEndpointSchema) })
  .openapi("WebhookEndpointList");

export const RotatedSecretSchema = z.object({ secret }).openapi("RotatedSecret", {
  description: "The new secret; the previous one also signs deliveries for 24 hours.",
});

export const WebhookDeliveryStatusSchema = z
  .enum(["pending", "delivered", "failed"])
  .openapi("WebhookDeliveryStatus", {
    description:
      "`pending`: not delivered yet (its next attempt is due at `nextAttemptAt`); `delivered`: the endpoint answered 2xx; `failed`: every attempt of the retry schedule failed.",
  });

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ example: "whd_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    eventId: z.string().openapi({ example: "evt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    type: WebhookEventTypeSchema,
    status: WebhookDeliveryStatusSchema,
    attempts: z.number().int().openapi({ example: 1 }),
    lastStatusCode: z.number().int().nullable().openapi({ example: 200 }),
    lastError: z.string().nullable().openapi({ example: null }),
    nextAttemptAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .openapi("WebhookDelivery");
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveryListSchema = z
  .object({
    data: z.array(WebhookDeliverySchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("WebhookDeliveryList");

/** The body every delivery posts (signed with the Standard Webhooks headers). */
export const WebhookEventSchema = z
  .object({
    id: z.string().openapi({
      description: "The event id, also sent as `webhook-id`: the same on every retry.",
      example: "evt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R",
    }),
    type: WebhookEventTypeSchema,
    createdAt: timestamp,
    data: z
      .union([InterceptionSchema, ShipmentSchema, TicketSchema, ShipDateProposalSchema])
      .openapi({
        description:
          "The resource as `GET` returned it when the event happened: an Interception for `interception.*`, a Shipment for `shipment.*`, a Ticket for `ticket.*`, a ShipDateProposal for `proposal.*`.",
      }),
  })
  .openapi("WebhookEvent");
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;
