/** POST /v1/shipments/{id}/ship — the tracking number is given: the gateway follows collection. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentSchema, ShipmentShipSchema } from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";
import { shipmentResource } from "./resource.ts";

const route = createRoute({
  method: "post",
  path: "/v1/shipments/{id}/ship",
  operationId: "shipShipment",
  summary: "Ship a shipment with a carrier's tracking number",
  description:
    "The parcel now belongs to the merchant (another merchant's parcel is refused as an " +
    "intercept of it is: 422 `not_eligible`, `unknown_parcel`). The gateway follows the " +
    "carrier's tracking until the parcel is collected, then `collected` with the carrier's scan " +
    "time and `shipment.collected`.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: { content: { "application/json": { schema: ShipmentShipSchema } }, required: true },
  },
  responses: {
    200: {
      description: "The shipment, now `shipped`.",
      content: { "application/json": { schema: ShipmentSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerShipShipment(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const services = c.get("services");
    const merchant = c.get("merchant");
    const shipment = await services.shipments.ship(
      merchant,
      c.req.valid("param").id,
      c.req.valid("json"),
      apiKeyActor(c.get("apiKeyId")),
    );
    return c.json(await shipmentResource(services, merchant.id, shipment), 200);
  });
}
