/** GET /v1/tickets — the merchant's tickets, newest first, with a cursor. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { TicketListQuerySchema, TicketListSchema } from "../../../contracts/tickets.ts";
import { toTicketResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/tickets",
  operationId: "listTickets",
  summary: "List tickets",
  description: "Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.",
  security: bearerSecurity,
  request: { query: TicketListQuerySchema },
  responses: {
    200: {
      description: "A page of tickets.",
      content: { "application/json": { schema: TicketListSchema } },
    },
    ...problemResponses(400, 401, 429, 500),
  },
});

export function registerListTickets(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    const rows = await c.get("services").tickets.list(c.get("merchant").id, filter, {
      limit: limit + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? (page.at(-1)?.id ?? null) : null;
    return c.json({ data: page.map(toTicketResource), nextCursor }, 200);
  });
}
