/**
 * The gateway under bench runs as it is shipped: `npm run build` once per run, then
 * `node dist/src/main.js` (what `npm start` runs). The probe preloaded into it is a bench file,
 * not part of the build, so it is transpiled on its own to plain JavaScript (it imports only
 * `node:` modules, so it runs from any folder): `node --import <probe.mjs> dist/src/main.js`.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { repoRoot } from "./procs.ts";

/** Where the compiled entry points are, relative to the repository root. */
export const compiled = {
  gateway: "dist/src/main.js",
  sandbox: "dist/src/sandbox-main.js",
};

/** Runs `npm run build`; returns its wall time in seconds. Throws with the compiler's output. */
export function buildGateway(): number {
  const started = performance.now();
  try {
    execFileSync("npm", ["run", "build"], { cwd: repoRoot, stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(
      `npm run build failed:\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`,
    );
  }
  return (performance.now() - started) / 1000;
}

const probeSource = fileURLToPath(new URL("./probe.ts", import.meta.url));

/** Writes `probe.ts` as `<directory>/probe.mjs` and returns its path. */
export function compileProbe(directory: string): string {
  const output = ts.transpileModule(readFileSync(probeSource, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: probeSource,
  });
  const file = join(directory, "probe.mjs");
  writeFileSync(file, output.outputText);
  return file;
}
