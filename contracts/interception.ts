/**
 * Public request and resource schemas of the interception API (API.md). The OpenAPI document is
 * generated from these, so they are the documentation.
 */
import { z } from "@hono/zod-openapi";
import {
  ActionSchema,
  AddressSchema,
  CostModeSchema,
  InterceptionStatusSchema,
  MoneySchema,
  ParcelStateSchema,
  PayerSchema,
  ReasonSchema,
  SettlementSchema,
  SuccessLikelihoodSchema,
} from "./normalized.ts";
import { EligibilityReasonSchema } from "./problem.ts";

export const ItemSchema = z
  .object({
    subOrderId: z.string().min(1).max(128).openapi({ example: "SUB-1" }),
    quantity: z.number().int().min(1).max(100_000).openapi({ example: 1 }),
  })
  .openapi("Item", { description: "A sub-order to intercept; absent items mean the whole order." });
export type Item = z.infer<typeof ItemSchema>;

export const ParcelSchema = z
  .object({
    declaredValue: MoneySchema,
    category: z.string().min(1).max(50).openapi({
      description:
        "Matched case-insensitively after trimming against the carrier's rules: by default `fresh`, `virtual`, `jewellery`, `antiques`, `second_hand`, `tea`, `large_appliance` and `custom_made` cannot be intercepted; any other name (`general`, `apparel`, ...) can.",
      example: "apparel",
    }),
  })
  .openapi("Parcel");

export const InterceptionRequestSchema = z
  .strictObject({
    carrier: z.string().min(1).max(50).openapi({ example: "sf-express" }),
    trackingNumber: z
      .string()
      .regex(/^[A-Za-z0-9-]{4,40}$/, "4 to 40 letters, digits or dashes")
      .openapi({ example: "SF1400000000001" }),
    orderId: z.string().min(1).max(128).openapi({ example: "ORD-20261121-0001" }),
    action: ActionSchema,
    reason: ReasonSchema,
    items: z.array(ItemSchema).max(200).optional(),
    parcel: ParcelSchema,
    redirectTo: AddressSchema.nullable()
      .optional()
      .openapi({ description: "Required for `redirect`, forbidden otherwise." }),
    note: z.string().max(500).optional().openapi({ example: "Buyer cancelled by phone." }),
  })
  .superRefine((request, ctx) => {
    if (request.action === "redirect" && !request.redirectTo) {
      ctx.addIssue({ code: "custom", path: ["redirectTo"], message: "required for redirect" });
    }
    if (request.action !== "redirect" && request.redirectTo) {
      ctx.addIssue({ code: "custom", path: ["redirectTo"], message: "only allowed for redirect" });
    }
  })
  .openapi("InterceptionRequest");
export type InterceptionRequest = z.infer<typeof InterceptionRequestSchema>;

export const CostSchema = z
  .object({
    payer: PayerSchema,
    mode: CostModeSchema,
    // A union, not `.nullable()`: on a named schema that makes the document say
    // `allOf: [Money, object|null]`, which is never null, and typed clients read it so.
    quoted: z.union([MoneySchema, z.null()]).openapi({ description: "A fee the carrier quoted." }),
    final: z
      .union([MoneySchema, z.null()])
      .openapi({ description: "The fee the carrier finally reported." }),
    settlement: SettlementSchema,
  })
  .openapi("Cost");
export type Cost = z.infer<typeof CostSchema>;

export const FailureSchema = z
  .object({
    code: z.string().openapi({ example: "carrier_rejected" }),
    message: z.string().openapi({ example: "The carrier could not stop the parcel." }),
    advice: z
      .string()
      .openapi({ example: "Ask the buyer to refuse delivery, then process the return." }),
  })
  .openapi("Failure");
export type Failure = z.infer<typeof FailureSchema>;

export const EventActorSchema = z
  .object({
    type: z.enum(["api_key", "carrier", "gateway"]).openapi({
      description:
        "`api_key`: a merchant's request (`id` is the key's visible id); `carrier`: a carrier's push, reply or tracking (`id` is the carrier); `gateway`: the gateway's own scheduler or worker (a timeout, giving up; `id` is null).",
      example: "api_key",
    }),
    id: z.string().nullable().openapi({ example: "igk_5e8f8318ac9c6df1" }),
  })
  .openapi("EventActor", { description: "Who caused an event." });
export type EventActor = z.infer<typeof EventActorSchema>;

export const InterceptionEventSchema = z
  .object({
    at: z.string().openapi({ example: "2026-11-21T08:00:00.000Z" }),
    status: InterceptionStatusSchema,
    detail: z.string().openapi({ example: "Accepted by the carrier." }),
    actor: EventActorSchema,
  })
  .openapi("InterceptionEvent");
export type InterceptionEvent = z.infer<typeof InterceptionEventSchema>;

export const InterceptionSchema = z
  .object({
    id: z.string().openapi({ example: "icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    carrier: z.string().openapi({ example: "sf-express" }),
    trackingNumber: z.string().openapi({ example: "SF1400000000001" }),
    orderId: z.string().openapi({ example: "ORD-20261121-0001" }),
    action: ActionSchema,
    reason: ReasonSchema,
    items: z.array(ItemSchema),
    parcel: ParcelSchema,
    redirectTo: AddressSchema.nullable(),
    note: z.string().nullable(),
    status: InterceptionStatusSchema,
    parcelState: ParcelStateSchema,
    successLikelihood: SuccessLikelihoodSchema,
    carrierReference: z.string().nullable().openapi({ example: "icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    cost: CostSchema,
    failure: FailureSchema.nullable(),
    events: z.array(InterceptionEventSchema),
    createdAt: z.string().openapi({ example: "2026-11-21T08:00:00.000Z" }),
    updatedAt: z.string().openapi({ example: "2026-11-21T08:00:01.000Z" }),
  })
  .openapi("Interception");
export type Interception = z.infer<typeof InterceptionSchema>;

export const InterceptionListSchema = z
  .object({
    data: z.array(InterceptionSchema),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("InterceptionList");

export const InterceptionListQuerySchema = z.object({
  orderId: z.string().max(128).optional(),
  trackingNumber: z.string().max(40).optional(),
  status: InterceptionStatusSchema.optional(),
  carrier: z.string().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(200).optional(),
});

export const EligibilityResultSchema = z
  .object({
    eligible: z.boolean(),
    reasons: z.array(EligibilityReasonSchema),
    parcelState: ParcelStateSchema,
    successLikelihood: SuccessLikelihoodSchema,
    cost: CostSchema,
  })
  .openapi("EligibilityResult");
export type EligibilityResult = z.infer<typeof EligibilityResultSchema>;
