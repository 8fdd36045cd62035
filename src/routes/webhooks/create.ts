/** POST /v1/webhook-endpoints — register an endpoint; its secret is shown this once. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  WebhookEndpointCreatedSchema,
  WebhookEndpointCreateSchema,
} from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toWebhookEndpointResource } from "../../http/presenter.ts";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints",
  operationId: "createWebhookEndpoint",
  summary: "Register a webhook endpoint",
  description:
    "Events are POSTed to `url`, signed per Standard Webhooks with the returned `secret`. A URL that is not `https://` or resolves to an internal address is refused (400 `validation_failed`).",
  security: bearerSecurity,
  request: {
    body: {
      content: { "application/json": { schema: WebhookEndpointCreateSchema } },
      required: true,
    },
  },
  responses: {
    201: {
      description: "Registered; `secret` is shown only in this answer.",
      content: { "application/json": { schema: WebhookEndpointCreatedSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export function registerCreateWebhookEndpoint(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const endpoint = await c
      .get("services")
      .webhooks.createEndpoint(c.get("merchant").id, c.req.valid("json"));
    return c.json({ ...toWebhookEndpointResource(endpoint), secret: endpoint.secret }, 201);
  });
}
