/** POST /v1/interceptions/{id}/cancel — withdraw an interception or release a lock. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { InterceptionSchema } from "../../../contracts/interception.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toInterceptionResource } from "../../domain/interception-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/interceptions/{id}/cancel",
  operationId: "cancelInterception",
  summary: "Cancel a pending or submitted interception, or release a lock",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The interception, now `cancelled` or `released`.",
      content: { "application/json": { schema: InterceptionSchema } },
    },
    202: {
      description:
        "The carrier's cancel is stored and under way but not answered yet (the carrier is " +
        "down or its reply was lost): the interception is still `submitted`, and becomes " +
        "`cancelled` once the carrier confirms; its events say if the carrier refuses.",
      content: { "application/json": { schema: InterceptionSchema } },
    },
    ...problemResponses(401, 404, 409, 429, 500),
  },
});

export function registerCancelInterception(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { interception, done } = await c
      .get("services")
      .interceptions.cancel(
        c.get("merchant").id,
        c.req.valid("param").id,
        apiKeyActor(c.get("apiKeyId")),
      );
    const resource = toInterceptionResource(interception);
    return done ? c.json(resource, 200) : c.json(resource, 202);
  });
}
