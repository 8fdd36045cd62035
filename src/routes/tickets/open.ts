/** POST /v1/shipments/{id}/tickets — the buyer urged shipment or collection (relayed). */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketOpenSchema, TicketSchema } from "../../../contracts/tickets.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/shipments/{id}/tickets",
  operationId: "openTicket",
  summary: "Open an urge-shipment or urge-collection ticket",
  description:
    "`urge_collection` only for a `shipped` shipment and never after an `urge_shipment` ticket; " +
    "`urge_shipment` only while `awaiting_shipment`; one open ticket of a type at a time (409 " +
    "`invalid_transition`, the rule in `reasons`). `dueAt` = `openedAt` + 24 h; the scheduler " +
    "acts on it (`ticket.overdue`). Sends `ticket.opened`.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: { content: { "application/json": { schema: TicketOpenSchema } }, required: true },
  },
  responses: {
    201: {
      description: "The ticket, `awaiting_merchant` (or already `overdue` for an old `openedAt`).",
      content: { "application/json": { schema: TicketSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerOpenTicket(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ticket = await c
      .get("services")
      .tickets.open(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toTicketResource(ticket), 201);
  });
}
