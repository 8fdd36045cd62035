/** POST /v1/shipments/{id}/ship-date-proposals — propose a later ship date to the buyer. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import {
  ShipDateProposalCreateSchema,
  ShipDateProposalSchema,
} from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toProposalResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const route = createRoute({
  method: "post",
  path: "/v1/shipments/{id}/ship-date-proposals",
  operationId: "proposeShipDate",
  summary: "Propose a ship date to the buyer (negotiated ship date)",
  description:
    "For a shipment `awaiting_shipment` whose `shipBy` has not passed. The buyer answers " +
    "through `accept` or `reject` by `expiresAt` (the earlier of 24 h and `shipBy`), else the " +
    "proposal expires (`proposal.expired`) and the original `shipBy` stands. At most 3 per " +
    "shipment, one awaiting the buyer at a time, none after one was accepted: 409 " +
    "`invalid_transition` with the rule in `reasons` (`proposal_limit_reached`, " +
    "`proposal_pending`, `proposal_already_accepted`, `shipment_not_awaiting_shipment`, " +
    "`ship_by_passed`). A date that is not a calendar date or has passed in China: 422 " +
    "`validation_failed`.",
  security: bearerSecurity,
  request: {
    params: IdParamSchema,
    body: {
      content: { "application/json": { schema: ShipDateProposalCreateSchema } },
      required: true,
    },
  },
  responses: {
    201: {
      description: "Proposed, `awaiting_buyer`.",
      content: { "application/json": { schema: ShipDateProposalSchema } },
    },
    ...problemResponses(400, 401, 404, 409, 413, 415, 422, 429, 500),
  },
});

export function registerProposeShipDate(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const proposal = await c
      .get("services")
      .proposals.propose(
        c.get("merchant"),
        c.req.valid("param").id,
        c.req.valid("json"),
        apiKeyActor(c.get("apiKeyId")),
      );
    return c.json(toProposalResource(proposal), 201);
  });
}
