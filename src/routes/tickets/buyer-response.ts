/** POST /v1/tickets/{id}/buyer-response — the buyer's answer to `ship_later`, relayed. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketBuyerResponseSchema, TicketSchema } from "../../../contracts/tickets.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/tickets/{id}/buyer-response",
  operationId: "answerTicketAsBuyer",
  summary: "Relay the buyer's answer to a later ship date",
  description:
    "Taken while the ticket is `awaiting_buyer`; silence until the answer is due counts as " +
    "accepted. Accepted: `awaiting_shipment`. Rejected: `overdue` (the platform's complaint).",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: {
      content: { "application/json": { schema: TicketBuyerResponseSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: "The ticket after the answer.",
      content: { "application/json": { schema: TicketSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 429, 500),
  },
});

export function registerAnswerTicketAsBuyer(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const ticket = await c
      .get("services")
      .tickets.answerAsBuyer(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json").accepted,
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toTicketResource(ticket), 200);
  });
}
