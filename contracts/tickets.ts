/**
 * The public Ticket resource (API.md "Shipments and shipping obligations"): what `GET
 * /v1/tickets/{id}` answers and what a `ticket.*` webhook event carries. The vocabulary is the
 * rules' own (src/domain/obligations/tickets.ts); times are ISO-8601 UTC, dates China time.
 */
import { z } from "@hono/zod-openapi";
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
