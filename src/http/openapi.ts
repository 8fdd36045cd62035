/** Shared OpenAPI pieces: problem responses spread into every route, and the auth headers. */
import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "../../contracts/problem.ts";

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

/** Problem responses, by status, to spread into a route's `responses`. */
export function problemResponses<const S extends number>(...statuses: S[]) {
  const descriptions: Record<number, string> = {
    400: "Malformed request (`validation_failed`, `idempotency_key_required`, `unknown_carrier`).",
    401: "Missing, unknown or revoked API key (`unauthorized`).",
    404: "No such resource for this merchant (`not_found`).",
    409: "Conflict (`request_in_progress`, `invalid_transition`).",
    413: "Body over the size limit (`payload_too_large`).",
    415: "The body is not sent as `application/json` (`unsupported_media_type`).",
    422: "Refused (`not_eligible`, `idempotency_key_reused`, `action_not_supported`).",
    429: "Too many requests (`rate_limited`).",
    500: "Internal error (`internal`).",
  };
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: descriptions[status] ?? "Error", content: problemContent },
    ]),
  ) as Record<S, { description: string; content: typeof problemContent }>;
}

export const bearerSecurity = [{ apiKey: [] as string[] }];

export const IdParamSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "icp_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
});
