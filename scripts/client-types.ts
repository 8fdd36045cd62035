/**
 * Generates the typed client's types (`client/openapi.ts`) from the OpenAPI document the gateway
 * serves: `npm run client:generate` writes it, and test/integration/client-types.test.ts
 * regenerates it in memory to fail when the committed file is stale. Every route registered in
 * the app is in the document, so a new route reaches the client by running the command again.
 */
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import { startSandbox } from "../adapters/sandbox-kit/server.ts";
import { loadConfig } from "../src/config.ts";
import { startGateway } from "../src/server.ts";

/** Where the generated types live, from the repository's root. */
export const clientTypesPath = "client/openapi.ts";

/** The header of the generated file; the command in it is the one that fixes a stale file. */
const header = `/**
 * Generated from the gateway's GET /openapi.json by \`npm run client:generate\`: do not edit.
 * Run that command again after changing a route, and commit the result.
 */
`;

/**
 * The document as a client sees it: from `GET /openapi.json` of a gateway started as `npm start`
 * starts it (in memory, on loopback, with its sandboxes), so nothing but the served routes counts.
 */
export async function servedOpenApiDocument(): Promise<OpenAPI3> {
  const sandbox = await startSandbox({ port: 0, host: "127.0.0.1" });
  try {
    const config = loadConfig({
      GATEWAY_PORT: "0",
      DATABASE_URL: ":memory:",
      LOG_LEVEL: "error",
      // The admin routes are served only with a token: without one they would leave the types.
      ADMIN_TOKEN: "client-types-generator-token",
    });
    const gateway = await startGateway(config, sandbox);
    try {
      const response = await fetch(`${gateway.url}/openapi.json`);
      if (!response.ok) {
        throw new Error(`GET /openapi.json answered ${response.status}: ${await response.text()}`);
      }
      return (await response.json()) as OpenAPI3;
    } finally {
      await gateway.close();
    }
  } finally {
    await sandbox.close();
  }
}

/**
 * The operations whose `Idempotency-Key` the gateway honours (the document requires the header):
 * the client retries them after a network error, as the key makes a repeat harmless.
 */
export function keyedOperations(document: OpenAPI3): string[] {
  const keyed: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ["get", "put", "post", "delete", "patch"] as const) {
      const parameters = (item as Record<string, { parameters?: unknown[] } | undefined>)[method]
        ?.parameters;
      const requiresKey = (parameters ?? []).some((parameter) => {
        const { name, in: location, required } = parameter as Record<string, unknown>;
        return (
          location === "header" &&
          typeof name === "string" &&
          name.toLowerCase() === "idempotency-key" &&
          required === true
        );
      });
      if (requiresKey) {
        keyed.push(`${method.toUpperCase()} ${path}`);
      }
    }
  }
  return keyed.sort();
}

/** The file's text: openapi-typescript's types, then the keyed operations for the retry rule. */
export async function clientTypesSource(document: OpenAPI3): Promise<string> {
  const types = astToString(await openapiTS(document, { silent: true }));
  const keyed = keyedOperations(document)
    .map((operation) => `  ${JSON.stringify(operation)},\n`)
    .join("");
  return `${header}
${types}
/** The operations whose Idempotency-Key the gateway honours (a required header in the document). */
export const keyedOperations: readonly string[] = [
${keyed}];
`;
}
