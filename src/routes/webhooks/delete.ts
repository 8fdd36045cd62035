/** DELETE /v1/webhook-endpoints/{id} — stop sending to an endpoint (its log stays readable). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { EndpointIdParamSchema } from "./params.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/webhook-endpoints/{id}",
  operationId: "deleteWebhookEndpoint",
  summary: "Delete a webhook endpoint",
  description: "Its deliveries still pending are failed; its delivery log stays readable.",
  security: bearerSecurity,
  request: { params: EndpointIdParamSchema },
  responses: {
    204: { description: "Deleted." },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerDeleteWebhookEndpoint(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    await c.get("services").webhooks.deleteEndpoint(c.get("merchant").id, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
