/** Sends a response that was serialized earlier (an idempotent result, possibly a replay). */
import type { Context } from "hono";
import type { AppEnv } from "./env.ts";
import { problemContentType } from "./problem.ts";

/**
 * Typed `never` so typed OpenAPI handlers accept it: the body was built from the same schemas
 * when it was first answered, and replaying it byte for byte is the point.
 */
export function sendStoredResponse(
  c: Context<AppEnv>,
  stored: { status: number; body: string; replayed: boolean },
): never {
  const headers: Record<string, string> = {
    "content-type": stored.status >= 400 ? problemContentType : "application/json",
  };
  if (stored.replayed) {
    headers["idempotent-replayed"] = "true";
  }
  return c.newResponse(stored.body, stored.status as 201, headers) as never;
}
