/**
 * The `Idempotency-Key` header of every idempotent create (API.md): required, 1–255 printable
 * ASCII characters. Optional to the route's schema only, so that a missing key answers
 * `idempotency_key_required` rather than `validation_failed`; the document marks it required.
 */
import { z } from "@hono/zod-openapi";
import { GatewayError } from "./problem.ts";

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({
      param: { required: true },
      description: "1–255 printable ASCII characters, e.g. a UUID.",
      example: "8e03978e-40d5-43e8-bc93-6894a57f9324",
    }),
});

/** The key, or the problem its absence or form is. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (!key) {
    throw new GatewayError(
      "idempotency_key_required",
      "Send an Idempotency-Key header (e.g. a UUID).",
    );
  }
  if (!idempotencyKeyPattern.test(key)) {
    throw new GatewayError(
      "validation_failed",
      "Idempotency-Key must be 1–255 printable ASCII characters.",
      { errors: [{ path: "Idempotency-Key", message: "1–255 printable ASCII characters" }] },
    );
  }
  return key;
}
