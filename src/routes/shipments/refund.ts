/** POST /v1/shipments/{id}/refund — the order was refunded: nothing more is owed. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentRefundSchema, ShipmentSchema } from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/shipments/{id}/refund",
  operationId: "refundShipment",
  summary: "Record that the order was refunded",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: { content: { "application/json": { schema: ShipmentRefundSchema } }, required: true },
  },
  responses: {
    200: {
      description: "The shipment, now `refunded`.",
      content: { "application/json": { schema: ShipmentSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerRefundShipment(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const shipment = await c
      .get("services")
      .shipments.refund(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toShipmentResource(shipment), 200);
  });
}
