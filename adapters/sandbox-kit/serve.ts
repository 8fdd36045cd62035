/**
 * Serves a sandbox app on loopback with a push sender, independent of which carriers it holds:
 * `server.ts` uses it for every carrier at once, an adapter's own tests for just theirs.
 */
import type { Server } from "node:http";
import { type HttpBindings, serve } from "@hono/node-server";
import type { Hono } from "hono";
import { Agent, request } from "undici";
import { createControlRoutes } from "./control.ts";
import type { SandboxEnv } from "./faults.ts";
import type { PushSender, World } from "./world.ts";

export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`. SF's endpoint is `${url}/sf-express/std/service`. */
  url: string;
  world: World;
  close(): Promise<void>;
}

/** A mounted carrier sandbox: its wire routes under its own path prefix. */
export interface SandboxMount {
  basePath: string;
  app: Hono<SandboxEnv>;
}

function createPushSender(agent: Agent): PushSender {
  return async (push) => {
    const response = await request(push.url, {
      dispatcher: agent,
      method: "POST",
      headers: { ...push.headers, "content-type": push.contentType },
      body: push.body,
    });
    // The answer is read whole: it is what tells the carrier whether the push was acknowledged.
    return { status: response.statusCode, body: await response.body.text() };
  };
}

/** Builds one app: the shared control API plus the given carrier sandboxes. */
export function composeSandboxApp(
  world: World,
  mounts: SandboxMount[],
  app: Hono<SandboxEnv>,
): Hono<SandboxEnv> {
  app.route("/", createControlRoutes(world));
  for (const mount of mounts) {
    app.route(mount.basePath, mount.app);
  }
  app.get("/_sandbox/health", (c) => c.json({ ok: true }));
  return app;
}

/** Serves `app` over `world` on loopback; `close()` releases held requests, timers and sockets. */
export async function serveSandbox(
  app: Hono<SandboxEnv>,
  world: World,
  options: { port: number; host?: string },
): Promise<RunningSandbox> {
  const agent = new Agent({
    connectTimeout: 2_000,
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
    keepAliveTimeout: 1_000,
  });
  world.sendPush = createPushSender(agent);
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
