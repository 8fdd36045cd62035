/** GET /v1/interceptions — the merchant's interceptions, newest first, with a cursor. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  InterceptionListQuerySchema,
  InterceptionListSchema,
} from "../../../contracts/interception.ts";
import { toInterceptionResource } from "../../domain/interception-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/interceptions",
  operationId: "listInterceptions",
  summary: "List interceptions",
  description: "Filters combine with AND. Pass `nextCursor` back as `cursor` for the next page.",
  security: bearerSecurity,
  request: { query: InterceptionListQuerySchema },
  responses: {
    200: {
      description: "A page of interceptions.",
      content: { "application/json": { schema: InterceptionListSchema } },
    },
    ...problemResponses(400, 401, 429, 500),
  },
});

export function registerListInterceptions(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { limit, cursor, ...filter } = c.req.valid("query");
    // One extra row tells whether another page exists without a count query.
    const rows = await c.get("services").interceptions.list(c.get("merchant").id, filter, {
      limit: limit + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit ? (page.at(-1)?.id ?? null) : null;
    return c.json({ data: page.map(toInterceptionResource), nextCursor }, 200);
  });
}
