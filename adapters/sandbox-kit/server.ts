/**
 * One process serving every carrier sandbox under its own path prefix plus the shared control
 * API. Used by `npm run sandbox`, by `npm start` without credentials, and by the contract tests.
 */
import { Hono } from "hono";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { createSfExpressSandbox, type SfExpressSandboxConfig } from "../sf-express/sandbox.ts";
import type { SandboxEnv } from "./faults.ts";
import { composeSandboxApp, type RunningSandbox, serveSandbox } from "./serve.ts";
import { createWorld, type World } from "./world.ts";

export type { RunningSandbox } from "./serve.ts";

export interface SandboxCarrierConfig {
  "sf-express"?: Partial<SfExpressSandboxConfig>;
}

/** Each carrier's sandbox, mounted at its prefix; a carrier id without one fails tsc. */
const sandboxes: Record<
  CarrierId,
  (world: World, config: SandboxCarrierConfig) => { basePath: string; app: Hono<SandboxEnv> }
> = {
  "sf-express": (world, config) => ({
    basePath: "/sf-express",
    app: createSfExpressSandbox(world, config["sf-express"]),
  }),
};

/** Builds the sandbox app (control API + every carrier) over the given world. */
export function createSandboxApp(
  world: World,
  config: SandboxCarrierConfig = {},
): Hono<SandboxEnv> {
  const mounts = Object.values(sandboxes).map((factory) => factory(world, config));
  return composeSandboxApp(world, mounts, new Hono<SandboxEnv>());
}

export interface StartSandboxOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where each carrier pushes outcomes (the gateway's callback URL, with any token). */
  pushUrls?: Partial<Record<CarrierId, string>>;
  carriers?: SandboxCarrierConfig;
}

/** Starts every carrier sandbox on loopback. */
export function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const world = createWorld(options.pushUrls);
  return serveSandbox(createSandboxApp(world, options.carriers), world, options);
}
