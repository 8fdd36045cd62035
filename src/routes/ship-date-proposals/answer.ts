/**
 * POST /v1/ship-date-proposals/{id}/accept and …/reject — relay the buyer's answer. The two
 * operations differ only in the answer, so one file defines both.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ShipDateProposalSchema } from "../../../contracts/shipments.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { toProposalResource } from "../../domain/ticket-resource.ts";
import type { AppEnv } from "../../http/env.ts";
import { bearerSecurity, IdParamSchema, problemResponses } from "../../http/openapi.ts";

const answers = {
  accept: {
    operationId: "acceptShipDateProposal",
    summary: "Relay the buyer's acceptance of a proposed ship date",
    description:
      "The shipment's `shipBy` becomes the proposed date's 23:59:59 China time (2026-12-05 → " +
      "`2026-12-05T15:59:59.000Z`), and the gateway's overdue check moves with it. " +
      "`proposal.accepted`.",
    done: "The proposal, now `accepted`.",
  },
  reject: {
    operationId: "rejectShipDateProposal",
    summary: "Relay the buyer's rejection of a proposed ship date",
    description: "The original `shipBy` stands. `proposal.rejected`.",
    done: "The proposal, now `rejected`.",
  },
} as const;

function answerRoute(answer: keyof typeof answers) {
  const { operationId, summary, description, done } = answers[answer];
  return createRoute({
    method: "post",
    path: `/v1/ship-date-proposals/{id}/${answer}`,
    operationId,
    summary,
    description:
      `${description} Takes no body (\`{}\` is accepted). An answered or expired proposal: 409 ` +
      "`invalid_transition` (`proposal_already_answered`, `proposal_expired`).",
    security: bearerSecurity,
    request: { params: IdParamSchema },
    responses: {
      200: {
        description: done,
        content: { "application/json": { schema: ShipDateProposalSchema } },
      },
      ...problemResponses(401, 404, 409, 429, 500),
    },
  });
}

export function registerAnswerShipDateProposal(
  app: OpenAPIHono<AppEnv>,
  answer: keyof typeof answers,
): void {
  app.openapi(answerRoute(answer), async (c) => {
    const proposals = c.get("services").proposals;
    const merchant = c.get("merchant");
    const id = c.req.valid("param").id;
    const actor = apiKeyActor(c.get("apiKeyId"));
    const proposal =
      answer === "accept"
        ? await proposals.accept(merchant, id, actor)
        : await proposals.reject(merchant, id, actor);
    return c.json(toProposalResource(proposal), 200);
  });
}
