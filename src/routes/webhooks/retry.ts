/** POST /v1/webhook-deliveries/{id}/retry — attempt a delivery again now. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { WebhookDeliverySchema } from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toWebhookDeliveryResource } from "../../http/presenter.ts";

const ParamsSchema = z.object({
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "whd_01JD3Q2K6W6R8Z7Y5X4V3T2S1R" }),
});

const route = createRoute({
  method: "post",
  path: "/v1/webhook-deliveries/{id}/retry",
  operationId: "retryWebhookDelivery",
  summary: "Retry a webhook delivery",
  description:
    "The delivery becomes `pending` and is attempted at once, with the same event id and body. A `failed` delivery gets one more attempt.",
  security: bearerSecurity,
  request: { params: ParamsSchema },
  responses: {
    202: {
      description: "Accepted: the delivery worker attempts it next.",
      content: { "application/json": { schema: WebhookDeliverySchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerRetryWebhookDelivery(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const delivery = await c
      .get("services")
      .webhooks.retryDelivery(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toWebhookDeliveryResource(delivery), 202);
  });
}
