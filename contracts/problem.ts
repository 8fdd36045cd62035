/**
 * The one HTTP error model (RFC 9457 problem+json). Codes are fixed by API.md; the status of
 * each code lives in one exhaustive map.
 */
import { z } from "@hono/zod-openapi";

export const errorCodes = [
  "unauthorized",
  "validation_failed",
  "not_found",
  "idempotency_key_required",
  "idempotency_key_reused",
  "request_in_progress",
  "unknown_carrier",
  "not_eligible",
  "action_not_supported",
  "invalid_transition",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const statusOfErrorCode = {
  unauthorized: 401,
  validation_failed: 400,
  not_found: 404,
  idempotency_key_required: 400,
  idempotency_key_reused: 422,
  request_in_progress: 409,
  unknown_carrier: 400,
  not_eligible: 422,
  action_not_supported: 422,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;

export const titleOfErrorCode: Record<ErrorCode, string> = {
  unauthorized: "Missing or invalid credentials",
  validation_failed: "The request is not valid",
  not_found: "No such resource",
  idempotency_key_required: "An Idempotency-Key header is required",
  idempotency_key_reused: "This Idempotency-Key was used with a different request",
  request_in_progress: "A request with this Idempotency-Key is still being processed",
  unknown_carrier: "The gateway has no adapter for this carrier",
  not_eligible: "The parcel cannot be intercepted",
  action_not_supported: "The carrier does not support this action",
  invalid_transition: "The record cannot change that way in its current state",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be JSON",
  rate_limited: "Too many requests",
  internal: "Internal error",
};

/**
 * The shipping-obligation rules that refuse an act because of the records' state (API.md
 * "Shipments and shipping obligations": 409 `invalid_transition` with a `reasons` entry naming
 * the rule). src/domain/obligations/decision.ts names its rules from this list.
 */
export const obligationRefusalCodes = [
  "shipment_not_shipped",
  "shipment_not_awaiting_shipment",
  "ticket_already_open",
  "after_urge_shipment",
  "reply_window_closed",
  "ticket_not_awaiting_reply",
  "ticket_not_awaiting_buyer",
  "answer_window_closed",
  "second_chance_needs_ship_later",
  "ticket_closed",
  "ship_by_passed",
  "proposal_limit_reached",
  "proposal_already_accepted",
  "proposal_pending",
  "proposal_expired",
  "proposal_already_answered",
] as const;

export const EligibilityReasonCodeSchema = z
  .enum([
    "already_delivered",
    "value_above_limit",
    "currency_not_supported",
    "category_not_interceptable",
    "action_not_supported",
    "free_redirect_used",
    "already_intercepted",
    "unknown_parcel",
    "country_not_supported",
    "wrong_status",
    ...obligationRefusalCodes,
  ])
  .openapi("EligibilityReasonCode", { example: "value_above_limit" });
export type EligibilityReasonCode = z.infer<typeof EligibilityReasonCodeSchema>;

export const EligibilityReasonSchema = z
  .object({
    code: EligibilityReasonCodeSchema,
    message: z.string().openapi({ example: "Declared value 1200.00 CNY is above 1000.00 CNY." }),
  })
  .openapi("EligibilityReason");
export type EligibilityReason = z.infer<typeof EligibilityReasonSchema>;

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: "shipDate" }),
    message: z.string().openapi({ example: "shipDate is more than 30 days after the reply." }),
  })
  .openapi("FieldError");
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:interception-gateway:problem:not_found" }),
    title: z.string().openapi({ example: "No such resource" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "No interception icp_01J… for this merchant." }),
    code: z.enum(errorCodes).openapi({ example: "not_found" }),
    requestId: z.string().openapi({ example: "3f0c…" }),
    errors: z
      .array(FieldErrorSchema)
      .optional()
      .openapi({ description: "One entry per invalid field, for `validation_failed`." }),
    reasons: z.array(EligibilityReasonSchema).optional().openapi({
      description:
        "Every rule that refused the request, for `not_eligible` and `invalid_transition`.",
    }),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;
