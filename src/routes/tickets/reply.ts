/** POST /v1/tickets/{id}/replies — the merchant's reply to a ticket. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketReplyRequestSchema, TicketSchema } from "../../../contracts/tickets.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/tickets/{id}/replies",
  operationId: "replyToTicket",
  summary: "Reply to a ticket",
  description:
    "Taken while the ticket is `awaiting_merchant`, before `dueAt` (else 409 " +
    "`invalid_transition`). `changed_waybill` re-points the shipment to the new tracking " +
    "number; `ship_later` waits for the buyer; `cannot_ship` is overdue at once (the platform's " +
    "complaint); `shipped` waits for the collection.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: {
      content: { "application/json": { schema: TicketReplyRequestSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: "The ticket after the reply.",
      content: { "application/json": { schema: TicketSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerReplyToTicket(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ticket = await c
      .get("services")
      .tickets.reply(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toTicketResource(ticket), 200);
  });
}
