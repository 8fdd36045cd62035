/**
 * ZTO transport: the new ZOP dialect (JSON body, `x-appKey` + `x-dataDigest` headers, the API
 * name as the URL path) and one POST per call. No business meaning here; mapping.ts reads the
 * replies.
 */
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";

export const ZTO_CARRIER = "zto";

/**
 * The ZOP APIs we call (carrier-wire-formats.md §5.4; the trace query is named by several
 * integrations, e.g. code ids 8994631526 and 14979378582, and ZTO's doc URL
 * `open.zto.com/#/interfaces?resourceGroup=10&apiName=zto.merchant.waybill.track.query`).
 */
export type ZtoApiName = "zto.merchant.waybill.track.query" | "zto.open.cancelPreOrder";

/**
 * `x-dataDigest` = Base64(MD5(body + appSecret)) over the exact UTF-8 body bytes that are sent
 * (carrier-wire-formats.md §5.1: ZopClient copies in Java, C# and PHP agree).
 */
export function ztoDataDigest(body: string, appSecret: string): string {
  return createHash("md5")
    .update(body + appSecret, "utf8")
    .digest("base64");
}

/** `https://japi-test.zto.com` + `zto.open.cancelPreOrder` → `…/zto.open.cancelPreOrder`. */
export function ztoApiUrl(baseUrl: string, api: ZtoApiName): string {
  return `${baseUrl.replace(/\/+$/, "")}/${api}`;
}

export interface ZtoCredentials {
  appKey: string;
  appSecret: string;
}

/** The signed headers for one body. */
export function ztoHeaders(body: string, credentials: ZtoCredentials): Record<string, string> {
  return {
    "content-type": "application/json;charset=UTF-8",
    accept: "application/json",
    // The zto.md curl example and ZOP's "Headers参数" list name exactly these two headers; the
    // Java ZopClient's extra `x-companyid` is not needed by the new dialect.
    "x-appKey": credentials.appKey,
    "x-dataDigest": ztoDataDigest(body, credentials.appSecret),
  };
}

export interface ZtoClient {
  call(
    api: ZtoApiName,
    payload: Record<string, unknown>,
    options: { signal: AbortSignal; idempotent: boolean },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
}

/** A ZTO client bound to one gateway origin, one app and the adapter's own dispatcher. */
export function createZtoClient(
  settings: ZtoCredentials & { baseUrl: string },
  dispatcher: Dispatcher,
): ZtoClient {
  return {
    call: (api, payload, options) => {
      // Serialised once: the digest must cover the very bytes that go on the wire.
      const body = JSON.stringify(payload);
      return sendCarrierRequest(ZTO_CARRIER, {
        dispatcher,
        url: ztoApiUrl(settings.baseUrl, api),
        method: "POST",
        headers: ztoHeaders(body, settings),
        body,
        signal: options.signal,
        idempotent: options.idempotent,
      });
    },
  };
}
