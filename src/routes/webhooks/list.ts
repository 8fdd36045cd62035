/** GET /v1/webhook-endpoints — the merchant's endpoints (not their secrets). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { WebhookEndpointListSchema } from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toWebhookEndpointResource } from "../../http/presenter.ts";

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints",
  operationId: "listWebhookEndpoints",
  summary: "List webhook endpoints",
  security: bearerSecurity,
  responses: {
    200: {
      description: "Every endpoint of the merchant, oldest first.",
      content: { "application/json": { schema: WebhookEndpointListSchema } },
    },
    ...problemResponses(401, 429, 500),
  },
});

export function registerListWebhookEndpoints(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const endpoints = await c.get("services").webhooks.listEndpoints(c.get("merchant").id);
    return c.json({ data: endpoints.map(toWebhookEndpointResource) }, 200);
  });
}
