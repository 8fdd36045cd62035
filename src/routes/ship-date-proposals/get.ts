/** GET /v1/ship-date-proposals/{id} — one ship-date proposal of the calling merchant. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipDateProposalSchema } from "../../../contracts/shipments.ts";
import { toProposalResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "get",
  path: "/v1/ship-date-proposals/{id}",
  operationId: "getShipDateProposal",
  summary: "Read one ship-date proposal",
  description: "As it stands now: past its `expiresAt` unanswered, it reads `expired`.",
  security: bearerSecurity,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The proposal.",
      content: { "application/json": { schema: ShipDateProposalSchema } },
    },
    ...problemResponses(401, 404, 429, 500),
  },
});

export function registerGetShipDateProposal(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const proposal = await c
      .get("services")
      .proposals.get(c.get("merchant").id, c.req.valid("param").id);
    return c.json(toProposalResource(proposal), 200);
  });
}
