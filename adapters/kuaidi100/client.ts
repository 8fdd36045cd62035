/**
 * Kuaidi100 transport: the two signed forms (label API `POST /label/order`, real-time query
 * `POST /poll/query.do`), their MD5 signatures and one POST per call. No business meaning here;
 * mapping.ts reads the replies.
 */
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import type { CarrierResult } from "../../contracts/carrier-adapter.ts";
import { type CarrierHttpResponse, sendCarrierRequest } from "../http.ts";

export const KUAIDI100_CARRIER = "kuaidi100";

/** Path of the label API (`ApiInfoConstant.NEW_TEMPLATE_URL`), relative to `baseUrl`. */
export const LABEL_ORDER_PATH = "/label/order";
/** Path of the real-time query API (`ApiInfoConstant.QUERY_URL`), relative to `queryUrl`. */
export const QUERY_PATH = "/poll/query.do";

/** The `method` form field of the label API we use (`ApiInfoConstant`, BaseServiceTest). */
export type Kuaidi100LabelMethod = "interceptOrder";

function md5Upper(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex").toUpperCase();
}

/**
 * Label API signature: UPPERCASE_HEX(MD5(param + t + key + secret)) (java-demo
 * `SignUtils.printSign`; carrier-wire-formats.md §3.1, with its test vector).
 */
export function labelSign(param: string, t: string, key: string, secret: string): string {
  return md5Upper(param + t + key + secret);
}

/**
 * Real-time query signature: UPPERCASE_HEX(MD5(param + key + customer)) (java-demo
 * `QueryTrackReq.sign` comment).
 */
export function querySign(param: string, key: string, customer: string): string {
  return md5Upper(param + key + customer);
}

/**
 * Callback signature: UPPERCASE_HEX(MD5(param + salt)). Documented for tracking pushes
 * (java-demo `Subscribe.callBackUrl`, README FAQ 2); ASSUMED to be the same for the intercept
 * result callback, whose format was not found (carrier-wire-formats.md §3.3).
 */
export function callbackSign(param: string, salt: string): string {
  return md5Upper(param + salt);
}

/** The label API form (x-www-form-urlencoded): `method, key, t, sign, param`. */
export function buildLabelForm(input: {
  method: Kuaidi100LabelMethod;
  key: string;
  secret: string;
  param: string;
  t: string;
}): string {
  return new URLSearchParams({
    method: input.method,
    key: input.key,
    t: input.t,
    sign: labelSign(input.param, input.t, input.key, input.secret),
    param: input.param,
  }).toString();
}

/** The real-time query form (x-www-form-urlencoded): `customer, sign, param`. */
export function buildQueryForm(input: { customer: string; key: string; param: string }): string {
  return new URLSearchParams({
    customer: input.customer,
    sign: querySign(input.param, input.key, input.customer),
    param: input.param,
  }).toString();
}

export interface Kuaidi100Credentials {
  key: string;
  secret: string;
  customer: string;
}

export interface Kuaidi100Client {
  /** One label API call (`/label/order`). Never idempotent: the carrier may act on it. */
  label(
    method: Kuaidi100LabelMethod,
    param: unknown,
    options: { signal: AbortSignal },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
  /** One real-time query (`/poll/query.do`); a read, safe to repeat. */
  query(
    param: unknown,
    options: { signal: AbortSignal },
  ): Promise<CarrierResult<CarrierHttpResponse>>;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

const FORM_HEADERS = {
  "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
  accept: "application/json",
};

/**
 * A Kuaidi100 client. The label API and the query API live on different hosts
 * (`api.kuaidi100.com`, `poll.kuaidi100.com`), and an undici Pool talks to one origin only, so
 * each host has its own dispatcher (the same one when both share an origin, as in the sandbox).
 */
export function createKuaidi100Client(
  settings: Kuaidi100Credentials & { baseUrl: string; queryUrl: string },
  dispatchers: { label: Dispatcher; query: Dispatcher },
): Kuaidi100Client {
  return {
    label: (method, param, options) =>
      sendCarrierRequest(KUAIDI100_CARRIER, {
        dispatcher: dispatchers.label,
        url: joinUrl(settings.baseUrl, LABEL_ORDER_PATH),
        method: "POST",
        headers: FORM_HEADERS,
        body: buildLabelForm({
          method,
          key: settings.key,
          secret: settings.secret,
          param: JSON.stringify(param),
          // Milliseconds, as the SDK sends (`System.currentTimeMillis()`).
          t: String(Date.now()),
        }),
        signal: options.signal,
        idempotent: false,
      }),
    query: (param, options) =>
      sendCarrierRequest(KUAIDI100_CARRIER, {
        dispatcher: dispatchers.query,
        url: joinUrl(settings.queryUrl, QUERY_PATH),
        method: "POST",
        headers: FORM_HEADERS,
        body: buildQueryForm({
          customer: settings.customer,
          key: settings.key,
          param: JSON.stringify(param),
        }),
        signal: options.signal,
        idempotent: true,
      }),
  };
}
