/**
 * JD transport: the JOS `routerjson` envelope, the MD5 sign and one POST per call. No business
 * meaning here; mapping.ts reads the replies (carrier-wire-formats.md §2.1).
 */
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { formatChinaTime } from "../china-time.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";

export const JD_CARRIER = "jd";

/** The JOS methods we call (carriers.md §4.2, carrier-wire-formats.md §2.3). */
export type JdMethod = "jingdong.ldop.receive.order.intercept" | "jingdong.ldop.receive.trace.get";

/** JOS protocol version (JDWL Node SDK `this.version = '2.0'`). */
export const JD_API_VERSION = "2.0";

/** The one business parameter: the JSON string of the request fields (official Java SDK). */
export const JD_PARAM_JSON = "360buy_param_json";

/**
 * sign = UPPERCASE_HEX(MD5(appSecret + k1v1 + k2v2 + … + appSecret)): keys ascending (Java
 * TreeMap order, which for these ASCII keys is code-unit order), values not URL-encoded, `sign`
 * itself left out. Empty values are skipped as the JD-Union SDK copy does; we never send one.
 */
export function jdSign(params: Record<string, string>, appSecret: string): string {
  const pairs = Object.keys(params)
    .filter((key) => key !== "sign" && params[key] !== undefined && params[key] !== "")
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${key}${params[key]}`)
    .join("");
  return createHash("md5")
    .update(`${appSecret}${pairs}${appSecret}`, "utf8")
    .digest("hex")
    .toUpperCase();
}

export interface JdCredentials {
  appKey: string;
  appSecret: string;
  accessToken: string;
}

export interface JdWireRequest {
  /** The endpoint with the system parameters and `sign` in the query. */
  url: string;
  /** `360buy_param_json=…`, form-encoded. */
  body: string;
  /** Every signed parameter, as signed (for tests and logs). */
  signed: Record<string, string>;
}

/**
 * Builds one JOS call the way the official Java SDK (`DefaultJdClient.buildUrl`) does: system
 * parameters and `sign` in the URL query, `360buy_param_json` as the form body, both signed.
 */
export function buildJdRequest(input: {
  baseUrl: string;
  credentials: JdCredentials;
  /** A JdMethod in production; any name in sandbox tests of unknown methods. */
  method: string;
  paramJson: string;
  timestamp: string;
}): JdWireRequest {
  const system: Record<string, string> = {
    method: input.method,
    app_key: input.credentials.appKey,
    access_token: input.credentials.accessToken,
    timestamp: input.timestamp,
    v: JD_API_VERSION,
  };
  const signed = { ...system, [JD_PARAM_JSON]: input.paramJson };
  const url = new URL(input.baseUrl);
  for (const [key, value] of Object.entries(system)) {
    url.searchParams.set(key, value);
  }
  url.searchParams.set("sign", jdSign(signed, input.credentials.appSecret));
  return {
    url: url.toString(),
    body: new URLSearchParams({ [JD_PARAM_JSON]: input.paramJson }).toString(),
    signed,
  };
}

export interface JdClient {
  call(
    method: JdMethod,
    params: Record<string, unknown>,
    options: { signal: AbortSignal; idempotent: boolean },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
}

/** A JOS client bound to one endpoint, one app + token and the adapter's own dispatcher. */
export function createJdClient(
  settings: JdCredentials & { baseUrl: string },
  dispatcher: Dispatcher,
): JdClient {
  return {
    call: (method, params, options) => {
      const wire = buildJdRequest({
        baseUrl: settings.baseUrl,
        credentials: settings,
        method,
        paramJson: JSON.stringify(params),
        // China Standard Time; JD allows 6 minutes of skew (the zone is our inference,
        // carrier-wire-formats.md §2.1).
        timestamp: formatChinaTime(new Date()),
      });
      return sendCarrierRequest(JD_CARRIER, {
        dispatcher,
        url: wire.url,
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
          accept: "application/json",
        },
        body: wire.body,
        signal: options.signal,
        idempotent: options.idempotent,
      });
    },
  };
}
