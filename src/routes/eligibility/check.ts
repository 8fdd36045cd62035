/** POST /v1/eligibility — the intercept endpoint's assessment, with no side effects. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  EligibilityResultSchema,
  InterceptionRequestSchema,
} from "../../../contracts/interception.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, problemResponses } from "../../http/openapi.ts";
import { toEligibilityResult } from "../../http/presenter.ts";

const route = createRoute({
  method: "post",
  path: "/v1/eligibility",
  operationId: "checkEligibility",
  summary: "Check whether a parcel can be intercepted, and who would pay",
  security: bearerSecurity,
  request: {
    body: {
      content: { "application/json": { schema: InterceptionRequestSchema } },
      required: true,
    },
  },
  responses: {
    200: {
      description: "The assessment.",
      content: { "application/json": { schema: EligibilityResultSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 422, 429, 500),
  },
});

export function registerCheckEligibility(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const check = await c
      .get("services")
      .interceptions.checkEligibility(c.get("merchant"), c.req.valid("json"));
    return c.json(toEligibilityResult(check), 200);
  });
}
