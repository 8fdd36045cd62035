/** GET /v1/shipments — the merchant's shipments, newest first, with a cursor. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipmentListQuerySchema, ShipmentListSchema } from "../../../contracts/shipments.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { shipmentResources } from "./resource.ts";

const route = createRoute({
  method: "get",
  path: "/v1/shipments",
  operationId: "listShipments",
  summary: "List shipments",
  description: "Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.",
  security: bearerSecurity,
  request: { query: ShipmentListQuerySchema },
  responses: {
    200: {
      description: "A page of shipments.",
      content: { "application/json": { schema: ShipmentListSchema } },
    },
    ...problemResponses(400, 401, 429, 500),
  },
});

export function registerListShipments(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    const services = c.get("services");
    const merchantId = c.get("merchant").id;
    const rows = await services.shipments.list(merchantId, filter, {
      limit: limit + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? (page.at(-1)?.id ?? null) : null;
    return c.json({ data: await shipmentResources(services, merchantId, page), nextCursor }, 200);
  });
}
