/** POST /v1/shipments — register an order's shipping obligation. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentCreateSchema, ShipmentSchema } from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { IdempotencyKeyHeaderSchema, requireIdempotencyKey } from "../../http/idempotency-key.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { sendIdempotentAnswer } from "../../http/presenter.ts";

const route = createRoute({
  method: "post",
  path: "/v1/shipments",
  operationId: "createShipment",
  summary: "Register a paid order's shipping obligation",
  description:
    "Stores the shipment and schedules its `shipBy` deadline: not collected by then, the gateway " +
    "records it overdue and sends `shipment.overdue`. Idempotent per `Idempotency-Key`.",
  security: bearerSecurity,
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { content: { "application/json": { schema: ShipmentCreateSchema } }, required: true },
  },
  responses: {
    201: {
      description: "Stored, `awaiting_shipment`.",
      content: { "application/json": { schema: ShipmentSchema } },
    },
    ...problemResponses(400, 401, 409, 413, 415, 422, 429, 500),
  },
});

export function registerCreateShipment(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const key = requireIdempotencyKey(c.req.valid("header")["idempotency-key"]);
    const answer = await c.get("services").shipments.create(
      c.get("merchant"),
      key,
      c.req.valid("json"),
      // A shipment just registered has no ship-date proposals yet.
      (shipment) => ({ status: 201, body: JSON.stringify(toShipmentResource(shipment, [])) }),
      apiKeyActor(c.get("apiKeyId")),
    );
    return sendIdempotentAnswer(c, answer);
  });
}
