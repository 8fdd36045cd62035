/**
 * The public Ticket resource (API.md "Shipments and shipping obligations"): what `GET
 * /v1/tickets/{id}` answers and what a `ticket.*` webhook event carries. The vocabulary is the
 * rules' own (src/domain/obligations/tickets.ts); times are ISO-8601 UTC, dates China time.
 */
import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "./costs.ts";
import { EventActorSchema } from "./interception.ts";
import { MoneySchema } from "./normalized.ts";

const timestamp = z.string().openapi({ example: "2026-12-01T08:00:00.000Z" });
const chinaDate = z.string().openapi({ example: "2026-12-05" });

export const TicketTypeSchema = z
  .enum(["urge_collection", "urge_shipment"])
  .openapi("TicketType", { example: "urge_shipment" });

export const TicketStatusSchema = z
  .enum([
    "awaiting_merchant",
    "awaiting_buyer",
    "awaiting_shipment",
    "under_review",
    "resolved",
    "overdue",
  ])
  .openapi("TicketStatus", { example: "awaiting_merchant" });

const reason = z.string().openapi({ example: "out_of_stock" });

export const TicketReplySchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("changed_waybill"),
      at: timestamp,
      message: z.string(),
      trackingNumber: z.string(),
    }),
    z.object({ kind: z.enum(["contacted_buyer", "other"]), at: timestamp, message: z.string() }),
    z.object({ kind: z.literal("ship_later"), at: timestamp, reason, shipDate: chinaDate }),
    z.object({ kind: z.literal("cannot_ship"), at: timestamp, reason }),
    z.object({ kind: z.literal("shipped"), at: timestamp }),
  ])
  .openapi("TicketReply");

export const TicketEventSchema = z
  .object({
    at: timestamp,
    type: z.enum([
      "opened",
      "replied",
      "buyer_accepted",
      "buyer_rejected",
      "accepted_by_silence",
      "second_chance",
      "overdue",
      "resolved",
    ]),
    status: TicketStatusSchema,
    detail: z.string().openapi({ example: "The merchant replied ship_later." }),
    actor: EventActorSchema,
  })
  .openapi("TicketEvent");

export const TicketSchema = z
  .object({
    id: z.string().openapi({ example: "tkt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    shipmentId: z.string().openapi({ example: "shp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    type: TicketTypeSchema,
    status: TicketStatusSchema,
    openedAt: timestamp,
    dueAt: timestamp.openapi({ description: "The merchant's deadline: `openedAt` + 24 h." }),
    resolution: z.enum(["collected", "refunded", "replied", "compensated"]).nullable(),
    replies: z.array(TicketReplySchema),
    buyerAnswer: z
      .object({ accepted: z.boolean(), at: timestamp, bySilence: z.boolean() })
      .nullable()
      .openapi({ description: "The buyer's answer to `ship_later`; silence counts as accepted." }),
    secondChance: z
      .discriminatedUnion("kind", [
        z.object({ kind: z.literal("compensate"), at: timestamp, amount: MoneySchema }),
        z.object({ kind: z.literal("buyer_caused"), at: timestamp, evidence: z.string() }),
      ])
      .nullable(),
    events: z.array(TicketEventSchema),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Ticket");
export type Ticket = z.infer<typeof TicketSchema>;

export const TicketOpenSchema = z
  .strictObject({
    type: TicketTypeSchema,
    openedAt: TimestampSchema.optional().openapi({
      description:
        "When the buyer urged (the storefront may relay it late); now if absent. Not in the future: a time already past is acted on at once (its 24 h may have run out).",
    }),
  })
  .openapi("TicketOpen");
export type TicketOpen = z.infer<typeof TicketOpenSchema>;

const message = z.string().min(1).max(2000).openapi({ example: "Re-sent with a new waybill." });
const replyReason = z.string().min(1).max(50).openapi({
  description:
    "One of the configured reasons: `out_of_stock`, `production_delay`, `logistics_delay`, `buyer_requested`, `address_problem`, `other` by default (422 otherwise).",
  example: "out_of_stock",
});

export const TicketReplyRequestSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("changed_waybill"),
      message,
      trackingNumber: z.string().min(1).max(64).openapi({
        description: "The new waybill: the shipment follows it from now on.",
        example: "SF1400000000002",
      }),
    }),
    z.strictObject({ kind: z.enum(["contacted_buyer", "other"]), message }),
    z.strictObject({
      kind: z.literal("ship_later"),
      reason: replyReason,
      shipDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")
        .openapi({
          description:
            "China time; at most 30 days after the reply (15 for `fresh`), else 422 `validation_failed`.",
          example: "2026-12-20",
        }),
    }),
    z.strictObject({ kind: z.literal("cannot_ship"), reason: replyReason }),
    z.strictObject({ kind: z.literal("shipped") }),
  ])
  .openapi("TicketReplyRequest", {
    description:
      "`urge_collection` takes `changed_waybill`, `contacted_buyer` or `other` (each resolves it, `replied`); `urge_shipment` takes `ship_later`, `cannot_ship` or `shipped` (422 for a kind the ticket's type does not take).",
  });
export type TicketReplyRequest = z.infer<typeof TicketReplyRequestSchema>;

export const TicketBuyerResponseSchema = z
  .strictObject({
    accepted: z.boolean().openapi({
      description: "The buyer accepts the later ship date, or rejects it (overdue).",
      example: true,
    }),
  })
  .openapi("TicketBuyerResponse");

export const TicketSecondChanceSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("compensate"),
      amount: MoneySchema.openapi({ description: "Paid to the buyer; more than zero." }),
    }),
    z.strictObject({
      kind: z.literal("buyer_caused"),
      evidence: z.string().min(1).max(5000).openapi({
        description: "Free text, may hold links: the platform reviews it.",
        example: "Buyer asked to hold the order: https://example.com/chat/123",
      }),
    }),
  ])
  .openapi("TicketSecondChance");
export type TicketSecondChance = z.infer<typeof TicketSecondChanceSchema>;

export const TicketListSchema = z
  .object({
    data: z.array(TicketSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("TicketList");

export const TicketListQuerySchema = z.object({
  status: TicketStatusSchema.optional(),
  type: TicketTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().min(1).max(64).optional(),
});
