/** Bulk release of locks (API.md "Costs and bulk release"). */
import { z } from "@hono/zod-openapi";
import { TimestampSchema } from "./costs.ts";

/** How many order ids one request may name. */
export const maxReleaseOrderIds = 100;

export const ReleaseRequestSchema = z
  .strictObject({
    orderIds: z
      .array(z.string().min(1).max(128))
      .min(1)
      .max(maxReleaseOrderIds)
      .optional()
      .openapi({
        description: `Release the locks of these orders (at most ${maxReleaseOrderIds}).`,
        example: ["ORD-20261121-0001"],
      }),
    lockedBefore: TimestampSchema.optional().openapi({
      description:
        "Release the locks taken before this time (when the interception became locked).",
      example: "2026-11-20T00:00:00Z",
    }),
  })
  .refine((request) => request.orderIds !== undefined || request.lockedBefore !== undefined, {
    message: "give orderIds, lockedBefore, or both",
  })
  .openapi("ReleaseRequest", {
    description: "Which locks to release; given both, a lock must match both.",
  });
export type ReleaseRequest = z.infer<typeof ReleaseRequestSchema>;

export const ReleaseResultSchema = z
  .object({
    released: z.array(z.string()).openapi({
      description: "The interceptions released by this call, now `released`.",
      example: ["icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R"],
    }),
    skipped: z
      .array(
        z.object({
          id: z.string().openapi({ example: "icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1S" }),
          code: z.string().openapi({
            description: "The code the same interception's cancel would answer with.",
            example: "invalid_transition",
          }),
          reason: z.string().openapi({
            example: "The interception is failed, no longer locked.",
          }),
        }),
      )
      .openapi({ description: "Matched locks that could not be released now, and why." }),
    more: z.boolean().openapi({
      description: "True when more locks matched than one call handles: call again for the rest.",
      example: false,
    }),
  })
  .openapi("ReleaseResult");
export type ReleaseResult = z.infer<typeof ReleaseResultSchema>;
