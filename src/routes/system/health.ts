/** Liveness, readiness and Prometheus metrics. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";

const StatusSchema = z.object({ status: z.enum(["ok", "unavailable"]) }).openapi("HealthStatus");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getLiveness",
  summary: "Liveness: the process answers",
  security: [],
  responses: {
    200: { description: "Alive.", content: { "application/json": { schema: StatusSchema } } },
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  summary: "Readiness: the database answers and the gateway is not shutting down",
  security: [],
  responses: {
    200: { description: "Ready.", content: { "application/json": { schema: StatusSchema } } },
    503: { description: "Not ready.", content: { "application/json": { schema: StatusSchema } } },
  },
});

const metricsRoute = createRoute({
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  summary: "Prometheus metrics",
  security: [],
  responses: {
    200: {
      description: "Prometheus text format.",
      content: { "text/plain": { schema: z.string() } },
    },
  },
});

export function registerSystemRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(readyRoute, async (c) =>
    (await c.get("services").isReady())
      ? c.json({ status: "ok" as const }, 200)
      : c.json({ status: "unavailable" as const }, 503),
  );
  app.openapi(metricsRoute, (c) =>
    c.text(c.get("services").metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4",
    }),
  );
}
