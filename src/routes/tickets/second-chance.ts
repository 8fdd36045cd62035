/** POST /v1/tickets/{id}/second-chance — after `ship_later`, the merchant still cannot ship. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketSchema, TicketSecondChanceSchema } from "../../../contracts/tickets.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/tickets/{id}/second-chance",
  operationId: "takeTicketSecondChance",
  summary: "Take the second chance after a later ship date",
  description:
    "Only after a `ship_later` reply, while the ticket is unresolved. `compensate` → " +
    "`resolved`, `compensated` (paid, no fault recorded); `buyer_caused` with evidence → " +
    "`under_review` by the platform.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: {
      content: { "application/json": { schema: TicketSecondChanceSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: "The ticket after the second chance.",
      content: { "application/json": { schema: TicketSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerTakeTicketSecondChance(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ticket = await c
      .get("services")
      .tickets.secondChance(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toTicketResource(ticket), 200);
  });
}
