/**
 * Per-carrier interception rules. They are data: defaults below, overridable per carrier from
 * the configuration file, never branches in code.
 */
import { z } from "zod";
import { ActionSchema, MoneySchema } from "../../contracts/normalized.ts";

export const CarrierRulesSchema = z.object({
  /** The highest declared value carriers accept for interception (inclusive). */
  valueCeiling: MoneySchema,
  /** Declared-value currencies the carrier's rules are written in. */
  currencies: z.array(z.string().regex(/^[A-Z]{3}$/)).min(1),
  /**
   * Categories refused with `category_not_interceptable`, matched case-insensitively after
   * trimming. Seed 003 lists the goods that are hard to intercept: fresh goods spoil, virtual
   * goods have no parcel, jewellery and antiques are high-value, second-hand, tea, large
   * appliances, and custom-made goods that cannot be resold.
   */
  blockedCategories: z.array(z.string().min(1)),
  /** Actions the gateway offers for this carrier (within what the adapter supports). */
  actions: z.array(ActionSchema).min(1),
  /**
   * Redirects per order the platform pays for (seed 003: one), counted across the order's
   * parcels and carriers; later ones are paid by the merchant.
   */
  freeRedirectsPerOrder: z.number().int().min(0),
  /** When true, a redirect beyond the free ones is refused instead of charged. */
  refusePaidRedirects: z.boolean(),
  /** The carrier accepts one successful interception per parcel (SF Express's rule). */
  oneInterceptionPerParcel: z.boolean(),
  /** Destination countries the carrier intercepts in (ISO alpha-2); empty means any. */
  countries: z.array(z.string().regex(/^[A-Z]{2}$/)),
});
export type CarrierRules = z.infer<typeof CarrierRulesSchema>;

/**
 * The platform's defaults (seed 003: ≤ 1000 CNY; none of the eight categories of
 * "非生鲜、虚拟类目、珠宝、古董、二手、茶、大家电、定制类商品"; one free redirect per order).
 */
export const defaultCarrierRules: CarrierRules = {
  valueCeiling: { amount: "1000.00", currency: "CNY" },
  currencies: ["CNY"],
  blockedCategories: [
    "fresh",
    "virtual",
    "jewellery",
    "antiques",
    "second_hand",
    "tea",
    "large_appliance",
    "custom_made",
  ],
  actions: ["intercept", "redirect"],
  freeRedirectsPerOrder: 1,
  refusePaidRedirects: false,
  oneInterceptionPerParcel: false,
  countries: [],
};
