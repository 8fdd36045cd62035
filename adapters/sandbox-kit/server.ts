/**
 * One process serving every carrier sandbox under its own path prefix plus the shared control
 * API. Used by `npm run sandbox` and by `npm start` without credentials.
 */
import { Hono } from "hono";
import { type CarrierId, carrierIds } from "../../contracts/carrier-adapter.ts";
import { carrierDefinitions } from "../../src/carriers/definitions.ts";
import type { SandboxEnv } from "./faults.ts";
import { newSandboxSecret } from "./secret.ts";
import { composeSandboxApp, type RunningSandbox as ServedSandbox, serveSandbox } from "./serve.ts";
import { createWorld, type World } from "./world.ts";

/** The running sandboxes and the run secret their push secrets derive from (secret.ts). */
export type RunningSandbox = ServedSandbox & { secret: string };

/** Builds the sandbox app (control API + every carrier) over the given world and run secret. */
export function createSandboxApp(world: World, secret: string): Hono<SandboxEnv> {
  // Each carrier's sandbox comes from its definition, mounted at `/<carrier>`.
  const mounts = carrierIds.map((carrier) => ({
    basePath: `/${carrier}`,
    app: carrierDefinitions[carrier].sandbox.app(world, secret),
  }));
  return composeSandboxApp(world, mounts, new Hono<SandboxEnv>());
}

export interface StartSandboxOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where each carrier pushes outcomes (the gateway's callback URL, with any token). */
  pushUrls?: Partial<Record<CarrierId, string>>;
  /** A fixed delay before every answer, per carrier (benchmarks). */
  latencyMs?: Partial<Record<CarrierId, number>>;
  /** The run secret (SANDBOX_SECRET); a fresh random one when not given. */
  secret?: string;
}

/** Starts every carrier sandbox on loopback. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const secret = options.secret ?? newSandboxSecret();
  const world = createWorld(options.pushUrls);
  Object.assign(world.latencyMs, options.latencyMs);
  const running = await serveSandbox(createSandboxApp(world, secret), world, options);
  return { ...running, secret };
}
