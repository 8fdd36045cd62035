/**
 * The typed client's committed types match what the gateway serves today: a route added or
 * changed without `npm run client:generate` fails here, naming that command.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  clientTypesPath,
  clientTypesSource,
  keyedOperations,
  servedOpenApiDocument,
} from "../../scripts/client-types.ts";

const root = join(import.meta.dirname, "../..");

describe("client/openapi.ts", () => {
  it("is what `npm run client:generate` makes of the served OpenAPI document", async () => {
    const document = await servedOpenApiDocument();
    const fresh = await clientTypesSource(document);
    const committed = readFileSync(join(root, clientTypesPath), "utf8");
    // Not toBe: a diff of two 1,000-line files would drown the one line that says what to do.
    expect(
      committed === fresh,
      `${clientTypesPath} is stale: run \`npm run client:generate\` and commit the result.`,
    ).toBe(true);
    // The retry rule's list of keyed operations comes from the same document.
    expect(keyedOperations(document)).toContain("POST /v1/interceptions");
  }, 60_000);
});
