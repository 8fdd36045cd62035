/**
 * ZTO (中通, ZOP open platform) adapter: `zto.merchant.waybill.track.query` for tracking and
 * `zto.open.cancelPreOrder` to cancel the pickup of a parcel ZTO has not collected. ZTO offers
 * the gateway no interception here, so `actions` is empty. See README.md for what is sourced
 * and what is assumed.
 */
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import { readReply, unknownIfUnreadable } from "../http.ts";
import { createZtoClient, ZTO_CARRIER, type ZtoApiName } from "./client.ts";
import {
  buildCancelPreOrder,
  buildTrackQuery,
  parseCancelReply,
  parseTrackReply,
  unwrapZtoReply,
} from "./mapping.ts";

/** Validated settings of one ZTO app. */
export const ZtoSettingsSchema = z.object({
  /** ZOP gateway origin; the API name is the path, e.g. `https://japi-test.zto.com`. */
  baseUrl: z.url(),
  /** The app's key, sent as `x-appKey`. */
  appKey: z.string().min(1),
  /** The app's secret, used only to compute `x-dataDigest`. */
  appSecret: z.string().min(1),
});
export type ZtoSettings = z.infer<typeof ZtoSettingsSchema>;

/**
 * Creates the ZTO adapter. It takes ownership of `transport.dispatcher` (closed by `close()`);
 * give it a Pool with timeouts for the ZOP origin.
 */
export function createZtoAdapter(
  settings: ZtoSettings,
  transport: { dispatcher: Dispatcher },
): CarrierAdapterWith<"cancelPickup"> {
  const client = createZtoClient(settings, transport.dispatcher);

  async function callZto(
    api: ZtoApiName,
    payload: Record<string, unknown>,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<CarrierResult<unknown>> {
    const response = await client.call(api, payload, { signal, idempotent });
    if (!response.ok) {
      return response;
    }
    return readReply(response.value, idempotent, unwrapZtoReply);
  }

  return {
    id: ZTO_CARRIER,
    displayName: "ZTO Express",
    // No ZTO intercept API is known to the research (carriers.md §4.3), so there is no
    // intercept, redirect or cancel: intercepting a collected ZTO parcel goes through Kuaidi100
    // instead. Nothing is polled either: no interception is ever submitted.
    quotesFees: false,
    async track(trackingNumber, ctx) {
      const reply = await callZto(
        "zto.merchant.waybill.track.query",
        buildTrackQuery(trackingNumber),
        ctx.signal,
        true,
      );
      return reply.ok ? parseTrackReply(trackingNumber, reply.value) : reply;
    },
    async cancelPickup(command, ctx) {
      // Not idempotent for the HTTP helper: ZTO's answer to a repeated cancel is unknown, so a
      // call whose outcome is lost is reported as such instead of being re-sent blindly.
      const reply = await callZto(
        "zto.open.cancelPreOrder",
        buildCancelPreOrder(command),
        ctx.signal,
        false,
      );
      return reply.ok ? unknownIfUnreadable(parseCancelReply(reply.value)) : reply;
    },
    parseCallback() {
      // ZTO pushes the gateway no interception outcomes: it intercepts nothing for us, and the
      // gateway registers no ZTO push. ZTO's trace push (form fields data/data_digest) has no
      // known digest formula (carrier-wire-formats.md §5.4), so it could not be verified either.
      // Anything arriving here is unauthenticated by definition and must change nothing.
      return {
        ok: false,
        error: {
          carrier: ZTO_CARRIER,
          code: "auth_failed",
          message: "ZTO pushes no outcomes to the gateway; this push is not accepted",
          retryable: false,
        },
      };
    },
    async close() {
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;
}
