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
    const latency = world.latencyMs[carrier] ?? 0;
    if (latency > 0) {
      await sleep(latency);
    }
    const fault = takeFault(world, carrier);
    if (fault === null) {
      await next();
      return;
    }
    switch (fault.mode) {
      case "error500":
        return c.text("Internal Server Error (sandbox fault)", 500);
      case "rate_limited":
        return rateLimited(c);
      case "http429":
        return c.text("Too Many Requests (sandbox fault)", 429, {
          "retry-after": String(fault.retryAfterSeconds ?? 1),
        });
      case "latency":
        await sleep(fault.delayMs ?? 1_000);
        await next();
        return;
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
      case "reset_mid_body": {
        await c.req.arrayBuffer();
        const socket = c.env?.incoming?.socket;
        return streamed(c, 200, (controller, step) => {
          if (step === 0) {
            controller.enqueue(encoder.encode('{"partial": "reply, cut'));
            return true;
          }
          socket?.destroy();
          controller.error(new Error("sandbox reset mid-body"));
          return false;
        });
      }
      case "trickle": {
        await c.req.arrayBuffer();
        const delay = fault.delayMs ?? 500;
        return streamed(c, 200, async (controller, step) => {
          await sleep(delay);
          if (step < 20) {
            controller.enqueue(encoder.encode(" "));
            return true;
          }
          controller.enqueue(encoder.encode("{}"));
          return false;
        });
      }
      case "oversized": {
        await c.req.arrayBuffer();
        let left = fault.bytes ?? 10 * 1024 * 1024;
        const chunk = encoder.encode("x".repeat(64 * 1024));
        return streamed(c, 200, (controller) => {
          const size = Math.min(left, chunk.length);
          controller.enqueue(chunk.subarray(0, size));
          left -= size;
          return left > 0;
        });
      }
      case "garbage":
        return c.body("<html><body>502 Bad Gateway (sandbox garbage)</body></html>", 200, {
          "content-type": "application/json",
        });
    }
  };
}

const encoder = new TextEncoder();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A reply whose body is produced chunk by chunk: `write` enqueues the next chunk and says
 * whether more follow.
 */
function streamed(
  c: Context<SandboxEnv>,
  status: 200,
  write: (
    controller: ReadableStreamDefaultController<Uint8Array>,
    step: number,
  ) => boolean | Promise<boolean>,
): Response {
  let step = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const more = await write(controller, step);
      step += 1;
      if (!more) {
        try {
          controller.close();
        } catch {
          // Already errored (reset_mid_body): nothing to close.
        }
      }
    },
  });
  return c.body(body, status, { "content-type": "application/json" });
}
