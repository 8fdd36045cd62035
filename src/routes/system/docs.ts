/**
 * GET /docs — Swagger UI over /openapi.json, served whole by the gateway: its script and style
 * come from the installed `swagger-ui-dist` package, so the page works with no internet and
 * tells no third party who reads it.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env.ts";
import { GatewayError } from "../../http/problem.ts";

const assetsPath = "/docs/assets";

const swaggerUiDirectory = dirname(
  createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"),
);

/**
 * Starts the viewer. A file of its own rather than an inline script, so a Content-Security-Policy
 * of `script-src 'self'` in front of the gateway does not break the page. `validatorUrl: null`
 * keeps Swagger UI from sending the document to validator.swagger.io.
 */
const initScript = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
`;

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Carrier interception gateway API</title>
    <link rel="stylesheet" href="${assetsPath}/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${assetsPath}/swagger-ui-bundle.js"></script>
    <script src="${assetsPath}/init.js"></script>
  </body>
</html>
`;

/** The only files served under /docs/assets, with their media types. */
const assets = new Map<string, { contentType: string; read: () => Promise<string> }>([
  [
    "swagger-ui.css",
    { contentType: "text/css; charset=utf-8", read: () => readPackageFile("swagger-ui.css") },
  ],
  [
    "swagger-ui-bundle.js",
    {
      contentType: "text/javascript; charset=utf-8",
      read: () => readPackageFile("swagger-ui-bundle.js"),
    },
  ],
  ["init.js", { contentType: "text/javascript; charset=utf-8", read: async () => initScript }],
]);

/** Read once per process, on first use (the bundle is 1.7 MB) rather than at start-up. */
const packageFiles = new Map<string, Promise<string>>();
function readPackageFile(name: string): Promise<string> {
  let file = packageFiles.get(name);
  if (!file) {
    file = readFile(join(swaggerUiDirectory, name), "utf8");
    packageFiles.set(name, file);
  }
  return file;
}

const docsRoute = createRoute({
  method: "get",
  path: "/docs",
  operationId: "getApiDocsPage",
  summary: "The interactive API documentation (Swagger UI), served by the gateway itself",
  security: [],
  responses: {
    200: { description: "The viewer's page.", content: { "text/html": { schema: z.string() } } },
  },
});

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openapi(docsRoute, (c) => c.html(page, 200));

  // Not in the OpenAPI document: these are the viewer's files, not part of the API.
  app.get(`${assetsPath}/:file`, async (c) => {
    const name = c.req.param("file");
    const asset = assets.get(name);
    if (!asset) {
      throw new GatewayError("not_found", `No documentation asset ${name}.`);
    }
    return c.body(await asset.read(), 200, {
      "content-type": asset.contentType,
      // The names carry no version, so a cached copy must not outlive an upgrade by long.
      "cache-control": "public, max-age=3600",
    });
  });
}
