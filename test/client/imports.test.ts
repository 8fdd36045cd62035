/**
 * The client is shipped to storefronts on its own (`npm pack ./client`): it must reach nothing
 * of the gateway's code at run time, and every package it imports must be in its package.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const clientDir = join(import.meta.dirname, "../../client");
const sources = readdirSync(clientDir).filter((name) => name.endsWith(".ts"));
const manifest = JSON.parse(readFileSync(join(clientDir, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};
const root = JSON.parse(readFileSync(join(clientDir, "../package.json"), "utf8")) as {
  dependencies: Record<string, string>;
};

/** Every module specifier a file imports or re-exports. */
function specifiers(file: string): string[] {
  const text = readFileSync(join(clientDir, file), "utf8");
  return [...text.matchAll(/(?:import|export)[^;]*?from\s+"([^"]+)"/g)].map(
    (match) => match[1] ?? "",
  );
}

describe("client/", () => {
  it("imports only its own files and the packages its package.json names", () => {
    expect(sources).toContain("index.ts");
    for (const file of sources) {
      for (const specifier of specifiers(file)) {
        if (specifier.startsWith(".")) {
          expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[\w-]+\.ts$/);
        } else {
          expect(Object.keys(manifest.dependencies), `${file} imports ${specifier}`).toContain(
            specifier,
          );
        }
      }
    }
  });

  it("asks for the same versions of its packages as the gateway is tested with", () => {
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      expect(range, name).toBe(root.dependencies[name]);
    }
  });
});
