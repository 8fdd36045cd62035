/** POST /v1/interceptions — the single intercept endpoint. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { InterceptionRequestSchema, InterceptionSchema } from "../../../contracts/interception.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { AppEnv } from "../../http/env.ts";
import { IdempotencyKeyHeaderSchema, requireIdempotencyKey } from "../../http/idempotency-key.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { interceptAnswer, sendIdempotentAnswer } from "../../http/presenter.ts";

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
    headers: IdempotencyKeyHeaderSchema,
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
    const key = requireIdempotencyKey(c.req.valid("header")["idempotency-key"]);
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
