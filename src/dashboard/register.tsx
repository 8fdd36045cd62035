/**
 * The merchant dashboard under /dashboard (API.md "Merchant dashboard"): server-rendered pages
 * that call the services directly, never the API over HTTP. These routes are its HTTP layer:
 * cookies, forms and pages here; sessions, releases and everything else in services.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv, AppServices } from "../http/env.ts";
import { ServiceError } from "../services/service-error.ts";
import type { DashboardEnv } from "./env.ts";
import {
  chooseLanguage,
  frameOf,
  renderPage,
  requireSession,
  securityHeaders,
} from "./middleware.tsx";
import { registerCostPages } from "./routes/costs.tsx";
import { notFoundPage, registerInterceptionPages } from "./routes/interceptions.tsx";
import { registerLockPages } from "./routes/locks.tsx";
import { registerLoginRoutes } from "./routes/login.tsx";
import { registerShipmentPages } from "./routes/shipments.tsx";
import { registerTicketForms } from "./routes/ticket-forms.tsx";
import { registerTicketPages } from "./routes/tickets.tsx";
import { registerWebhookPages } from "./routes/webhooks.tsx";
import { DashboardSessions } from "./sessions.ts";
import { stylesheet } from "./stylesheet.ts";
import { MessagePage } from "./views/message-page.tsx";

export function registerDashboard(app: OpenAPIHono<AppEnv>, services: AppServices): void {
  const sessions = new DashboardSessions(services.store, services.merchants, services.now);
  const dashboard = new Hono<DashboardEnv>();

  dashboard.get("/assets/dashboard.css", (c) =>
    c.body(stylesheet, 200, {
      "content-type": "text/css; charset=utf-8",
      "cache-control": "public, max-age=3600",
      "x-content-type-options": "nosniff",
    }),
  );
  dashboard.use(securityHeaders(), chooseLanguage(), async (c, next) => {
    c.set("dashboardSessions", sessions);
    await next();
  });
  registerLoginRoutes(dashboard);
  // Everything below the sign-in routes needs a live session.
  dashboard.use(requireSession());
  dashboard.get("/", (c) => c.redirect("/dashboard/interceptions", 303));
  registerInterceptionPages(dashboard);
  registerLockPages(dashboard);
  registerShipmentPages(dashboard);
  registerTicketPages(dashboard);
  registerTicketForms(dashboard);
  registerCostPages(dashboard);
  registerWebhookPages(dashboard);
  dashboard.all("*", notFoundPage);

  dashboard.onError((error, c) => {
    if (error instanceof ServiceError && error.code === "not_found") {
      return notFoundPage(c);
    }
    c.get("services").logger.error("dashboard error", {
      requestId: c.get("requestId"),
      error: error.stack ?? String(error),
    });
    const { t } = c.var;
    return renderPage(
      c,
      <MessagePage
        frame={frameOf(c)}
        title={t.errors.internalTitle}
        body={t.errors.internalBody}
      />,
      500,
    );
  });

  app.route("/dashboard", dashboard);
}
