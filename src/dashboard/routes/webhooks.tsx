/**
 * The webhooks pages: the merchant's endpoints, adding one, one endpoint with its deliveries,
 * rotating its secret, deleting it, and retrying a delivery. Each goes through the same
 * `WebhookService` method as the matching `/v1/webhook-…` route.
 */
import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { WebhookEndpointCreateSchema } from "../../../contracts/webhooks.ts";
import { ServiceError } from "../../services/service-error.ts";
import type { DashboardEnv } from "../env.ts";
import { fill } from "../i18n/messages.ts";
import { frameOf, overHttps, renderPage, requireCsrf } from "../middleware.tsx";
import { WebhookEndpointPage } from "../views/webhook-endpoint.tsx";
import { type EndpointFormFields, emptyEndpointForm, WebhooksPage } from "../views/webhooks.tsx";

/** Deliveries per page. */
export const deliveriesPerPage = 25;

/**
 * A secret just made rides to the page after the redirect in this cookie, scoped to that
 * endpoint's page and read (then deleted) by its next view: post-redirect-get without putting
 * the secret in a URL, and a reload no longer shows it.
 */
const secretCookie = "gw_new_secret";
const secretCookieSeconds = 300;

const secretReasons = ["created", "rotated"] as const;

export function registerWebhookPages(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/webhooks", (c) => {
    const deleted = c.req.query("notice") === "deleted";
    return showEndpoints(
      c,
      emptyEndpointForm,
      deleted ? { kind: "ok", text: c.var.t.webhooks.deleted } : undefined,
    );
  });

  dashboard.post("/webhooks", requireCsrf(), async (c) => {
    const { t } = c.var;
    const body = await c.req.parseBody({ all: true });
    const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");
    const form: EndpointFormFields = {
      url: text(body.url),
      events: [body.events ?? []].flat().map(text).filter(Boolean),
      description: text(body.description),
    };
    const input = WebhookEndpointCreateSchema.safeParse({
      url: form.url,
      ...(form.events.length > 0 ? { events: form.events } : {}),
      ...(form.description ? { description: form.description } : {}),
    });
    if (!input.success) {
      const detail = input.error.issues
        .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        .join("; ");
      return showEndpoints(
        c,
        form,
        { kind: "error", text: fill(t.webhooks.badForm, { detail }) },
        400,
      );
    }
    try {
      const endpoint = await c
        .get("services")
        .webhooks.createEndpoint(c.get("session").merchant.id, input.data);
      return redirectShowingSecret(c, endpoint.id, endpoint.secret, "created");
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== "validation_failed") {
        throw error;
      }
      // The SSRF guard's reason, in its own words; nothing was stored.
      const detail = error.message.replace(/^url: /, "");
      return showEndpoints(
        c,
        form,
        { kind: "error", text: fill(t.webhooks.badUrl, { detail }) },
        400,
      );
    }
  });

  dashboard.get("/webhooks/:id", async (c) => {
    const { t } = c.var;
    const id = c.req.param("id");
    const merchantId = c.get("session").merchant.id;
    const { webhooks } = c.get("services");
    const endpoint = await webhooks.getEndpoint(merchantId, id);
    const cursor = c.req.query("cursor")?.trim() ?? "";
    // One extra row tells whether another page exists, without a count query.
    const rows = await webhooks.deliveries(merchantId, id, {
      limit: deliveriesPerPage + 1,
      ...(cursor ? { before: cursor } : {}),
    });
    const page = rows.slice(0, deliveriesPerPage);
    const last = page.at(-1);
    const base = `/dashboard/webhooks/${encodeURIComponent(id)}`;

    // A secret is shown only when it is this endpoint's current one: a stale cookie shows nothing.
    const carried = getCookie(c, secretCookie);
    if (carried !== undefined) {
      deleteCookie(c, secretCookie, { path: base });
    }
    const reason = secretReasons.find((known) => known === c.req.query("secret"));
    const secret =
      carried === endpoint.secret
        ? {
            value: carried,
            text: reason === "rotated" ? t.webhooks.secretRotated : t.webhooks.secretCreated,
          }
        : undefined;
    const notice =
      c.req.query("notice") === "retried"
        ? { kind: "ok" as const, text: t.webhooks.retried }
        : undefined;
    return renderPage(
      c,
      <WebhookEndpointPage
        frame={frameOf(c)}
        endpoint={endpoint}
        deliveries={page}
        {...(secret ? { secret } : {})}
        {...(notice ? { notice } : {})}
        firstHref={cursor ? base : null}
        nextHref={
          rows.length > deliveriesPerPage && last
            ? `${base}?cursor=${encodeURIComponent(last.id)}`
            : null
        }
      />,
    );
  });

  dashboard.post("/webhooks/:id/rotate", requireCsrf(), async (c) => {
    const id = c.req.param("id");
    const secret = await c.get("services").webhooks.rotateSecret(c.get("session").merchant.id, id);
    return redirectShowingSecret(c, id, secret, "rotated");
  });

  dashboard.post("/webhooks/:id/delete", requireCsrf(), async (c) => {
    await c
      .get("services")
      .webhooks.deleteEndpoint(c.get("session").merchant.id, c.req.param("id"));
    return c.redirect("/dashboard/webhooks?notice=deleted", 303);
  });

  dashboard.post("/webhook-deliveries/:id/retry", requireCsrf(), async (c) => {
    const delivery = await c
      .get("services")
      .webhooks.retryDelivery(c.get("session").merchant.id, c.req.param("id"));
    const page = `/dashboard/webhooks/${encodeURIComponent(delivery.endpointId)}`;
    return c.redirect(`${page}?notice=retried`, 303);
  });
}

/** The endpoints page, with the add form as typed and a notice. */
async function showEndpoints(
  c: Context<DashboardEnv>,
  form: EndpointFormFields,
  notice: { kind: "ok" | "error"; text: string } | undefined,
  status = 200,
): Promise<Response> {
  const endpoints = await c.get("services").webhooks.listEndpoints(c.get("session").merchant.id);
  return renderPage(
    c,
    <WebhooksPage
      frame={frameOf(c, "/dashboard/webhooks")}
      endpoints={endpoints}
      form={form}
      {...(notice ? { notice } : {})}
    />,
    status,
  );
}

/** Redirects to the endpoint's page, which shows `secret` on its next view only. */
function redirectShowingSecret(
  c: Context<DashboardEnv>,
  endpointId: string,
  secret: string,
  reason: (typeof secretReasons)[number],
): Response {
  const page = `/dashboard/webhooks/${encodeURIComponent(endpointId)}`;
  setCookie(c, secretCookie, secret, {
    path: page,
    httpOnly: true,
    sameSite: "Strict",
    secure: overHttps(c),
    maxAge: secretCookieSeconds,
  });
  return c.redirect(`${page}?secret=${reason}`, 303);
}
