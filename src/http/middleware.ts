/** Cross-cutting middleware: services on the context, access logs, metrics, authentication. */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { secretsMatch } from "../auth/api-keys.ts";
import type { AppEnv, AppServices } from "./env.ts";
import { GatewayError } from "./problem.ts";

export function provideServices(services: AppServices): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("services", services);
    await next();
  };
}

/** Upper bounds (s) for request durations: Prometheus' defaults, 5 ms to 10 s. */
const requestDurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One JSON log line, a count and a duration per request. */
export function accessLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const { logger, metrics } = c.get("services");
    const route = routePath(c, -1) || "unmatched";
    const elapsedMs = performance.now() - started;
    const ms = Math.round(elapsedMs * 10) / 10;
    metrics.increment("gateway_http_requests_total", "HTTP requests by route and status.", {
      method: c.req.method,
      route,
      status: String(c.res.status),
    });
    metrics.observe(
      "gateway_http_request_duration_seconds",
      "Time from a request's arrival at the app to its response, by route.",
      requestDurationBuckets,
      elapsedMs / 1000,
      { method: c.req.method, route },
    );
    logger.info("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms,
      merchantId: c.get("merchant")?.id,
    });
  };
}

function bearerToken(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/** Authenticates the API key; the merchant comes from the key and nowhere else. */
export function requireApiKey(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header("authorization"));
    const authenticated = token ? await c.get("services").merchants.authenticate(token) : null;
    if (!authenticated) {
      throw new GatewayError(
        "unauthorized",
        "Send a valid API key as `Authorization: Bearer <key>`.",
        {
          headers: { "www-authenticate": 'Bearer realm="interception-gateway"' },
        },
      );
    }
    c.set("merchant", authenticated.merchant);
    c.set("apiKeyId", authenticated.keyId);
    await next();
  };
}

/** The admin routes exist only when ADMIN_TOKEN is configured. */
export function requireAdminToken(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const expected = c.get("services").adminToken;
    if (!expected) {
      throw new GatewayError("not_found", "The admin API is disabled (ADMIN_TOKEN is not set).");
    }
    const token = bearerToken(c.req.header("authorization"));
    if (!token || !secretsMatch(token, expected)) {
      throw new GatewayError(
        "unauthorized",
        "Send the admin token as `Authorization: Bearer <token>`.",
      );
    }
    await next();
  };
}
