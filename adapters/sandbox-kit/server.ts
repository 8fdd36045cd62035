/**
 * One process serving every carrier sandbox under its own path prefix plus the shared control
 * API. Used by `npm run sandbox`, by `npm start` without credentials, and by the contract tests.
 */
import type { Server } from "node:http";
import { type HttpBindings, serve } from "@hono/node-server";
import { Hono } from "hono";
import { Agent, request } from "undici";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { createSfExpressSandbox, type SfExpressSandboxConfig } from "../sf-express/sandbox.ts";
import { createControlRoutes } from "./control.ts";
import type { SandboxEnv } from "./faults.ts";
import { createWorld, type PushSender, type World } from "./world.ts";

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
  const app = new Hono<SandboxEnv>();
  app.route("/", createControlRoutes(world));
  for (const factory of Object.values(sandboxes)) {
    const mounted = factory(world, config);
    app.route(mounted.basePath, mounted.app);
  }
  app.get("/_sandbox/health", (c) => c.json({ ok: true }));
  return app;
}

export interface StartSandboxOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Where each carrier pushes outcomes (the gateway's callback URL, with any token). */
  pushUrls?: Partial<Record<CarrierId, string>>;
  carriers?: SandboxCarrierConfig;
}

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`. SF's endpoint is `${url}/sf-express/std/service`. */
  url: string;
  world: World;
  close(): Promise<void>;
}

function createPushSender(agent: Agent): PushSender {
  return async (push) => {
    const response = await request(push.url, {
      dispatcher: agent,
      method: "POST",
      headers: { "content-type": push.contentType },
      body: push.body,
    });
    await response.body.text();
    return response.statusCode;
  };
}

/** Starts the sandboxes on loopback; `close()` releases held requests, timers and sockets. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const world = createWorld(options.pushUrls);
  const agent = new Agent({
    connectTimeout: 2_000,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
    keepAliveTimeout: 1_000,
  });
  world.sendPush = createPushSender(agent);
  const app = createSandboxApp(world, options.carriers);
  const host = options.host ?? "127.0.0.1";

  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve) => {
    // The default createServer is node:http, so the returned server is an http.Server.
    const started = serve(
      {
        // HTTP/1 server, so the bindings are always HttpBindings (never the HTTP/2 variant).
        fetch: (req, env) => app.fetch(req, env as HttpBindings),
        port: options.port,
        hostname: host,
      },
      (info) => {
        resolve({ server: started as Server, port: info.port });
      },
    );
  });

  return {
    url: `http://${host}:${port}`,
    world,
    close: async () => {
      world.lifetime.abort();
      for (const timer of world.timers) {
        clearTimeout(timer);
      }
      world.timers.clear();
      world.sendPush = null;
      const closed = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      server.closeAllConnections();
      await closed;
      await agent.close();
    },
  };
}
