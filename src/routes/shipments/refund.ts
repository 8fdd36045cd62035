/** POST /v1/shipments/{id}/refund — the order was refunded: nothing more is owed. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentRefundSchema, ShipmentSchema } from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";
import { shipmentResource } from "./resource.ts";

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
    const services = c.get("services");
    const merchant = c.get("merchant");
    const shipment = await services.shipments.refund(
      merchant,
      c.req.valid("param").id,
      c.req.valid("json"),
      apiKeyActor(c.get("apiKeyId")),
    );
    return c.json(await shipmentResource(services, merchant.id, shipment), 200);
  });
}
