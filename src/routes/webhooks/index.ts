import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { registerCreateWebhookEndpoint } from "./create.ts";
import { registerDeleteWebhookEndpoint } from "./delete.ts";
import { registerListWebhookDeliveries } from "./deliveries.ts";
import { registerGetWebhookEndpoint } from "./get.ts";
import { registerListWebhookEndpoints } from "./list.ts";
import { registerRetryWebhookDelivery } from "./retry.ts";
import { registerRotateWebhookSecret } from "./rotate-secret.ts";

/** The webhook endpoints' and deliveries' routes. */
export function registerWebhookRoutes(app: OpenAPIHono<AppEnv>): void {
  registerCreateWebhookEndpoint(app);
  registerListWebhookEndpoints(app);
  registerGetWebhookEndpoint(app);
  registerDeleteWebhookEndpoint(app);
  registerRotateWebhookSecret(app);
  registerListWebhookDeliveries(app);
  registerRetryWebhookDelivery(app);
}
