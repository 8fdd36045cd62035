/** Public schemas of the carrier listing and the merchant admin API. */
import { z } from "@hono/zod-openapi";
import { ActionSchema, MoneySchema } from "./normalized.ts";

export const CarrierInfoSchema = z
  .object({
    id: z.string().openapi({ example: "sf-express" }),
    displayName: z.string().openapi({ example: "SF Express" }),
    mode: z
      .enum(["live", "sandbox"])
      .openapi({ description: "`sandbox` when no credentials are set." }),
    actions: z.array(ActionSchema),
    capabilities: z.object({
      cancel: z.boolean(),
      outcome: z.enum(["push", "poll"]),
      feeQuote: z.boolean(),
      pickupCancel: z
        .boolean()
        .openapi({ description: "Cancels the pickup of a locked parcel it has not collected." }),
    }),
    rules: z.object({
      valueCeiling: MoneySchema,
      currencies: z.array(z.string()),
      blockedCategories: z.array(z.string()),
      freeRedirectsPerOrder: z.number().int(),
      refusePaidRedirects: z.boolean(),
      oneInterceptionPerParcel: z.boolean(),
      countries: z.array(z.string()).openapi({ description: "Destination countries; empty: any." }),
    }),
    circuitState: z.enum(["closed", "open", "half_open"]),
  })
  .openapi("Carrier");

export const CarrierListSchema = z
  .object({ data: z.array(CarrierInfoSchema) })
  .openapi("CarrierList");

export const CreateMerchantSchema = z
  .strictObject({
    name: z.string().min(1).max(200).openapi({ example: "Tea House Hangzhou" }),
    pickupService: z.boolean().openapi({
      description: "Uses the platform's door-to-door pickup service (free returns).",
      example: true,
    }),
  })
  .openapi("CreateMerchant");

export const CreatedMerchantSchema = z
  .object({
    id: z.string().openapi({ example: "mer_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
    name: z.string(),
    pickupService: z.boolean(),
    apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored." }),
    keyId: z.string().openapi({ example: "igk_3f9a0c1d2e4b5a6f" }),
  })
  .openapi("CreatedMerchant");

export const IssuedKeySchema = z
  .object({
    apiKey: z.string().openapi({ description: "Shown this once; only its hash is stored." }),
    keyId: z.string().openapi({ example: "igk_3f9a0c1d2e4b5a6f" }),
  })
  .openapi("IssuedKey");
