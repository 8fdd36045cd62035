/** The served OpenAPI document, checked by a maintained validator and against the routes. */
import { validate } from "@readme/openapi-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, json, type TestGateway } from "../harness.ts";

const publicUrl = "https://gateway.example.com";

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
}
interface OpenApiDocument {
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

let gateway: TestGateway;

beforeEach(async () => {
  gateway = await createTestGateway(new FakeCarrier().adapter, { PUBLIC_URL: publicUrl });
});
afterEach(async () => {
  await gateway.close();
});

async function served(): Promise<{ document: OpenApiDocument; text: string }> {
  const response = await json(await gateway.call(null, "GET", "/openapi.json"));
  expect(response.status, response.text).toBe(200);
  return { document: response.body as unknown as OpenApiDocument, text: response.text };
}

function operations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}

describe("GET /openapi.json", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { text } = await served();
    // The validator dereferences in place: it gets its own copy, and no network.
    const result = await validate(JSON.parse(text), { resolve: { external: false } });
    expect(result, JSON.stringify(result, null, 2)).toMatchObject({
      valid: true,
      warnings: [],
      specification: "OpenAPI",
    });
  });

  it("names the gateway's public URL as its server", async () => {
    const { document } = await served();
    expect(document.servers?.map((server) => server.url)).toEqual([publicUrl]);
  });

  it("gives every operation an operationId", async () => {
    const { document } = await served();
    const all = operations(document);
    expect(all.length).toBeGreaterThanOrEqual(15);
    for (const { method, path, operation } of all) {
      expect(operation.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
    }
  });

  it("marks Idempotency-Key required on POST /v1/interceptions", async () => {
    const { document } = await served();
    const header = document.paths["/v1/interceptions"]?.post?.parameters?.find(
      (parameter) => parameter.name.toLowerCase() === "idempotency-key",
    );
    expect(header).toMatchObject({ in: "header", required: true });
  });

  it("serves the cost ledger (JSON and CSV, from and to required) and bulk release", async () => {
    const { document } = await served();
    const ledger = document.paths["/v1/costs"]?.get as
      | (Operation & { responses?: Record<string, { content?: Record<string, unknown> }> })
      | undefined;
    expect(ledger?.parameters?.map(({ name, required }) => ({ name, required }))).toEqual([
      { name: "from", required: true },
      { name: "to", required: true },
      { name: "groupBy", required: false },
    ]);
    expect(ledger?.responses?.["200"]?.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/CostLedger" } },
      "text/csv": { schema: expect.objectContaining({ type: "string" }) },
    });
    const release = document.paths["/v1/interceptions/release"]?.post as
      | (Operation & { requestBody?: { content?: Record<string, unknown> } })
      | undefined;
    expect(release?.operationId).toBe("releaseLocks");
    expect(release?.requestBody?.content).toEqual({
      "application/json": { schema: { $ref: "#/components/schemas/ReleaseRequest" } },
    });
  });

  it("declares no security on exactly the public routes, and a defined scheme on the others", async () => {
    const { document } = await served();
    const all = operations(document);
    const isPublic = all
      .filter(({ operation }) => operation.security?.length === 0)
      .map(({ method, path }) => `${method} ${path}`);
    expect(isPublic.sort()).toEqual(
      [
        "GET /healthz",
        "GET /readyz",
        "GET /metrics",
        "GET /openapi.json",
        "GET /docs",
        "POST /v1/carriers/{carrier}/callbacks",
      ].sort(),
    );
    const schemes = Object.keys(document.components?.securitySchemes ?? {});
    for (const { method, path, operation } of all) {
      const label = `${method} ${path}`;
      expect(operation.security, label).toBeDefined();
      for (const requirement of operation.security ?? []) {
        for (const scheme of Object.keys(requirement)) {
          expect(schemes, label).toContain(scheme);
        }
      }
      const expected = path.startsWith("/admin/") ? "adminToken" : "apiKey";
      if (!isPublic.includes(label)) {
        expect(operation.security, label).toEqual([{ [expected]: [] }]);
      }
    }
  });

  it("is right about security: every secured operation answers 401 without credentials", async () => {
    const { document } = await served();
    for (const { method, path, operation } of operations(document)) {
      if (operation.security?.length === 0) {
        continue;
      }
      const response = await gateway.call(null, method, path.replaceAll(/\{[^}]+\}/g, "x1"), {
        ...(method === "POST" ? { body: {} } : {}),
      });
      expect(response.status, `${method} ${path}: ${await response.text()}`).toBe(401);
    }
  });
});

describe("GET /docs", () => {
  it("references no host but the gateway, and every asset it names answers", async () => {
    const page = await gateway.call(null, "GET", "/docs");
    const html = await page.text();
    expect(page.status, html).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    // Any absolute URL (http:, https: or protocol-relative) would leave the gateway.
    expect(html.match(/(?:https?:)?\/\/[^\s"'<>]+/gi), html).toBeNull();

    const references = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    const expectedTypes: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/ };
    expect(references.length, html).toBeGreaterThanOrEqual(3);
    for (const reference of references) {
      expect(reference, html).toMatch(/^\/docs\/assets\//);
      const asset = await gateway.call(null, "GET", String(reference));
      const extension = String(reference).split(".").at(-1) ?? "";
      expect(asset.status, `${reference}: ${await asset.clone().text()}`).toBe(200);
      expect(asset.headers.get("content-type"), String(reference)).toMatch(
        expectedTypes[extension] ?? /^$/,
      );
      expect((await asset.text()).length, String(reference)).toBeGreaterThan(0);
    }
  });

  it("starts the viewer on this gateway's document, without the online validator", async () => {
    const init = await (await gateway.call(null, "GET", "/docs/assets/init.js")).text();
    expect(init).toContain('url: "/openapi.json"');
    expect(init).toContain("validatorUrl: null");
  });

  it("serves only the viewer's own files under /docs/assets", async () => {
    for (const name of ["package.json", "..%2Fpackage.json", "index.html", "constructor"]) {
      const response = await gateway.call(null, "GET", `/docs/assets/${name}`);
      expect(response.status, name).toBe(404);
    }
  });
});
