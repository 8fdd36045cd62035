/**
 * Public schemas of shipments (API.md "Shipments and shipping obligations"): registering an
 * order's shipping obligation, shipping it, refunding it, and the Shipment resource. Times are
 * ISO-8601 UTC on the wire.
 */
import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "./costs.ts";
import { EventActorSchema, ItemSchema } from "./interception.ts";

const timestamp = z.string().openapi({ example: "2026-12-01T08:00:00.000Z" });

export const ShipmentStatusSchema = z
  .enum(["awaiting_shipment", "shipped", "collected", "refunded"])
  .openapi("ShipmentStatus", {
    description:
      "`awaiting_shipment`: paid, no tracking number yet. `shipped`: tracking number given, not yet collected. `collected`: the carrier scanned the parcel in. `refunded`: the order was refunded.",
    example: "shipped",
  });

export const ShipmentCreateSchema = z
  .strictObject({
    orderId: z.string().min(1).max(128).openapi({ example: "ORD-20261201-0001" }),
    category: z.string().trim().min(1).max(50).openapi({
      description: "The goods' category; `fresh` has the shorter ship-later limit.",
      example: "apparel",
    }),
    paidAt: TimestampSchema.openapi({ description: "When the buyer paid." }),
    shipBy: TimestampSchema.openapi({
      description:
        "The platform's deadline to ship (have the parcel collected), as the storefront computed it; after `paidAt`.",
    }),
    items: z.array(ItemSchema).max(200).optional(),
  })
  .openapi("ShipmentCreate");
export type ShipmentCreate = z.infer<typeof ShipmentCreateSchema>;

export const ShipmentShipSchema = z
  .strictObject({
    carrier: z.string().min(1).max(32).openapi({ example: "sf-express" }),
    trackingNumber: z.string().min(1).max(64).openapi({ example: "SF1400000000001" }),
    shippedAt: TimestampSchema.optional().openapi({
      description:
        "When it was handed over; now if absent. Not before `paidAt`, not in the future.",
    }),
  })
  .openapi("ShipmentShip");
export type ShipmentShip = z.infer<typeof ShipmentShipSchema>;

export const ShipmentRefundSchema = z
  .strictObject({
    refundedAt: TimestampSchema.optional().openapi({
      description: "When the order was refunded; now if absent. Not in the future.",
    }),
  })
  .openapi("ShipmentRefund");
export type ShipmentRefund = z.infer<typeof ShipmentRefundSchema>;

export const ShipDateProposalCreateSchema = z
  .strictObject({
    shipDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "A date, YYYY-MM-DD.")
      .openapi({
        description:
          "The date the merchant proposes to ship by, China time (`YYYY-MM-DD`): a real calendar date, today or later. Accepted, the shipment's `shipBy` becomes its 23:59:59 China time.",
        example: "2026-12-05",
      }),
  })
  .openapi("ShipDateProposalCreate");
export type ShipDateProposalCreate = z.infer<typeof ShipDateProposalCreateSchema>;

export const ShipmentEventTypeSchema = z
  .enum(["created", "shipped", "collected", "refunded", "overdue"])
  .openapi("ShipmentEventType", { example: "collected" });

export const ShipmentEventSchema = z
  .object({
    at: timestamp,
    type: ShipmentEventTypeSchema,
    detail: z.string().openapi({ example: "Collected by the carrier." }),
    actor: EventActorSchema,
  })
  .openapi("ShipmentEvent");

export const ShipDateProposalSchema = z
  .object({
    id: z.string().openapi({ example: "sdp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    status: z.enum(["awaiting_buyer", "accepted", "rejected", "expired"]).openapi({
      description:
        "`awaiting_buyer` until the buyer answers; `expired` once `expiresAt` passed unanswered (the original `shipBy` stands).",
      example: "awaiting_buyer",
    }),
    shipDate: z.string().openapi({ description: "China time.", example: "2026-12-05" }),
    proposedAt: timestamp,
    expiresAt: timestamp.openapi({
      description: "The earlier of `proposedAt` + 24 h and the shipment's `shipBy` then.",
    }),
  })
  .openapi("ShipDateProposal");
export type ShipDateProposal = z.infer<typeof ShipDateProposalSchema>;

export const ShipmentSchema = z
  .object({
    id: z.string().openapi({ example: "shp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    orderId: z.string().openapi({ example: "ORD-20261201-0001" }),
    category: z.string().openapi({ example: "apparel" }),
    items: z.array(ItemSchema),
    status: ShipmentStatusSchema,
    paidAt: timestamp,
    shipBy: timestamp,
    collectBy: timestamp.nullable().openapi({
      description: "Collection due after shipping (an urge-shipment ticket sets it); else null.",
    }),
    carrier: z.string().nullable().openapi({ example: "sf-express" }),
    trackingNumber: z.string().nullable().openapi({ example: "SF1400000000001" }),
    shippedAt: timestamp.nullable(),
    collectedAt: timestamp.nullable().openapi({ description: "The carrier's scan time." }),
    refundedAt: timestamp.nullable(),
    overdue: z.boolean().openapi({
      description: "True once `shipBy` passed without the parcel collected.",
    }),
    proposals: z.array(ShipDateProposalSchema),
    events: z.array(ShipmentEventSchema),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi("Shipment");
export type Shipment = z.infer<typeof ShipmentSchema>;

export const ShipmentListSchema = z
  .object({
    data: z.array(ShipmentSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("ShipmentList");

export const ShipmentListQuerySchema = z.object({
  orderId: z.string().min(1).max(128).optional(),
  status: ShipmentStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().min(1).max(64).optional(),
});
