/**
 * `npm start` runs compiled JavaScript, and what it runs needs no dev dependency: the build
 * (`npm run build`, which `npm start` runs first) is started as it is shipped, from a folder whose
 * node_modules holds only the production packages of package-lock.json, on loopback with a
 * temporary SQLite file. Without tsx, vitest or typescript there, a module that still needs one
 * fails the start.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../integration/loopback.ts";
import { type ChildGateway, waitReady } from "../reliability/child-gateway.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "gateway-build-"));
const packageJson = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/**
 * The build compiles the whole gateway: about 15 s on a quiet machine, minutes on a loaded one.
 * The bound only turns a hang into a failure.
 */
const BUILD_TIMEOUT_MS = 300_000;

let running: ChildGateway | undefined;

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    // Each child leads its own process group: `npm start` runs the gateway in a shell under it.
    process.kill(-(running.child.pid ?? 0), "SIGKILL");
    await running.exited;
  }
  running = undefined;
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

beforeAll(async () => {
  await run("npm", ["run", "build"], root);
}, BUILD_TIMEOUT_MS);

describe("the production start", () => {
  it(
    "npm start builds, then runs dist/src/main.js: the demo answers on loopback",
    async () => {
      running = await startGateway("npm", ["start"], root, "npm-start.db");
      await waitReady(running, BUILD_TIMEOUT_MS);
      await expectServing(running);
      expect(running.output(), "npm echoes the script it runs").toContain("node dist/src/main.js");
      expect(running.output()).toContain("Merchant:  mer_demo");
    },
    BUILD_TIMEOUT_MS,
  );

  it("the build runs with only the production packages installed: /healthz and /docs answer", async () => {
    const shipped = join(directory, "shipped");
    cpSync(join(root, "dist"), join(shipped, "dist"), { recursive: true });
    // "type": "module": dist's .js files are ES modules.
    cpSync(join(root, "package.json"), join(shipped, "package.json"));
    const installed = linkProductionPackages(join(shipped, "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(Object.keys(packageJson.dependencies)));
    for (const name of Object.keys(packageJson.devDependencies)) {
      expect(installed, `${name} is a dev dependency`).not.toContain(name);
    }

    running = await startGateway(process.execPath, ["dist/src/main.js"], shipped, "shipped.db");
    await waitReady(running);
    await expectServing(running);
    // Migrations are read from dist/drizzle: the demo merchant is stored.
    expect(running.output()).toContain("Merchant:  mer_demo");
  });

  it("no module in dist imports a package that is not a production dependency", () => {
    const offending: string[] = [];
    for (const file of javaScriptFiles(join(root, "dist"))) {
      for (const specifier of bareSpecifiers(readFileSync(file, "utf8"))) {
        if (!isBuiltin(specifier) && !(packageName(specifier) in packageJson.dependencies)) {
          offending.push(`${relative(root, file)}: ${specifier}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

/** Resolves once `command` exits 0; rejects with its output otherwise. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: BUILD_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(" ")} failed:\n${stdout}${stderr}`));
      } else {
        resolve();
      }
    });
  });
}

/**
 * Starts the gateway in demo mode (its own sandboxes) on free loopback ports with a fresh SQLite
 * file, in a process group of its own so the whole tree can be stopped.
 */
async function startGateway(
  command: string,
  args: string[],
  cwd: string,
  database: string,
): Promise<ChildGateway> {
  const port = await freePort();
  const child: ChildProcess = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(port),
      SANDBOX_PORT: String(await freePort()),
      DATABASE_URL: `file:${join(directory, database)}`,
      LOG_LEVEL: "error",
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { url: `http://127.0.0.1:${port}`, child, exited, output: () => output };
}

/** /healthz, and /docs with its Swagger UI script read from the swagger-ui-dist package. */
async function expectServing(gateway: ChildGateway): Promise<void> {
  const health = await fetch(`${gateway.url}/healthz`);
  expect(health.status, gateway.output()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const script = await fetch(`${gateway.url}/docs/assets/swagger-ui-bundle.js`);
  expect(script.status, gateway.output()).toBe(200);
  expect((await script.text()).length).toBeGreaterThan(100_000);
}

/**
 * Links, under `nodeModules`, every top-level package of package-lock.json marked neither `dev`
 * nor `devOptional` (wanted by a dev dependency, or only as an optional peer such as drizzle's
 * `@types/better-sqlite3`), and returns their names. Slightly less than `npm ci --omit=dev`
 * installs, so the start proves that none of them is needed either.
 */
function linkProductionPackages(nodeModules: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  const names: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, "");
    const installed = join(root, path);
    // The root entry (""), nested copies (inside another package) and skipped optional ones.
    if (
      !path.startsWith("node_modules/") ||
      name.includes("/node_modules/") ||
      entry.dev ||
      entry.devOptional
    ) {
      continue;
    }
    if (!existsSync(installed)) {
      continue;
    }
    mkdirSync(dirname(join(nodeModules, name)), { recursive: true });
    symlinkSync(realpathSync(installed), join(nodeModules, name), "dir");
    names.push(name);
  }
  return names;
}

function javaScriptFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".js"))
    .map((name) => join(folder, name));
}

/**
 * The bare specifiers a compiled module loads: static and dynamic imports, re-exports, and
 * `require.resolve` through createRequire (how /docs finds swagger-ui-dist). Relative ones are
 * the build's own files.
 */
function bareSpecifiers(source: string): string[] {
  // No whitespace in a specifier: the word "from" ending a string literal (a label, a query
  // parameter's name) is then not read as an import.
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\bresolve\(\s*)["']([^"'./\s][^"'\s]*)["']/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? "");
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}
