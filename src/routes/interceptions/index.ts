import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { registerCancelInterception } from "./cancel.ts";
import { registerCreateInterception } from "./create.ts";
import { registerGetInterception } from "./get.ts";
import { registerListInterceptions } from "./list.ts";
import { registerReleaseLocks } from "./release.ts";

/** The interception resource's routes. */
export function registerInterceptionRoutes(app: OpenAPIHono<AppEnv>): void {
  registerCreateInterception(app);
  registerListInterceptions(app);
  // Before `/v1/interceptions/{id}…`, so "release" is never read as an id.
  registerReleaseLocks(app);
  registerGetInterception(app);
  registerCancelInterception(app);
}
