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
import { carrierPushSecret, newSandboxSecret } from "./secret.ts";
import { composeSandboxApp, type RunningSandbox as ServedSandbox, serveSandbox } from "./serve.ts";
import { createWorld, type World } from "./world.ts";

/** The running sandboxes and the run secret their push secrets derive from (secret.ts). */
export type RunningSandbox = ServedSandbox & { secret: string };

/**
 * Each carrier's sandbox, mounted at `/<carrier>`; a carrier id without one fails tsc. SF, UPS
 * and Kuaidi100 get their push secret from the push URL or the request; Cainiao signs its pushes
 * with its app secret, so that one is the run's.
 */
const sandboxes: Record<CarrierId, (world: World, secret: string) => Hono<SandboxEnv>> = {
  "sf-express": (world) => createSfExpressSandbox(world),
  ups: (world) => createUpsSandbox(world),
  jd: (world) => createJdSandbox(world),
  kuaidi100: (world) => createKuaidi100Sandbox(world),
  cainiao: (world, secret) =>
    createCainiaoSandbox(world, { appSecret: carrierPushSecret(secret, "cainiao") }),
  zto: (world) => createZtoSandbox(world),
};

/** Builds the sandbox app (control API + every carrier) over the given world and run secret. */
export function createSandboxApp(world: World, secret: string): Hono<SandboxEnv> {
  const mounts = Object.entries(sandboxes).map(([carrier, create]) => ({
    basePath: `/${carrier}`,
    app: create(world, secret),
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
