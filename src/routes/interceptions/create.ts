/** POST /v1/interceptions — the single intercept endpoint. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { InterceptionRequestSchema, InterceptionSchema } from "../../../contracts/interception.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { interceptAnswer, sendIdempotentAnswer } from "../../http/presenter.ts";
import { GatewayError } from "../../http/problem.ts";

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

const route = createRoute({
  method: "post",
  path: "/v1/interceptions",
  operationId: "createInterception",
  summary: "Stop or reroute a parcel",
  description:
    "Checks eligibility against the carrier's tracking and rules, then locks the order (not yet " +
    "collected) or asks the carrier to intercept or redirect it. Idempotent per `Idempotency-Key`.",
  security: bearerSecurity,
  request: {
    headers: z.object({
      // Optional to the schema only, so that a missing key answers `idempotency_key_required`
      // (API.md) rather than `validation_failed`; the document marks it required.
      "idempotency-key": z
        .string()
        .optional()
        .openapi({
          param: { required: true },
          description: "1–255 printable ASCII characters, e.g. a UUID.",
          example: "8e03978e-40d5-43e8-bc93-6894a57f9324",
        }),
    }),
    body: {
      content: { "application/json": { schema: InterceptionRequestSchema } },
      required: true,
    },
  },
  responses: {
    201: {
      description: "Accepted and stored (the interception may still be `pending`).",
      content: { "application/json": { schema: InterceptionSchema } },
    },
    ...problemResponses(400, 401, 409, 413, 415, 422, 429, 500),
  },
});

export function registerCreateInterception(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const key = c.req.valid("header")["idempotency-key"];
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
        {
          errors: [{ path: "Idempotency-Key", message: "1–255 printable ASCII characters" }],
        },
      );
    }
    const requestId = c.get("requestId");
    const answer = await c
      .get("services")
      .interceptions.create(
        c.get("merchant"),
        key,
        c.req.valid("json"),
        (result) => interceptAnswer(result, requestId),
        apiKeyActor(c.get("apiKeyId")),
      );
    return sendIdempotentAnswer(c, answer);
  });
}
