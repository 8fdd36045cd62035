/** GET /v1/webhook-endpoints/{id} — one endpoint of the merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { WebhookEndpointSchema } from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toWebhookEndpointResource } from "../../http/presenter.ts";
import { EndpointIdParamSchema } from "./params.ts";

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "getWebhookEndpoint",
  summary: "Read a webhook endpoint",
  security: bearerSecurity,
  request: { params: EndpointIdParamSchema },
  responses: {
    200: {
      description: "The endpoint.",
      content: { "application/json": { schema: WebhookEndpointSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerGetWebhookEndpoint(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const endpoint = await c
      .get("services")
      .webhooks.getEndpoint(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toWebhookEndpointResource(endpoint), 200);
  });
}
