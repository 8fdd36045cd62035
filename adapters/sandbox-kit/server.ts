/**
 * One process serving every carrier sandbox under its own path prefix plus the shared control
 * API. Used by `npm run sandbox` and by `npm start` without credentials.
 */
import { Hono } from "hono";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { createCainiaoSandbox } from "../cainiao/sandbox.ts";
import { createJdSandbox } from "../jd/sandbox.ts";
import { createKuaidi100Sandbox } from "../kuaidi100/sandbox.ts";
import { createSfExpressSandbox } from "../sf-express/sandbox.ts";
import { createUpsSandbox } from "../ups/sandbox.ts";
import { createZtoSandbox } from "../zto/sandbox.ts";
import type { SandboxEnv } from "./faults.ts";
import { composeSandboxApp, type RunningSandbox, serveSandbox } from "./serve.ts";
import { createWorld, type World } from "./world.ts";

export type { RunningSandbox } from "./serve.ts";

/** Each carrier's sandbox, mounted at `/<carrier>`; a carrier id without one fails tsc. */
const sandboxes: Record<CarrierId, (world: World) => Hono<SandboxEnv>> = {
  "sf-express": (world) => createSfExpressSandbox(world),
  ups: (world) => createUpsSandbox(world),
  jd: (world) => createJdSandbox(world),
  kuaidi100: (world) => createKuaidi100Sandbox(world),
  cainiao: (world) => createCainiaoSandbox(world),
  zto: (world) => createZtoSandbox(world),
};

/** Builds the sandbox app (control API + every carrier) over the given world. */
export function createSandboxApp(world: World): Hono<SandboxEnv> {
  const mounts = Object.entries(sandboxes).map(([carrier, create]) => ({
    basePath: `/${carrier}`,
    app: create(world),
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
}

/** Starts every carrier sandbox on loopback. */
export function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const world = createWorld(options.pushUrls);
  Object.assign(world.latencyMs, options.latencyMs);
  return serveSandbox(createSandboxApp(world), world, options);
}
