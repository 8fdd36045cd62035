/** GET /openapi.json — the OpenAPI 3.1 document, generated from the routes' zod schemas. */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";

const documentRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApiDocument",
  summary: "This OpenAPI 3.1 document",
  security: [],
  responses: {
    200: {
      description: "The document.",
      content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
    },
  },
});

/**
 * Registers the security schemes the routes name, and the route serving the document: built on
 * each request from the registry, so it holds every route whenever that was registered.
 */
export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A merchant API key (`igk_…`).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The ADMIN_TOKEN of this deployment.",
  });
  app.openapi(documentRoute, (c) => {
    const document = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "Carrier interception gateway",
        version: "0.1.0",
        description: "One endpoint to stop or reroute parcels across carriers.",
      },
      servers: [{ url: c.get("services").publicUrl, description: "This gateway (PUBLIC_URL)" }],
    });
    return c.json(document, 200);
  });
}
