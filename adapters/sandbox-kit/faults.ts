/**
 * Fault injection for a carrier's wire routes. A faulted call never reaches the carrier's
 * business logic, so it is never recorded in the parcel's `calls`.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context, MiddlewareHandler } from "hono";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import { takeFault, type World } from "./world.ts";

export type SandboxEnv = { Bindings: Partial<HttpBindings> };

/** Holds the request until the client gives up, or the sandbox closes (so tests never hang). */
function holdUntilGone(c: Context<SandboxEnv>, world: World): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      resolve();
    };
    if (world.lifetime.signal.aborted) {
      resolve();
      return;
    }
    world.lifetime.signal.addEventListener("abort", done, { once: true });
    c.req.raw.signal.addEventListener("abort", done, { once: true });
    const socket = c.env?.incoming?.socket;
    if (socket !== undefined) {
      socket.once("close", done);
    }
  });
}

/**
 * Middleware for one carrier's wire routes that applies the next pending fault.
 * `rateLimited` builds the carrier's own throttling answer (each carrier says "slow down"
 * differently; SF answers HTTP 200 with `A1005`).
 */
export function createFaultMiddleware(
  world: World,
  carrier: CarrierId,
  rateLimited: (c: Context<SandboxEnv>) => Response | Promise<Response>,
): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const fault = takeFault(world, carrier);
    switch (fault) {
      case null:
        await next();
        return;
      case "error500":
        return c.text("Internal Server Error (sandbox fault)", 500);
      case "rate_limited":
        return rateLimited(c);
      case "timeout": {
        await holdUntilGone(c, world);
        // Nobody is listening any more; the socket is gone or the sandbox is closing.
        c.env?.incoming?.socket.destroy();
        return c.body(null, 504);
      }
      case "reset": {
        const socket = c.env?.incoming?.socket;
        if (socket === undefined) {
          // In-process `app.request()` has no socket to cut; this is the closest stand-in.
          throw new Error("sandbox reset fault: connection reset");
        }
        // Read the request fully first so the reset lands after the carrier "received" it.
        await c.req.arrayBuffer();
        socket.destroy();
        return c.body(null, 502);
      }
    }
  };
}
