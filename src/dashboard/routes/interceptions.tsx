/**
 * The interceptions pages: the filtered list, one interception, and its cancel / release form,
 * which goes through the same service as `POST /v1/interceptions/{id}/cancel`.
 */
import type { Context, Hono } from "hono";
import { statusOfErrorCode } from "../../../contracts/problem.ts";
import { apiKeyActor } from "../../domain/actors.ts";
import { ServiceError } from "../../services/service-error.ts";
import type { InterceptionFilter } from "../../store/store.ts";
import { carrierNames } from "../carriers.ts";
import type { DashboardEnv } from "../env.ts";
import { fill } from "../i18n/messages.ts";
import { frameOf, renderPage, requireCsrf } from "../middleware.tsx";
import { chinaDateStart } from "../views/format.ts";
import { InterceptionPage } from "../views/interception.tsx";
import { InterceptionsPage, type ListFilterFields, statuses } from "../views/interceptions.tsx";
import { MessagePage } from "../views/message-page.tsx";
import { pageOf, pageSize } from "./paging.ts";

const notices = ["cancelled", "cancelAsked", "released"] as const;
type NoticeKey = (typeof notices)[number];

export function registerInterceptionPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/interceptions", async (c) => {
    const { t } = c.var;
    const query = (name: string) => c.req.query(name)?.trim() ?? "";
    const fields: ListFilterFields = {
      status: query("status"),
      carrier: query("carrier"),
      orderId: query("orderId"),
      trackingNumber: query("trackingNumber"),
      from: query("from"),
      to: query("to"),
    };
    const cursor = query("cursor");
    const filter: InterceptionFilter = {};
    const status = statuses.find((known) => known === fields.status);
    if (status) {
      filter.status = status;
    }
    if (fields.carrier) {
      filter.carrier = fields.carrier;
    }
    if (fields.orderId) {
      filter.orderId = fields.orderId;
    }
    if (fields.trackingNumber) {
      filter.trackingNumber = fields.trackingNumber;
    }
    let error: string | undefined;
    for (const [field, label, dayAfter] of [
      ["from", t.list.from, false],
      ["to", t.list.to, true],
    ] as const) {
      if (!fields[field]) {
        continue;
      }
      const bound = chinaDateStart(fields[field], dayAfter);
      if (bound === null) {
        error = fill(t.list.badDate, { field: label });
      } else if (field === "from") {
        filter.createdFrom = bound;
      } else {
        filter.createdBefore = bound;
      }
    }
    // A filter that cannot be applied shows no rows rather than rows it did not filter.
    const rows = error
      ? []
      : await c.get("services").interceptions.list(c.get("session").merchant.id, filter, {
          // One extra row tells whether another page exists, without a count query.
          limit: pageSize + 1,
          ...(cursor ? { before: cursor } : {}),
        });
    const { page, firstHref, nextHref } = pageOf(c, "/dashboard/interceptions", rows, cursor);
    return renderPage(
      c,
      <InterceptionsPage
        frame={frameOf(c)}
        fields={fields}
        carriers={carrierNames(c.get("services"))}
        rows={page}
        {...(error ? { error } : {})}
        firstHref={firstHref}
        nextHref={nextHref}
      />,
      error ? 400 : 200,
    );
  });

  dashboard.get("/interceptions/:id", async (c) => {
    const asked = c.req.query("notice");
    const notice = notices.find((known) => known === asked);
    return showInterception(c, notice ? { kind: "ok", text: c.var.t.notices[notice] } : undefined);
  });

  dashboard.post("/interceptions/:id/cancel", requireCsrf(), async (c) => {
    const id = c.req.param("id");
    try {
      const { interception, done } = await c.get("services").interceptions.cancel(
        c.get("session").merchant.id,
        id,
        // The session acts with the key it was opened with.
        apiKeyActor(c.get("session").apiKeyId),
      );
      const notice: NoticeKey =
        interception.status === "released" ? "released" : done ? "cancelled" : "cancelAsked";
      // Post, redirect, get: a reload shows the page again instead of sending the form again.
      return c.redirect(`/dashboard/interceptions/${encodeURIComponent(id)}?notice=${notice}`, 303);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code === "not_found") {
        throw error;
      }
      const text = fill(c.var.t.notices.refused, { detail: error.message });
      return showInterception(c, { kind: "error", text }, statusOfErrorCode[error.code]);
    }
  });
}

/** One interception's page, with a notice; a missing (or another merchant's) id is a 404 page. */
async function showInterception(
  c: Context<DashboardEnv>,
  notice: { kind: "ok" | "error"; text: string } | undefined,
  status = 200,
): Promise<Response> {
  const id = c.req.param("id") ?? "";
  const record = await c.get("services").interceptions.get(c.get("session").merchant.id, id);
  const carrierName =
    carrierNames(c.get("services")).find((carrier) => carrier.id === record.carrier)?.name ??
    record.carrier;
  return renderPage(
    c,
    <InterceptionPage
      frame={frameOf(c, `/dashboard/interceptions/${encodeURIComponent(id)}`)}
      record={record}
      carrierName={carrierName}
      {...(notice ? { notice } : {})}
    />,
    status,
  );
}

/** The not-found page, for a missing interception or an unknown dashboard path. */
export function notFoundPage(c: Context<DashboardEnv>): Response {
  const { t } = c.var;
  return renderPage(
    c,
    <MessagePage frame={frameOf(c)} title={t.errors.notFoundTitle} body={t.errors.notFoundBody} />,
    404,
  );
}
