/** GET /v1/shipments/{id} — one shipment of the calling merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentSchema } from "../../../contracts/shipments.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";
import { shipmentResource } from "./resource.ts";

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
    const services = c.get("services");
    const merchantId = c.get("merchant").id;
    const shipment = await services.shipments.get(merchantId, c.req.valid("param").id);
    return c.json(await shipmentResource(services, merchantId, shipment), 200);
  });
}
