/** GET /v1/tickets/{id} — one ticket of the calling merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketSchema } from "../../../contracts/tickets.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/tickets/{id}",
  operationId: "getTicket",
  summary: "Read one ticket, with its replies and history",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The ticket.",
      content: { "application/json": { schema: TicketSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerGetTicket(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ticket = await c
      .get("services")
      .tickets.get(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toTicketResource(ticket), 200);
  });
}
