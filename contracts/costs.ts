/**
 * The cost ledger's query and answer (API.md "Costs and bulk release"), and the timestamp format
 * its period is given in.
 */
import { z } from "@hono/zod-openapi";
import { CostModeSchema, MoneySchema, PayerSchema } from "./normalized.ts";

/** An ISO-8601 date-time with `Z` or an offset; read as the instant it names. */
export const TimestampSchema = z.iso
  .datetime({ offset: true, message: "an ISO-8601 date-time with Z or an offset" })
  .openapi({ example: "2026-11-01T00:00:00Z" });

export const CostDimensionSchema = z.enum(["carrier", "payer", "mode"]).openapi("CostDimension", {
  description: "What the ledger can group by.",
  example: "carrier",
});
export type CostDimension = z.infer<typeof CostDimensionSchema>;

/** `carrier,payer` → ["carrier", "payer"]: each known, none twice. */
const GroupBySchema = z
  .string()
  .max(100)
  .transform((text, ctx) => {
    const names = text.split(",");
    const dimensions: CostDimension[] = [];
    for (const name of names) {
      const parsed = CostDimensionSchema.safeParse(name);
      if (!parsed.success) {
        ctx.addIssue({
          code: "custom",
          message: `"${name}" is not one of carrier, payer, mode`,
        });
        return z.NEVER;
      }
      if (dimensions.includes(parsed.data)) {
        ctx.addIssue({ code: "custom", message: `"${name}" is given twice` });
        return z.NEVER;
      }
      dimensions.push(parsed.data);
    }
    return dimensions;
  })
  .openapi({
    type: "string",
    description:
      "Comma-separated, any of `carrier`, `payer`, `mode`, each at most once, in any order (the " +
      "order of the rows and of the CSV columns). Absent: one row for the whole period.",
    example: "carrier,payer",
  });

export const CostLedgerQuerySchema = z
  .object({
    from: TimestampSchema.openapi({
      description: "Start of the period, included: interceptions created at or after it.",
      example: "2026-11-01T00:00:00Z",
    }),
    to: TimestampSchema.openapi({
      description: "End of the period, excluded: interceptions created before it.",
      example: "2026-12-01T00:00:00Z",
    }),
    groupBy: GroupBySchema.optional(),
  })
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), {
    path: ["to"],
    message: "must be later than the start of the period (`from`)",
  });

export const CostLedgerRowSchema = z
  .object({
    carrier: z.string().optional().openapi({ example: "sf-express" }),
    payer: PayerSchema.optional(),
    mode: CostModeSchema.optional(),
    count: z.number().int().openapi({ description: "Interceptions in the group.", example: 3 }),
    quoted: z.array(MoneySchema).openapi({
      description: "The fees carriers quoted, summed per currency (one entry per currency).",
    }),
    final: z.array(MoneySchema).openapi({
      description:
        "The fees carriers reported at the end, summed per currency. An interception without a " +
        "final fee yet adds nothing here (its quote is not counted as final).",
    }),
  })
  .openapi("CostLedgerRow", {
    description: "One group: only the dimensions grouped by are present.",
  });

export const CostLedgerSchema = z
  .object({
    from: z.string().openapi({
      description: "The period's start, in UTC.",
      example: "2026-11-01T00:00:00.000Z",
    }),
    to: z
      .string()
      .openapi({ description: "The period's end, in UTC.", example: "2026-12-01T00:00:00.000Z" }),
    groupBy: z.array(CostDimensionSchema),
    data: z.array(CostLedgerRowSchema),
  })
  .openapi("CostLedger", {
    description:
      "The merchant's interceptions created in [from, to), counted and their fees summed per group and currency.",
  });
export type CostLedger = z.infer<typeof CostLedgerSchema>;
