/**
 * Runs the real gateway (`src/main.ts`) as a child process, so a test can SIGKILL or SIGTERM it
 * and start it again on the same database. The sandboxes usually stay in the test process (pass
 * their URL), so they outlive the gateway; `spawnSandbox` runs them as a process of their own,
 * for tests with several gateways.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: `src/main.ts` is resolved from here. */
const root = fileURLToPath(new URL("../../", import.meta.url));

export interface ChildGatewayOptions {
  port: number;
  /** The SQLite file; or `databaseUrl` (e.g. `postgres://…`, shared by several gateways). */
  databasePath?: string;
  databaseUrl?: string;
  /** The test's sandboxes: their URL and run secret (SANDBOX_URL, SANDBOX_SECRET). */
  sandbox: { url: string; secret: string };
  adminToken: string;
  /** Extra or overriding variables. */
  env?: Record<string, string>;
}

export interface ChildGateway {
  url: string;
  child: ChildProcess;
  /** Resolves once the process has exited, with its code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote so far (for assertion messages). */
  output(): string;
}

/** Spawns `node --import tsx src/main.ts` with only the variables the test sets. */
export function spawnGateway(options: ChildGatewayOptions): ChildGateway {
  const url = `http://127.0.0.1:${options.port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    GATEWAY_HOST: "127.0.0.1",
    GATEWAY_PORT: String(options.port),
    PUBLIC_URL: url,
    DATABASE_URL: options.databaseUrl ?? `file:${options.databasePath}`,
    SANDBOX_URL: options.sandbox.url,
    SANDBOX_SECRET: options.sandbox.secret,
    ADMIN_TOKEN: options.adminToken,
    LOG_LEVEL: "error",
    WORKER_INTERVAL_MS: "50",
    // Short, so a restarted gateway soon retakes the dead one's jobs; the lease must stay above
    // twice the request deadline.
    REQUEST_DEADLINE_MS: "2500",
    JOB_LEASE_MS: "6000",
    CARRIER_RETRY_MIN_DELAY_MS: "10",
    CARRIER_RETRY_MAX_DELAY_MS: "50",
    ...options.env,
  };
  return spawnScript("src/main.ts", url, env);
}

/**
 * Spawns `npm run sandbox`'s script (`src/sandbox-main.ts`) on `port`: every carrier sandbox,
 * pushing outcomes to `gatewayUrl`, with push secrets derived from `secret`.
 */
export function spawnSandbox(options: {
  port: number;
  gatewayUrl: string;
  secret: string;
}): ChildGateway {
  return spawnScript("src/sandbox-main.ts", `http://127.0.0.1:${options.port}`, {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    SANDBOX_PORT: String(options.port),
    GATEWAY_URL: options.gatewayUrl,
    SANDBOX_SECRET: options.secret,
  });
}

/** Runs one of the repository's scripts with tsx, keeping its output for assertion messages. */
function spawnScript(script: string, url: string, env: Record<string, string>): ChildGateway {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output += chunk.toString("utf8");
    if (output.length > 200_000) {
      output = output.slice(-100_000);
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { url, child, exited, output: () => output };
}

/** Waits until `path` answers 200; throws with the child's output after `timeoutMs`. */
export async function waitReady(
  gateway: ChildGateway,
  timeoutMs = 20_000,
  path = "/readyz",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  void gateway.exited.then(() => {
    exitedEarly = true;
  });
  for (;;) {
    try {
      const response = await fetch(`${gateway.url}${path}`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (exitedEarly || Date.now() > deadline) {
      throw new Error(
        `gateway at ${gateway.url} not ready (exited: ${exitedEarly}); output:\n${gateway.output()}`,
      );
    }
    await sleep(50);
  }
}

/** Kills the child (if still running) and waits for it to be gone. */
export async function killGateway(
  gateway: ChildGateway | undefined,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<void> {
  if (!gateway) {
    return;
  }
  if (gateway.child.exitCode === null && gateway.child.signalCode === null) {
    gateway.child.kill(signal);
  }
  await gateway.exited;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
