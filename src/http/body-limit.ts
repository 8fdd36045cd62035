/**
 * The request body limit, checked before any handler or parser.
 *
 * hono's `bodyLimit` counts a body while streaming it, which is what a chunked body needs, but
 * it reads `c.req.raw.body` on every request, and that makes @hono/node-server build a full web
 * Request with its streams even for a GET. A body of declared length needs no counting: Node's
 * HTTP parser never reads past Content-Length, so the header alone decides. Everything else
 * (chunked, Transfer-Encoding next to Content-Length) still goes through hono's counter.
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

export function limitRequestBodies(
  maxSize: number,
  onError: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const countWhileStreaming = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const chunked = c.req.header("transfer-encoding") !== undefined;
    const declared = c.req.header("content-length");
    if (!chunked && declared !== undefined) {
      return Number(declared) > maxSize ? onError(c) : next();
    }
    if (!chunked && (c.req.method === "GET" || c.req.method === "HEAD")) {
      // No body to read: these routes never parse one.
      return next();
    }
    return countWhileStreaming(c, next);
  };
}
