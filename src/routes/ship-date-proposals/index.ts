import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { registerAnswerShipDateProposal } from "./answer.ts";
import { registerGetShipDateProposal } from "./get.ts";
import { registerProposeShipDate } from "./propose.ts";

/** The ship-date proposal resource's routes (negotiated ship dates). */
export function registerShipDateProposalRoutes(app: OpenAPIHono<AppEnv>): void {
  registerProposeShipDate(app);
  registerGetShipDateProposal(app);
  registerAnswerShipDateProposal(app, "accept");
  registerAnswerShipDateProposal(app, "reject");
}
