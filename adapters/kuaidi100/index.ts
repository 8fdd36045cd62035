/**
 * Kuaidi100 (快递100, an aggregator over many Chinese carriers) adapter: the real-time query
 * API for tracking, `interceptOrder` on the label API for return / redirect, and the signed
 * result callback for the outcome. One instance serves one carrier company (`company`, e.g.
 * `yuantong`); route another carrier through Kuaidi100 with a second instance. See README.md
 * for what is sourced and what is assumed.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import { readReply } from "../http.ts";
import { callbackSign, createKuaidi100Client, KUAIDI100_CARRIER } from "./client.ts";
import {
  buildInterceptParam,
  buildRedirectParam,
  buildTrackQuery,
  KUAIDI100_CALLBACK_ACK,
  parseInterceptCallback,
  parseSubmitReply,
  parseTrackReply,
  unwrapLabelReply,
} from "./mapping.ts";

export const Kuaidi100SettingsSchema = z.object({
  /** Origin (and prefix) of the label API, e.g. `https://api.kuaidi100.com`. */
  baseUrl: z.url(),
  /** Origin (and prefix) of the real-time query API, e.g. `https://poll.kuaidi100.com`. */
  queryUrl: z.url(),
  /** The account's 授权key: signs both APIs. */
  key: z.string().min(1),
  /** The label API secret (signs `interceptOrder`, never sent). */
  secret: z.string().min(1),
  /** The query API's customer id (`customer`). */
  customer: z.string().min(1),
  /** Sent as `salt` with each intercept; Kuaidi100 signs the result callback with it. */
  salt: z.string().min(8),
  /** Kuaidi100 company code of the carrier this instance serves (`kuaidicom`, `com`). */
  company: z.string().regex(/^[a-z0-9]+$/, "a lowercase Kuaidi100 company code, e.g. yuantong"),
  /** Where Kuaidi100 posts intercept results (required for ZTO, J&T and YTO). */
  callbackUrl: z.url(),
});
export type Kuaidi100Settings = z.infer<typeof Kuaidi100SettingsSchema>;

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function authFailed(message: string): CarrierResult<never> {
  return {
    ok: false,
    error: { carrier: KUAIDI100_CARRIER, code: "auth_failed", message, retryable: false },
  };
}

/**
 * Creates the Kuaidi100 adapter. It takes ownership of the dispatchers (closed by `close()`).
 * `dispatcher` serves the label API; `queryDispatcher` the query API when it lives on another
 * origin (a Pool talks to one origin only); without it, `dispatcher` serves both.
 */
export function createKuaidi100Adapter(
  settings: Kuaidi100Settings,
  transport: { dispatcher: Dispatcher; queryDispatcher?: Dispatcher },
): CarrierAdapterWith<"intercept" | "redirect"> {
  const queryDispatcher = transport.queryDispatcher ?? transport.dispatcher;
  const client = createKuaidi100Client(settings, {
    label: transport.dispatcher,
    query: queryDispatcher,
  });
  const defaults = {
    company: settings.company,
    salt: settings.salt,
    callbackUrl: settings.callbackUrl,
  };

  async function submit(param: unknown, reference: string, signal: AbortSignal) {
    const response = await client.label("interceptOrder", param, { signal });
    if (!response.ok) {
      return response;
    }
    // The label API is only called for writes (never idempotent).
    const reply = readReply(response.value, false, unwrapLabelReply);
    return reply.ok ? { ok: true as const, value: parseSubmitReply(reference) } : reply;
  }

  return {
    id: KUAIDI100_CARRIER,
    displayName: "Kuaidi100",
    // interceptOrder has no withdrawal (the research found none), so there is no `cancel`; and
    // "所有快递公司的拦截状态均通过回调返回": every result comes back by callback, so no poll.
    quotesFees: false,
    async track(trackingNumber, ctx) {
      const response = await client.query(buildTrackQuery(settings.company, trackingNumber), {
        signal: ctx.signal,
      });
      return response.ok ? parseTrackReply(trackingNumber, response.value) : response;
    },
    intercept: (command, ctx) =>
      submit(buildInterceptParam(command, defaults), command.reference, ctx.signal),
    redirect: (command, ctx) =>
      submit(buildRedirectParam(command, defaults), command.reference, ctx.signal),
    parseCallback(request) {
      const form = new URLSearchParams(request.body);
      const param = form.get("param");
      const sign = form.get("sign");
      if (param === null || sign === null) {
        return authFailed("Kuaidi100 callback without param and sign");
      }
      if (!sameSecret(sign.toUpperCase(), callbackSign(param, settings.salt))) {
        return authFailed("Kuaidi100 callback signature does not match the configured salt");
      }
      const reports = parseInterceptCallback(param, request.receivedAt);
      if (!reports.ok) {
        return reports;
      }
      return {
        ok: true,
        value: {
          reports: reports.value,
          reply: {
            status: 200,
            contentType: "application/json;charset=UTF-8",
            body: JSON.stringify(KUAIDI100_CALLBACK_ACK),
          },
        },
      };
    },
    async close() {
      if (queryDispatcher !== transport.dispatcher) {
        await queryDispatcher.close();
      }
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;
}
