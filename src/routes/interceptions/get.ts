/** GET /v1/interceptions/{id} — one interception of the calling merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { InterceptionSchema } from "../../../contracts/interception.ts";
import { toInterceptionResource } from "../../domain/interception-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/interceptions/{id}",
  operationId: "getInterception",
  summary: "Read one interception, with its history and who pays",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The interception.",
      content: { "application/json": { schema: InterceptionSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerGetInterception(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const record = await c
      .get("services")
      .interceptions.get(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toInterceptionResource(record), 200);
  });
}
