/**
 * The sandboxes' shared control API (API.md "Carrier sandboxes"): set up parcels, queue faults,
 * inspect what a carrier received, reset. Errors are problem+json like the gateway's own.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { carrierIds } from "../../contracts/carrier-adapter.ts";
import { ParcelStateSchema } from "../../contracts/normalized.ts";
import type { SandboxEnv } from "./faults.ts";
import { deliverPush } from "./push.ts";
import { withoutSecrets } from "./secret.ts";
import { addFault, advanceParcel, getParcel, putParcel, resetWorld, type World } from "./world.ts";

const CarrierSchema = z.enum(carrierIds);

export const PutParcelSchema = z.object({
  carrier: CarrierSchema,
  trackingNumber: z.string().min(1).max(64),
  state: ParcelStateSchema,
  interceptOutcome: z.enum(["success", "failure"]).optional(),
  outcomeDelayMs: z.number().int().min(0).max(600_000).optional(),
});
export type PutParcel = z.infer<typeof PutParcelSchema>;

export const PutFaultSchema = z.object({
  carrier: CarrierSchema,
  mode: z.enum([
    "error500",
    "timeout",
    "reset",
    "rate_limited",
    "latency",
    "http429",
    "reset_mid_body",
    "trickle",
    "oversized",
    "garbage",
  ]),
  count: z.number().int().min(1).max(100_000),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  retryAfterSeconds: z.number().int().min(0).max(3_600).optional(),
  bytes: z
    .number()
    .int()
    .min(1)
    .max(64 * 1024 * 1024)
    .optional(),
});
export type PutFault = z.infer<typeof PutFaultSchema>;

export const PutLatencySchema = z.object({
  carrier: CarrierSchema,
  ms: z.number().int().min(0).max(60_000),
});

/** Not in API.md: moves a parcel forward now, as the carrier would scan it (e.g. collected). */
export const AdvanceParcelSchema = z.object({
  carrier: CarrierSchema,
  trackingNumber: z.string().min(1).max(64),
  state: ParcelStateSchema,
});

/** Not in API.md: lets a test or the gateway point a carrier's pushes at itself at run time. */
export const PutPushUrlSchema = z.object({
  carrier: CarrierSchema,
  url: z.url().nullable(),
});
export type PutPushUrl = z.infer<typeof PutPushUrlSchema>;

function problem(
  c: Context<SandboxEnv>,
  status: 400 | 404,
  code: "validation_failed" | "not_found",
  detail: string,
  errors?: { path: string; message: string }[],
): Response {
  const body = {
    type: `urn:interception-gateway:problem:${code}`,
    title: code === "not_found" ? "No such resource" : "The request is not valid",
    status,
    detail,
    code,
    requestId: c.req.header("x-request-id") ?? randomUUID(),
    ...(errors === undefined ? {} : { errors }),
  };
  return c.body(JSON.stringify(body), status, { "content-type": "application/problem+json" });
}

async function readJson<T>(
  c: Context<SandboxEnv>,
  schema: z.ZodType<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, response: problem(c, 400, "validation_failed", "Body is not JSON.") };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    return {
      ok: false,
      response: problem(c, 400, "validation_failed", "Body does not match the schema.", errors),
    };
  }
  return { ok: true, value: parsed.data };
}

/** The control routes, to be mounted at the sandbox root (paths start with `/_sandbox`). */
export function createControlRoutes(world: World): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.post("/_sandbox/parcels", async (c) => {
    const input = await readJson(c, PutParcelSchema);
    if (!input.ok) {
      return input.response;
    }
    const parcel = putParcel(world, input.value);
    return c.json(parcel, 201);
  });

  app.post("/_sandbox/parcels/advance", async (c) => {
    const input = await readJson(c, AdvanceParcelSchema);
    if (!input.ok) {
      return input.response;
    }
    const { carrier, trackingNumber, state } = input.value;
    const parcel = getParcel(world, carrier, trackingNumber);
    if (parcel === undefined) {
      return problem(c, 404, "not_found", `No sandbox parcel ${carrier}/${trackingNumber}.`);
    }
    const steps = advanceParcel(world, parcel, state);
    if (steps === null) {
      return problem(
        c,
        400,
        "validation_failed",
        `The parcel is ${parcel.state}: ${state} is not ahead of it.`,
      );
    }
    // A carrier that pushes every route (SF) reports each new step as it would.
    const routePush = world.routePushes[carrier];
    for (const entry of routePush ? steps : []) {
      deliverPush(world, { carrier, trackingNumber }, () => routePush?.(parcel, entry) ?? null);
    }
    return c.json(parcel);
  });

  app.post("/_sandbox/faults", async (c) => {
    const input = await readJson(c, PutFaultSchema);
    if (!input.ok) {
      return input.response;
    }
    const { carrier, mode, count, ...options } = input.value;
    addFault(world, carrier, mode, count, options);
    return c.json(
      { carrier: input.value.carrier, pending: world.faults.get(input.value.carrier) },
      201,
    );
  });

  // Not in API.md: a fixed delay before every answer of a carrier, until set back to 0.
  app.post("/_sandbox/latency", async (c) => {
    const input = await readJson(c, PutLatencySchema);
    if (!input.ok) {
      return input.response;
    }
    world.latencyMs[input.value.carrier] = input.value.ms;
    return c.json({ latencyMs: world.latencyMs });
  });

  app.post("/_sandbox/push-urls", async (c) => {
    const input = await readJson(c, PutPushUrlSchema);
    if (!input.ok) {
      return input.response;
    }
    if (input.value.url === null) {
      delete world.pushUrls[input.value.carrier];
    } else {
      world.pushUrls[input.value.carrier] = input.value.url;
    }
    return c.json({ pushUrls: redactedPushUrls(world) });
  });

  // Where pushes went and how they were answered; never the tokens in their URLs.
  app.get("/_sandbox/pushes", (c) =>
    c.json({ pushes: world.pushes.map((push) => ({ ...push, url: withoutSecrets(push.url) })) }),
  );

  app.get("/_sandbox/parcels/:carrier/:trackingNumber", (c) => {
    const carrier = CarrierSchema.safeParse(c.req.param("carrier"));
    const trackingNumber = c.req.param("trackingNumber");
    const parcel = carrier.success ? getParcel(world, carrier.data, trackingNumber) : undefined;
    if (parcel === undefined) {
      return problem(
        c,
        404,
        "not_found",
        `No sandbox parcel ${c.req.param("carrier")}/${trackingNumber}.`,
      );
    }
    return c.json(parcel);
  });

  app.post("/_sandbox/reset", (c) => {
    resetWorld(world);
    return c.body(null, 204);
  });

  return app;
}

/** The push targets without their secret tokens. */
function redactedPushUrls(world: World): Partial<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(world.pushUrls).map(([carrier, url]) => [carrier, url && withoutSecrets(url)]),
  );
}
