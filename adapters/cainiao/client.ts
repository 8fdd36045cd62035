/**
 * Cainiao / Taobao TOP transport: the `/router/rest` form, the TOP sign and one POST per call.
 * No business meaning here; mapping.ts reads the replies (carrier-wire-formats.md §4.1).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { formatChinaTime } from "../china-time.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";

/** The carrier id, as in `carrierIds`. */
export const CAINIAO_CARRIER = "cainiao";

/** ERP发起配拦截 (API id 66686): asks the carrier to stop a parcel. */
export const DELIVERY_CUT_METHOD = "taobao.logistics.erp.delivery.cut";
/** 物流流转信息查询 (taobao.logistics.trace.get): the trace the adapter reads for `track`. */
export const TRACE_METHOD = "taobao.logistics.trace.get";
/** TMS配拦截结果回告 (API id 66638): the result report, modelled as the push to the merchant. */
export const DELIVERY_CUT_NOTIFY_METHOD = "taobao.logistics.express.delivery.cut.notify";

/** The API methods the adapter calls. */
export type TopMethod = typeof DELIVERY_CUT_METHOD | typeof TRACE_METHOD;

/** `md5` wraps the secret around the string; `hmac` is HMAC-MD5 keyed with it (§4.1). */
export type TopSignMethod = "md5" | "hmac";

/**
 * The one sign method the adapter uses: it signs its calls with it and accepts pushes signed
 * with it only. TOP lets a caller name its `sign_method`, but a push that picks its own method
 * would pick the weakest, so the receiving side decides.
 */
export const TOP_SIGN_METHOD: TopSignMethod = "md5";

/** The sign input: every parameter except `sign` (and file params), keys sorted, `k + v` joined. */
function signInput(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== "sign")
    .sort()
    .map((key) => `${key}${params[key] ?? ""}`)
    .join("");
}

/**
 * TOP sign (`SDKClient.sign` in bububa/opentaobao): md5 = UPPER_HEX(MD5(secret + concat +
 * secret)); hmac = UPPER_HEX(HMAC_MD5(secret, concat)).
 */
export function topSign(
  params: Record<string, string>,
  secret: string,
  method: TopSignMethod = "md5",
): string {
  const concat = signInput(params);
  const digest =
    method === "hmac"
      ? createHmac("md5", secret).update(concat, "utf8").digest("hex")
      : createHash("md5").update(`${secret}${concat}${secret}`, "utf8").digest("hex");
  return digest.toUpperCase();
}

/**
 * Checks a TOP-signed parameter set against the app secret, in constant time, with the sign
 * method the verifier expects: params naming another `sign_method` are refused (none named
 * means TOP's default, md5). The adapter expects its own TOP_SIGN_METHOD; the sandbox, acting
 * as TOP, expects whatever md5/hmac the caller named.
 */
export function verifyTopSign(
  params: Record<string, string>,
  secret: string,
  method: TopSignMethod,
): boolean {
  const given = params.sign;
  if (given === undefined || (params.sign_method ?? "md5") !== method) {
    return false;
  }
  // Hash both sides first so the comparison takes the same time whatever the lengths.
  const a = createHash("sha256").update(given.toUpperCase()).digest();
  const b = createHash("sha256")
    .update(topSign(params, secret, method))
    .digest();
  return timingSafeEqual(a, b);
}

/** What signs a TOP call: the app and the seller's session. */
export interface TopCredentials {
  appKey: string;
  appSecret: string;
  /** The seller's access token (TOP `session`). */
  session: string;
}

/**
 * The full signed parameter set for one call: system params + the API's own params (object
 * params already JSON strings).
 */
export function buildTopParams(input: {
  credentials: TopCredentials;
  method: string;
  apiParams: Record<string, string>;
  timestamp: string;
}): Record<string, string> {
  const params: Record<string, string> = {
    ...input.apiParams,
    method: input.method,
    app_key: input.credentials.appKey,
    session: input.credentials.session,
    timestamp: input.timestamp,
    // TOP defaults to xml; the adapter only reads json.
    format: "json",
    v: "2.0",
    sign_method: TOP_SIGN_METHOD,
  };
  params.sign = topSign(params, input.credentials.appSecret, TOP_SIGN_METHOD);
  return params;
}

/** One signed TOP call per `call`, through the shared HTTP helper. */
export interface CainiaoClient {
  call(
    method: TopMethod,
    apiParams: Record<string, string>,
    options: { signal: AbortSignal; idempotent: boolean },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
}

/** A TOP client bound to one gateway URL, one app + session and the adapter's own dispatcher. */
export function createCainiaoClient(
  settings: TopCredentials & { baseUrl: string },
  dispatcher: Dispatcher,
): CainiaoClient {
  return {
    call: (method, apiParams, options) =>
      sendCarrierRequest(CAINIAO_CARRIER, {
        dispatcher,
        url: settings.baseUrl,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded;charset=utf-8",
          accept: "application/json",
        },
        body: new URLSearchParams(
          buildTopParams({
            credentials: settings,
            method,
            apiParams,
            // GMT+8; TOP refuses a timestamp off by more than ±10 min.
            timestamp: formatChinaTime(new Date()),
          }),
        ).toString(),
        signal: options.signal,
        idempotent: options.idempotent,
      }),
  };
}
