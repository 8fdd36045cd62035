/**
 * The ticket forms' posts: the merchant's reply and the second chance, through the same
 * `TicketService` methods as `POST /v1/tickets/{id}/replies` and `/second-chance`. A refusal (the
 * rule's own message) shows on the ticket's page with the form as sent, and changes nothing.
 */
import type { Context, Hono } from "hono";
import type { EventActor } from "../../../contracts/interception.ts";
import { MoneySchema } from "../../../contracts/normalized.ts";
import { statusOfErrorCode } from "../../../contracts/problem.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import type { SecondChanceRequest } from "../../domain/obligations/ticket-follow-ups.ts";
import type { ReplyRequest } from "../../domain/obligations/ticket-replies.ts";
import {
  type ReplyKind,
  urgeCollectionReplyKinds,
  urgeShipmentReplyKinds,
} from "../../domain/obligations/tickets.ts";
import { ServiceError } from "../../services/service-error.ts";
import type { MerchantRecord } from "../../store/store.ts";
import type { DashboardEnv } from "../env.ts";
import { fill } from "../i18n/messages.ts";
import { requireCsrf } from "../middleware.tsx";
import type { TicketFormId } from "../views/ticket-forms.tsx";
import { showTicket } from "./tickets.tsx";

const replyKinds: readonly ReplyKind[] = [...urgeCollectionReplyKinds, ...urgeShipmentReplyKinds];
const urgeShipmentForms = urgeShipmentReplyKinds satisfies readonly TicketFormId[];

export function registerTicketForms(dashboard: Hono<DashboardEnv>): void {
  dashboard.post("/tickets/:id/replies", requireCsrf(), async (c) => {
    const fields = await formFields(c, ["kind", "message", "trackingNumber", "reason", "shipDate"]);
    const kind = replyKinds.find((known) => known === fields.kind);
    // An urge-shipment reply has a form per kind; the urge-collection kinds share one.
    const form = urgeShipmentForms.find((known) => known === kind) ?? "collection";
    if (kind === undefined) {
      return refused(c, `kind must be one of ${replyKinds.join(", ")}.`, 400, form, fields);
    }
    // Only what was filled in: the rules say which fields the kind needs.
    const request: ReplyRequest = { kind };
    for (const name of ["message", "trackingNumber", "reason", "shipDate"] as const) {
      if (fields[name]) {
        request[name] = fields[name];
      }
    }
    return act(c, "replied", form, fields, (merchant, id, actor) =>
      c.get("services").tickets.reply(merchant, id, request, actor),
    );
  });

  dashboard.post("/tickets/:id/second-chance", requireCsrf(), async (c) => {
    const fields = await formFields(c, ["kind", "amount", "currency", "evidence"]);
    let request: SecondChanceRequest;
    if (fields.kind === "compensate") {
      const amount = MoneySchema.safeParse({ amount: fields.amount, currency: fields.currency });
      if (!amount.success) {
        const detail = amount.error.issues
          .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
          .join("; ");
        return refused(c, detail, 400, "compensate", fields);
      }
      request = { kind: "compensate", amount: amount.data };
    } else if (fields.kind === "buyer_caused") {
      request = { kind: "buyer_caused", evidence: fields.evidence ?? "" };
    } else {
      return refused(c, "kind must be compensate or buyer_caused.", 400, "compensate", fields);
    }
    return act(c, "secondChanceTaken", request.kind, fields, (merchant, id, actor) =>
      c.get("services").tickets.secondChance(merchant, id, request, actor),
    );
  });
}

/** The form's fields by name, trimmed (absent ones empty). */
async function formFields(
  c: Context<DashboardEnv>,
  names: readonly string[],
): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const name of names) {
    const value = body[name];
    fields[name] = typeof value === "string" ? value.trim() : "";
  }
  return fields;
}

/**
 * Runs the act as the session's key: post, redirect, get on success; the ticket's page with the
 * refusal otherwise. Another merchant's ticket (or none) is the not-found page.
 */
async function act(
  c: Context<DashboardEnv>,
  notice: "replied" | "secondChanceTaken",
  form: TicketFormId,
  fields: Record<string, string>,
  run: (merchant: MerchantRecord, id: string, actor: EventActor) => Promise<unknown>,
): Promise<Response> {
  const id = c.req.param("id") ?? "";
  const session = c.get("session");
  try {
    await run(session.merchant, id, apiKeyActor(session.apiKeyId));
  } catch (error) {
    if (!(error instanceof ServiceError) || error.code === "not_found") {
      throw error;
    }
    return refused(c, error.message, error.status ?? statusOfErrorCode[error.code], form, fields);
  }
  return c.redirect(`/dashboard/tickets/${encodeURIComponent(id)}?notice=${notice}`, 303);
}

function refused(
  c: Context<DashboardEnv>,
  detail: string,
  status: number,
  form: TicketFormId,
  fields: Record<string, string>,
): Promise<Response> {
  const text = fill(c.var.t.tickets.refused, { detail });
  return showTicket(c, { kind: "error", text }, status, { form, fields });
}
