/**
 * The app factory: one Hono app with every route, built from injected services so tests and
 * the server construct it the same way.
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { registerDashboard } from "./dashboard/register.tsx";
import { limitRequestBodies } from "./http/body-limit.ts";
import type { AppEnv, AppServices } from "./http/env.ts";
import { accessLog, provideServices, requireAdminToken, requireApiKey } from "./http/middleware.ts";
import { GatewayError, handleError, problemResponse, validationHook } from "./http/problem.ts";
import { rateLimitByApiKey } from "./http/rate-limit.ts";
import { registerAdminRoutes } from "./routes/admin/merchants.ts";
import { registerCarrierCallback } from "./routes/carriers/callback.ts";
import { registerListCarriers } from "./routes/carriers/list.ts";
import { registerCostLedger } from "./routes/costs/ledger.ts";
import { registerCheckEligibility } from "./routes/eligibility/check.ts";
import { registerInterceptionRoutes } from "./routes/interceptions/index.ts";
import { registerShipDateProposalRoutes } from "./routes/ship-date-proposals/index.ts";
import { registerShipmentRoutes } from "./routes/shipments/index.ts";
import { registerDocs } from "./routes/system/docs.ts";
import { registerSystemRoutes } from "./routes/system/health.ts";
import { registerOpenApiDocument } from "./routes/system/openapi.ts";
import { registerTicketRoutes } from "./routes/tickets/index.ts";
import { registerWebhookRoutes } from "./routes/webhooks/index.ts";

export function createApp(services: AppServices): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestId());
  app.use(provideServices(services));
  app.use(accessLog());
  // Before any handler or parser: an oversized body (declared, chunked or both) never reaches one.
  app.use(
    limitRequestBodies(services.bodyLimitBytes, (c) =>
      problemResponse(
        c,
        new GatewayError("payload_too_large", `The body exceeds ${services.bodyLimitBytes} bytes.`),
      ),
    ),
  );
  // Patterns that never overlap, so a request is authenticated and charged once: a trailing `/*`
  // also matches the bare path (`/v1/interceptions`), and `/v1/carriers` alone leaves the
  // carriers' callbacks, which speak the carrier's own auth, out.
  for (const path of [
    "/v1/interceptions/*",
    "/v1/eligibility",
    "/v1/carriers",
    "/v1/costs",
    "/v1/webhook-endpoints/*",
    "/v1/webhook-deliveries/*",
    "/v1/shipments/*",
    "/v1/ship-date-proposals/*",
    "/v1/tickets/*",
  ]) {
    app.use(path, requireApiKey(), rateLimitByApiKey(services.rateLimiter, services.rateLimit));
  }
  app.use("/admin/*", requireAdminToken());

  registerInterceptionRoutes(app);
  registerCheckEligibility(app);
  registerCostLedger(app);
  registerListCarriers(app);
  registerCarrierCallback(app);
  registerWebhookRoutes(app);
  registerShipmentRoutes(app);
  registerShipDateProposalRoutes(app);
  registerTicketRoutes(app);
  registerAdminRoutes(app);
  registerSystemRoutes(app);
  registerDocs(app);
  registerOpenApiDocument(app);
  registerDashboard(app, services);

  app.notFound((c) =>
    problemResponse(c, new GatewayError("not_found", `No route ${c.req.method} ${c.req.path}.`)),
  );
  app.onError(handleError);
  return app;
}
