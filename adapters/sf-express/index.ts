/**
 * SF Express (丰桥 open platform, `std/service`) adapter: route query for tracking,
 * `EXP_RECE_WANTED_INTERCEPT` for return / redirect / cancel, json-mode route pushes for the
 * outcome. See README.md for what is sourced and what is assumed.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Dispatcher } from "undici";
import { z } from "zod";
import type {
  CarrierAdapter,
  CarrierAdapterWith,
  CarrierResult,
} from "../../contracts/carrier-adapter.ts";
import { readReply, unknownIfUnreadable } from "../http.ts";
import { createSfClient, SF_CARRIER, type SfServiceCode } from "./client.ts";
import {
  buildCancel,
  buildIntercept,
  buildRedirect,
  buildRouteQuery,
  parseRoutePush,
  parseSubmitReply,
  parseTrackReply,
  SF_PUSH_ACK,
  unwrapSfReply,
} from "./mapping.ts";

export const SfExpressSettingsSchema = z.object({
  /** Full URL of `std/service`, e.g. `https://sfapi-sbox.sf-express.com/std/service`. */
  baseUrl: z.url(),
  /** 顾客编码, the `partnerID` form field. */
  partnerId: z.string().min(1),
  /** The check word used to sign `msgDigest`. */
  checkWord: z.string().min(1),
  /**
   * The platform's monthly card, charged for platform-paid returns and the free redirect; empty
   * when SF_MONTHLY_CARD_NO is not set.
   */
  monthlyCardNo: z.string(),
  /**
   * Secret expected in the `token` query parameter of route pushes. SF signs nothing in json
   * mode, so the push URL registered at SF carries this secret (ASSUMED scheme).
   */
  pushToken: z.string().min(8),
});
export type SfExpressSettings = z.infer<typeof SfExpressSettingsSchema>;

function sameSecret(given: string, expected: string): boolean {
  // Hash first so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Creates the SF adapter. It takes ownership of `transport.dispatcher` (closed by `close()`);
 * give it a Pool with timeouts for the SF origin.
 */
export function createSfExpressAdapter(
  settings: SfExpressSettings,
  transport: { dispatcher: Dispatcher },
): CarrierAdapterWith<"intercept" | "redirect" | "cancel"> {
  const client = createSfClient(settings, transport.dispatcher);

  async function callSf(
    serviceCode: SfServiceCode,
    msgData: unknown,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<CarrierResult<unknown>> {
    const response = await client.call(serviceCode, msgData, { signal, idempotent });
    if (!response.ok) {
      return response;
    }
    return readReply(response.value, idempotent, unwrapSfReply);
  }

  return {
    id: SF_CARRIER,
    displayName: "SF Express",
    // The fee variants of SF's intercept reply carry the amount charged.
    quotesFees: true,
    async track(trackingNumber, ctx) {
      const reply = await callSf(
        "EXP_RECE_SEARCH_ROUTES",
        buildRouteQuery(trackingNumber),
        ctx.signal,
        true,
      );
      return reply.ok ? parseTrackReply(trackingNumber, reply.value) : reply;
    },
    async intercept(command, ctx) {
      const msgData = buildIntercept(command, settings.monthlyCardNo);
      const reply = await callSf("EXP_RECE_WANTED_INTERCEPT", msgData, ctx.signal, false);
      return reply.ok
        ? unknownIfUnreadable(parseSubmitReply(reply.value, command.reference))
        : reply;
    },
    async redirect(command, ctx) {
      const msgData = buildRedirect(command, settings.monthlyCardNo);
      const reply = await callSf("EXP_RECE_WANTED_INTERCEPT", msgData, ctx.signal, false);
      return reply.ok
        ? unknownIfUnreadable(parseSubmitReply(reply.value, command.reference))
        : reply;
    },
    async cancel(command, ctx) {
      const reply = await callSf(
        "EXP_RECE_WANTED_INTERCEPT",
        buildCancel(command),
        ctx.signal,
        false,
      );
      return reply.ok ? { ok: true, value: { cancelled: true } } : reply;
    },
    parseCallback(request) {
      let token: string | null = null;
      try {
        token = new URL(request.url, "http://callback.invalid").searchParams.get("token");
      } catch {
        token = null;
      }
      if (token === null || !sameSecret(token, settings.pushToken)) {
        return {
          ok: false,
          error: {
            carrier: SF_CARRIER,
            code: "auth_failed",
            message: "SF push without the configured token",
            retryable: false,
          },
        };
      }
      const reports = parseRoutePush(request.body);
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
            body: JSON.stringify(SF_PUSH_ACK),
          },
        },
      };
    },
    async close() {
      await transport.dispatcher.close();
    },
  } satisfies CarrierAdapter;
}
