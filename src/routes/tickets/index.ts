import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { registerAnswerTicketAsBuyer } from "./buyer-response.ts";
import { registerGetTicket } from "./get.ts";
import { registerListTickets } from "./list.ts";
import { registerOpenTicket } from "./open.ts";
import { registerReplyToTicket } from "./reply.ts";
import { registerTakeTicketSecondChance } from "./second-chance.ts";

/** The ticket resource's routes (opening one hangs off its shipment). */
export function registerTicketRoutes(app: OpenAPIHono<AppEnv>): void {
  registerOpenTicket(app);
  registerListTickets(app);
  registerGetTicket(app);
  registerReplyToTicket(app);
  registerAnswerTicketAsBuyer(app);
  registerTakeTicketSecondChance(app);
}
