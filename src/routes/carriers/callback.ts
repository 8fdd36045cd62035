/**
 * POST /v1/carriers/{carrier}/callbacks — a carrier's own push format, authenticated by the
 * carrier's own scheme (checked by its adapter). Duplicates are harmless.
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { problemResponses } from "../../http/openapi.ts";
import { GatewayError } from "../../http/problem.ts";

const route = createRoute({
  method: "post",
  path: "/v1/carriers/{carrier}/callbacks",
  operationId: "receiveCarrierCallback",
  summary: "Receive a carrier's outcome push (carrier-facing)",
  description:
    "The body is the carrier's own format; the answer is the carrier's own acknowledgement.",
  // No gateway credentials: each carrier's adapter checks the carrier's own scheme.
  security: [],
  request: {
    params: z.object({
      carrier: z
        .string()
        .max(50)
        .openapi({ param: { name: "carrier", in: "path" }, example: "sf-express" }),
    }),
  },
  responses: {
    200: { description: "Acknowledged in the carrier's format." },
    ...problemResponses(400, 401, 413, 500),
  },
});

export function registerCarrierCallback(app: OpenAPIHono<AppEnv>): void {
  app.openapi(route, async (c) => {
    const { carriers, interceptions, logger, now } = c.get("services");
    const carrierId = c.req.valid("param").carrier;
    const carrier = carriers.get(carrierId);
    if (!carrier) {
      throw new GatewayError(
        "unknown_carrier",
        `The gateway has no adapter for carrier "${carrierId}".`,
      );
    }
    const parsed = carrier.resilient.adapter.parseCallback({
      url: c.req.url,
      headers: Object.fromEntries(c.req.raw.headers.entries()),
      body: await c.req.text(),
      receivedAt: now(),
    });
    if (!parsed.ok) {
      const diagnostic = parsed.error.diagnostic ? { diagnostic: parsed.error.diagnostic } : {};
      if (parsed.error.code === "auth_failed") {
        logger.warn("carrier callback refused", {
          carrier: carrierId,
          message: parsed.error.message,
          ...diagnostic,
        });
        throw new GatewayError("unauthorized", "The callback's credentials do not match.");
      }
      logger.warn("carrier callback unreadable", {
        carrier: carrierId,
        message: parsed.error.message,
        ...diagnostic,
      });
      throw new GatewayError(
        "validation_failed",
        `The callback could not be read: ${parsed.error.message}`,
      );
    }
    const applied = await interceptions.applyCarrierReports(carrierId, parsed.value.reports);
    // The same push may say a shipped parcel was scanned in: stored before the carrier's ack too.
    const collected = await c
      .get("services")
      .shipments.applyCarrierReports(carrierId, parsed.value.reports);
    // The carrier's own text about a report is kept out of what merchants see; it is logged here.
    const diagnostics = parsed.value.reports.flatMap((report) =>
      report.diagnostic
        ? [{ trackingNumber: report.trackingNumber, diagnostic: report.diagnostic }]
        : [],
    );
    logger.info("carrier callback", {
      requestId: c.get("requestId"),
      carrier: carrierId,
      reports: parsed.value.reports.length,
      applied,
      collected,
      ...(diagnostics.length === 0 ? {} : { diagnostics }),
    });
    const reply = parsed.value.reply;
    return c.newResponse(reply.body, reply.status as 200, { "content-type": reply.contentType });
  });
}
