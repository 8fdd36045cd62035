/**
 * SF transport: the `std/service` form, the msgDigest signature and one POST per call. No
 * business meaning here; mapping.ts reads the replies.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";

export const SF_CARRIER = "sf-express";

/** The form-level service codes we use (carrier-wire-formats.md §1.6, §1.7). */
export type SfServiceCode = "EXP_RECE_SEARCH_ROUTES" | "EXP_RECE_WANTED_INTERCEPT";

/**
 * Java `URLEncoder.encode(text, "UTF-8")`: unreserved `A–Z a–z 0–9 . - * _`, space → `+`,
 * everything else `%XX` (uppercase) per UTF-8 byte. SF's server is Java, so this is the rule
 * its verification applies (Python's quote_plus differs on `*` and `~`).
 */
export function javaUrlEncode(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const isUnreserved =
      (byte >= 0x30 && byte <= 0x39) ||
      (byte >= 0x41 && byte <= 0x5a) ||
      (byte >= 0x61 && byte <= 0x7a) ||
      byte === 0x2e ||
      byte === 0x2d ||
      byte === 0x2a ||
      byte === 0x5f;
    if (isUnreserved) {
      out += String.fromCharCode(byte);
    } else if (byte === 0x20) {
      out += "+";
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    }
  }
  return out;
}

/** msgDigest = Base64(MD5(JavaURLEncode(msgData + timestamp + checkWord))) ("standard_md5"). */
export function sfMsgDigest(msgData: string, timestamp: string, checkWord: string): string {
  return createHash("md5")
    .update(javaUrlEncode(msgData + timestamp + checkWord), "utf8")
    .digest("base64");
}

export interface SfCredentials {
  partnerId: string;
  checkWord: string;
}

/** Builds the signed form body (x-www-form-urlencoded). */
export function buildSfForm(input: {
  credentials: SfCredentials;
  serviceCode: SfServiceCode;
  msgData: string;
  timestamp: string;
  requestId: string;
}): string {
  return new URLSearchParams({
    partnerID: input.credentials.partnerId,
    requestID: input.requestId,
    serviceCode: input.serviceCode,
    // Milliseconds, as open-connector sends; the official Python SDK sends seconds and both are
    // accepted live (carrier-wire-formats.md §1.2).
    timestamp: input.timestamp,
    msgDigest: sfMsgDigest(input.msgData, input.timestamp, input.credentials.checkWord),
    msgData: input.msgData,
  }).toString();
}

export interface SfClient {
  call(
    serviceCode: SfServiceCode,
    msgData: unknown,
    options: { signal: AbortSignal; idempotent: boolean },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
}

/** An SF client bound to one endpoint, one partner and the adapter's own dispatcher. */
export function createSfClient(
  settings: SfCredentials & { baseUrl: string },
  dispatcher: Dispatcher,
): SfClient {
  return {
    call: (serviceCode, msgData, options) =>
      sendCarrierRequest(SF_CARRIER, {
        dispatcher,
        url: settings.baseUrl,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
          accept: "application/json",
        },
        body: buildSfForm({
          credentials: settings,
          serviceCode,
          msgData: JSON.stringify(msgData),
          timestamp: String(Date.now()),
          requestId: randomUUID(),
        }),
        signal: options.signal,
        idempotent: options.idempotent,
      }),
  };
}
