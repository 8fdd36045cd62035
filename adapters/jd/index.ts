/**
 * JD Logistics (京东物流, JOS `routerjson`) adapter: `jingdong.ldop.receive.trace.get` for
 * tracking and for polling outcomes, `jingdong.ldop.receive.order.intercept` for interceptions
 * and, before collection, pickup cancels. JD pushes nothing we could verify, so outcomes are
 * polled. See README.md for what is sourced and what is assumed.
 */
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import { readReply, unknownIfUnreadable } from "../http.ts";
import { createJdClient, JD_CARRIER, type JdMethod } from "./client.ts";
import {
  buildIntercept,
  buildPickupCancel,
  buildTraceQuery,
  outcomeOfTraces,
  parseInterceptReply,
  parseTrackReply,
  unwrapJdReply,
} from "./mapping.ts";

export const JdSettingsSchema = z.object({
  /** Full URL of the JOS router, e.g. `https://api.jd.com/routerjson`. */
  baseUrl: z.url(),
  /** The JOS app's `app_key`. */
  appKey: z.string().min(1),
  /** The JOS app's secret, used only to sign. */
  appSecret: z.string().min(1),
  /** The merchant's OAuth `access_token` for this app (test tokens last 24 h). */
  accessToken: z.string().min(1),
  /** 商家编码: `vendorCode` of the intercept and `customerCode` of the trace query. */
  vendorCode: z.string().min(1),
});
export type JdSettings = z.infer<typeof JdSettingsSchema>;

/**
 * Creates the JD adapter. It takes ownership of `transport.dispatcher` (closed by `close()`);
 * give it a Pool with timeouts for the JOS origin.
 */
export function createJdAdapter(
  settings: JdSettings,
  transport: { dispatcher: Dispatcher },
): CarrierAdapterWith<"intercept" | "pollOutcome" | "cancelPickup"> {
  const client = createJdClient(settings, transport.dispatcher);

  async function callJd(
    method: JdMethod,
    params: Record<string, unknown>,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<CarrierResult<Record<string, unknown>>> {
    const response = await client.call(method, params, { signal, idempotent });
    if (!response.ok) {
      return response;
    }
    return readReply(response.value, idempotent, (reply) =>
      unwrapJdReply(reply, method, idempotent),
    );
  }

  async function track(
    trackingNumber: string,
    signal: AbortSignal,
  ): ReturnType<CarrierAdapter["track"]> {
    const reply = await callJd(
      "jingdong.ldop.receive.trace.get",
      buildTraceQuery(trackingNumber, settings.vendorCode),
      signal,
      true,
    );
    return reply.ok ? parseTrackReply(trackingNumber, reply.value) : reply;
  }

  return {
    id: JD_CARRIER,
    displayName: "JD Logistics",
    // No redirect API was found for JD (carriers.md §4.2), nor a way to withdraw an accepted
    // interception, so neither operation is here.
    quotesFees: false,
    track: (trackingNumber, ctx) => track(trackingNumber, ctx.signal),
    async intercept(command, ctx) {
      const reply = await callJd(
        "jingdong.ldop.receive.order.intercept",
        buildIntercept(command, settings.vendorCode, new Date()),
        ctx.signal,
        false,
      );
      if (!reply.ok) {
        return reply;
      }
      const accepted = unknownIfUnreadable(parseInterceptReply(reply.value));
      // JD returns no id of its own: the reference sent as `cancelOperator` names the request.
      return accepted.ok
        ? { ok: true, value: { carrierReference: command.reference, fee: null } }
        : accepted;
    },
    // "异步返回,建议轮询": the result is asynchronous and must be polled.
    async pollOutcome(query, ctx) {
      const tracked = await track(query.trackingNumber, ctx.signal);
      return tracked.ok
        ? { ok: true, value: outcomeOfTraces(tracked.value, query.submittedAt) }
        : tracked;
    },
    // The intercept API cancels the waybill when JD has not collected it yet.
    async cancelPickup(command, ctx) {
      const reply = await callJd(
        "jingdong.ldop.receive.order.intercept",
        buildPickupCancel(command, settings.vendorCode, new Date()),
        ctx.signal,
        false,
      );
      if (!reply.ok) {
        return reply;
      }
      // 100 cancelled now, 108 cancelled before: either way the pickup no longer happens.
      const accepted = unknownIfUnreadable(parseInterceptReply(reply.value));
      return accepted.ok ? { ok: true, value: { cancelled: true } } : accepted;
    },
    parseCallback() {
      // Outcomes are polled; JD pushes nothing this gateway subscribes to, so any push is forged.
      return {
        ok: false,
        error: {
          carrier: JD_CARRIER,
          code: "auth_failed",
          message: "JD does not push to this gateway; outcomes are polled",
          retryable: false,
        },
      };
    },
    async close() {
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;
}
