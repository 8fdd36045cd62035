/** POST /v1/webhook-endpoints/{id}/rotate-secret — a new secret; the old one signs 24 h more. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { RotatedSecretSchema } from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { EndpointIdParamSchema } from "./params.ts";

const route = createRoute({
  method: "post",
  path: "/v1/webhook-endpoints/{id}/rotate-secret",
  operationId: "rotateWebhookSecret",
  summary: "Rotate a webhook endpoint's secret",
  description:
    "For 24 hours every delivery is signed with both the new and the previous secret, so the receiver can switch at its own pace.",
  security: bearerSecurity,
  request: { params: EndpointIdParamSchema },
  responses: {
    200: {
      description: "The new secret, shown only in this answer.",
      content: { "application/json": { schema: RotatedSecretSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerRotateWebhookSecret(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const secret = await c
      .get("services")
      .webhooks.rotateSecret(c.get("merchant").id, c.req.valid("param").id);
    return c.json({ secret }, 200);
  });
}
