/**
 * The GET baseline: a bare Hono app on @hono/node-server that answers
 * `GET /v1/interceptions/:id` with a fixed JSON object (BARE_BODY, the gateway's own answer for
 * one seeded interception, so both sides send the same bytes). No auth, no database.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const port = Number(process.env.BARE_PORT ?? 0);
const body = JSON.parse(process.env.BARE_BODY ?? '{"ok":true}') as Record<string, unknown>;

const app = new Hono();
app.get("/healthz", (c) => c.json({ ok: true }));
app.get("/v1/interceptions/:id", (c) => c.json(body));

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
