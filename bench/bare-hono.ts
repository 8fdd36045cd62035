/**
 * The baselines: a bare Hono app on @hono/node-server, no auth, no database.
 *
 * - `GET /v1/interceptions/:id` answers a fixed JSON object (BARE_BODY, the gateway's own answer
 *   for one seeded interception, so both sides send the same bytes): the GET scenario.
 * - `POST /v1/eligibility` reads the JSON body and answers a fixed eligibility answer: the floor
 *   of the breaker scenario, what the machine and the load generator give for a route that does
 *   nothing.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const port = Number(process.env.BARE_PORT ?? 0);
const body = JSON.parse(process.env.BARE_BODY ?? '{"ok":true}') as Record<string, unknown>;

// Shaped like the gateway's eligibility answer, so the response is of a similar size.
const eligibility = {
  eligible: false,
  reasons: [{ code: "unknown_parcel", message: "The carrier does not know this tracking number." }],
  parcelState: "unknown",
  successLikelihood: "normal",
  cost: { payer: "none", mode: "none", quoted: null, final: null, settlement: "none" },
};

const app = new Hono();
app.get("/healthz", (c) => c.json({ ok: true }));
app.get("/v1/interceptions/:id", (c) => c.json(body));
app.post("/v1/eligibility", async (c) => {
  await c.req.json();
  return c.json(eligibility);
});

const server = serve({ fetch: app.fetch, port, hostname: "127.0.0.1" });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
