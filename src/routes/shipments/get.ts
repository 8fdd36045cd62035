/** GET /v1/shipments/{id} — one shipment of the calling merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentSchema } from "../../../contracts/shipments.ts";
import { toShipmentResource } from "../../domain/shipment-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/shipments/{id}",
  operationId: "getShipment",
  summary: "Read one shipment, with its history",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The shipment.",
      content: { "application/json": { schema: ShipmentSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerGetShipment(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const shipment = await c
      .get("services")
      .shipments.get(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toShipmentResource(shipment), 200);
  });
}
