/** POST /v1/interceptions/release — release the merchant's locks by order ids and/or lock age. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ReleaseRequestSchema, ReleaseResultSchema } from "../../../contracts/release.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { releaseBatchSize } from "../../services/bulk-release.ts";

const route = createRoute({
  method: "post",
  path: "/v1/interceptions/release",
  operationId: "releaseLocks",
  summary: "Release locked interceptions in bulk (no refund came: ship again)",
  description:
    "Releases the merchant's `locked` interceptions of `orderIds` and/or locked before " +
    "`lockedBefore` (the time each became locked), each exactly as its own " +
    "`POST /v1/interceptions/{id}/cancel` would. Repeating it is harmless: what was released is " +
    `no longer matched. At most ${releaseBatchSize} locks per call, oldest lock first; \`more\` ` +
    "says to call again.",
  security: bearerSecurity,
  request: {
    body: { required: true, content: { "application/json": { schema: ReleaseRequestSchema } } },
  },
  responses: {
    200: {
      description: "What was released, and what matched but could not be.",
      content: { "application/json": { schema: ReleaseResultSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 429, 500),
  },
});

export function registerReleaseLocks(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const result = await c
      .get("services")
      .interceptions.releaseLocks(
        c.get("merchant").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(result, 200);
  });
}
