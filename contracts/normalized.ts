/**
 * The gateway's normalized vocabulary, shared by the public API and the carrier contract.
 * Values here are fixed by API.md.
 */
import { z } from "@hono/zod-openapi";

export const ActionSchema = z.enum(["intercept", "redirect"]).openapi("Action", {
  description: "`intercept` returns the parcel to the sender; `redirect` delivers it elsewhere.",
  example: "intercept",
});
export type Action = z.infer<typeof ActionSchema>;

export const ReasonSchema = z
  .enum(["buyer_cancelled", "merchant_error", "address_error", "logistics_exception", "other"])
  .openapi("Reason", {
    description: "Why the parcel must be stopped.",
    example: "buyer_cancelled",
  });
export type Reason = z.infer<typeof ReasonSchema>;

export const ParcelStateSchema = z
  .enum([
    "not_collected",
    "in_transit",
    "at_delivery_station",
    "out_for_delivery",
    "delivered",
    "returned",
    "unknown",
  ])
  .openapi("ParcelState", {
    description: "Where the parcel is, as the carrier's tracking reports it.",
    example: "in_transit",
  });
export type ParcelState = z.infer<typeof ParcelStateSchema>;

export const InterceptionStatusSchema = z
  .enum(["pending", "submitted", "succeeded", "failed", "cancelled", "locked", "released"])
  .openapi("InterceptionStatus", {
    description:
      "`pending`: stored, carrier not yet reached. `submitted`: carrier accepted, outcome not known. " +
      "`locked`: parcel not yet collected, held without a carrier call. `released`: a lock undone.",
    example: "submitted",
  });
export type InterceptionStatus = z.infer<typeof InterceptionStatusSchema>;

export const SuccessLikelihoodSchema = z.enum(["normal", "low"]).openapi("SuccessLikelihood", {
  description: "`low` when the parcel is already at the delivery station or out for delivery.",
  example: "normal",
});
export type SuccessLikelihood = z.infer<typeof SuccessLikelihoodSchema>;

export const PayerSchema = z
  .enum(["platform", "merchant", "none"])
  .openapi("Payer", { description: "Who pays for the interception.", example: "platform" });
export type Payer = z.infer<typeof PayerSchema>;

export const CostModeSchema = z
  .enum(["free_return", "collect_on_delivery", "free_redirect", "paid_redirect", "none"])
  .openapi("CostMode", {
    description:
      "`free_return`: the platform pickup service brings it back. `collect_on_delivery`: the " +
      "merchant pays freight on arrival. `free_redirect`: the first redirect of an order, " +
      "across its parcels and carriers. `paid_redirect`: any later redirect of the same order, " +
      "paid by the merchant (settled offline). `none`: nothing to pay (a lock, or a redirect " +
      "that failed or was withdrawn, which does not use the order's free one).",
    example: "free_return",
  });
export type CostMode = z.infer<typeof CostModeSchema>;

export const SettlementSchema = z.enum(["none", "offline"]).openapi("Settlement", {
  description:
    "`offline`: the merchant settles with the carrier outlet directly (e.g. freight collected " +
    "on delivery); `none`: nothing for the merchant to settle.",
  example: "none",
});
export type Settlement = z.infer<typeof SettlementSchema>;

export const MoneySchema = z
  .object({
    amount: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,2})?$/, "a decimal string with at most two decimals")
      .openapi({ description: "Decimal string, never a float.", example: "899.00" }),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code")
      .openapi({ description: "ISO 4217 currency code.", example: "CNY" }),
  })
  .openapi("Money");
export type Money = z.infer<typeof MoneySchema>;

export const AddressSchema = z
  .object({
    name: z.string().min(1).max(100).openapi({ example: "Li Lei" }),
    phone: z.string().min(3).max(30).openapi({ example: "+86 138 0013 8000" }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code")
      .openapi({ description: "ISO 3166-1 alpha-2.", example: "CN" }),
    province: z.string().max(100).optional().openapi({ example: "广东省" }),
    city: z.string().min(1).max(100).openapi({ example: "深圳市" }),
    district: z.string().max(100).optional().openapi({ example: "南山区" }),
    line1: z.string().min(1).max(200).openapi({ example: "科技园路 1 号" }),
    line2: z.string().max(200).optional().openapi({ example: "A 栋 1201" }),
    postalCode: z.string().max(20).optional().openapi({ example: "518057" }),
  })
  .openapi("Address", { description: "Where a redirected parcel should go." });
export type Address = z.infer<typeof AddressSchema>;
