/** GET /v1/webhook-endpoints/{id}/deliveries — the endpoint's delivery log, newest first. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { WebhookDeliveryListSchema } from "../../../contracts/webhooks.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toWebhookDeliveryResource } from "../../http/presenter.ts";
import { EndpointIdParamSchema } from "./params.ts";

const QuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(200).optional(),
});

const route = createRoute({
  method: "get",
  path: "/v1/webhook-endpoints/{id}/deliveries",
  operationId: "listWebhookDeliveries",
  summary: "List an endpoint's deliveries",
  description: "Newest first. Pass `nextCursor` back as `cursor` for the next page.",
  security: bearerSecurity,
  request: { params: EndpointIdParamSchema, query: QuerySchema },
  responses: {
    200: {
      description: "A page of deliveries.",
      content: { "application/json": { schema: WebhookDeliveryListSchema } },
    },
    ...problemResponses(400, 401, 404, 429, 500),
  },
});

export function registerListWebhookDeliveries(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    // One extra row tells whether another page exists without a count query.
    const rows = await c
      .get("services")
      .webhooks.deliveries(c.get("merchant").id, c.req.valid("param").id, {
        limit: limit + 1,
        ...(cursor ? { before: cursor } : {}),
      });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? (page.at(-1)?.id ?? null) : null;
    return c.json({ data: page.map(toWebhookDeliveryResource), nextCursor }, 200);
  });
}
