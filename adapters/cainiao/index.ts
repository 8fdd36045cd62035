/**
 * Cainiao / Taobao TOP adapter: `taobao.logistics.erp.delivery.cut` (ERP发起配拦截) to stop a
 * parcel, `taobao.logistics.trace.get` for tracking, and the delivery-cut result notification
 * (`taobao.logistics.express.delivery.cut.notify`) as the signed push. See README.md for what is
 * sourced and what is assumed.
 */
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierError,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import { chinaTimeToIso } from "../china-time.ts";
import { readReply, unknownIfUnreadable } from "../http.ts";
import {
  CAINIAO_CARRIER,
  createCainiaoClient,
  DELIVERY_CUT_METHOD,
  TOP_SIGN_METHOD,
  type TopMethod,
  TRACE_METHOD,
  verifyTopSign,
} from "./client.ts";
import {
  buildDeliveryCut,
  buildTraceQuery,
  CUT_NOTIFY_ACK,
  deliveryCutParams,
  parseCutNotify,
  parseDeliveryCutReply,
  parseTraceReply,
  unwrapTopReply,
} from "./mapping.ts";

/** What the adapter needs: the TOP gateway URL, app credentials, session and carrier code. */
export const CainiaoSettingsSchema = z.object({
  /** Full TOP gateway URL, e.g. `https://eco.taobao.com/router/rest`. */
  baseUrl: z.url(),
  /** The TOP app's `app_key`. */
  appKey: z.string().min(1),
  /** The TOP app secret: signs our calls and verifies the result notifications. */
  appSecret: z.string().min(1),
  /** The seller's access token, sent as `session`. */
  session: z.string().min(1),
  /** `tms_cp_code`: the express company the parcels travel with (e.g. `YTO`). */
  cpCode: z.string().min(1),
  /**
   * A push stamped further than this from the time it arrives is refused, like a bad sign: a
   * captured push cannot be replayed later. TOP holds its own callers to ±10 min.
   */
  pushWindowMs: z.number().int().min(1),
});
export type CainiaoSettings = z.infer<typeof CainiaoSettingsSchema>;

function pushRefused(message: string): { ok: false; error: CarrierError } {
  return {
    ok: false,
    error: { carrier: CAINIAO_CARRIER, code: "auth_failed", message, retryable: false },
  };
}

/** Reads a callback body (form-encoded) into a flat record; the last value of a key wins. */
function formParams(body: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    params[key] = value;
  }
  return params;
}

/**
 * Creates the Cainiao adapter. It takes ownership of `transport.dispatcher` (closed by
 * `close()`); give it a Pool with timeouts for the TOP origin.
 */
export function createCainiaoAdapter(
  settings: CainiaoSettings,
  transport: { dispatcher: Dispatcher },
): CarrierAdapterWith<"intercept"> {
  const client = createCainiaoClient(settings, transport.dispatcher);

  async function callTop(
    method: TopMethod,
    params: Record<string, string>,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<CarrierResult<unknown>> {
    const response = await client.call(method, params, { signal, idempotent });
    if (!response.ok) {
      return response;
    }
    return readReply(response.value, idempotent, (reply) => unwrapTopReply(reply, method));
  }

  return {
    id: CAINIAO_CARRIER,
    displayName: "Cainiao (Taobao TOP)",
    // The delivery cut returns a parcel to the sender; TOP offers no reroute with it, and the
    // merchant cannot withdraw it (cut.notify status 3, 拦截取消, is the carrier withdrawing it).
    quotesFees: false,
    async track(trackingNumber, ctx) {
      const reply = await callTop(
        TRACE_METHOD,
        buildTraceQuery(trackingNumber, settings.cpCode),
        ctx.signal,
        true,
      );
      return reply.ok ? parseTraceReply(trackingNumber, reply.value) : reply;
    },
    async intercept(command, ctx) {
      const request = buildDeliveryCut(command, settings.cpCode, new Date());
      const reply = await callTop(
        DELIVERY_CUT_METHOD,
        deliveryCutParams(request),
        ctx.signal,
        false,
      );
      return reply.ok
        ? unknownIfUnreadable(parseDeliveryCutReply(reply.value, command.reference))
        : reply;
    },
    parseCallback(request) {
      const params = formParams(request.body);
      if (
        params.app_key !== settings.appKey ||
        !verifyTopSign(params, settings.appSecret, TOP_SIGN_METHOD)
      ) {
        return pushRefused(`TOP push without a valid ${TOP_SIGN_METHOD} sign for this app`);
      }
      // The timestamp is signed, so only its age needs checking (a replayed push is stale).
      const stampedAt = Date.parse(chinaTimeToIso(params.timestamp ?? ""));
      if (
        Number.isNaN(stampedAt) ||
        Math.abs(request.receivedAt.getTime() - stampedAt) > settings.pushWindowMs
      ) {
        return pushRefused("TOP push stamped outside the accepted window");
      }
      const reports = parseCutNotify(params);
      if (!reports.ok) {
        return reports;
      }
      return {
        ok: true,
        value: {
          reports: reports.value,
          reply: {
            status: 200,
            contentType: "application/json;charset=utf-8",
            body: JSON.stringify(CUT_NOTIFY_ACK),
          },
        },
      };
    },
    async close() {
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;
}
