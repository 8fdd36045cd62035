/**
 * JD sandbox: `GET|POST /jd/routerjson` speaking the JOS envelope, MD5 sign, `_responce` and
 * `error_response` shapes (carrier-wire-formats.md §2), backed by the shared world. Business
 * result codes other than 100/108 and the trace titles are ASSUMED (errors.ts `jdResultCodes`,
 * status.ts `jdOpeTitles`); everything else follows the research.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { formatChinaTime } from "../china-time.ts";
import { createFaultMiddleware, type SandboxEnv } from "../sandbox-kit/faults.ts";
import {
  activeInstruction,
  getParcel,
  recordCall,
  type SandboxHistoryEntry,
  type SandboxInstruction,
  type SandboxParcel,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import { JD_API_VERSION, JD_CARRIER, JD_PARAM_JSON, jdSign } from "./client.ts";
import { JD_CALL_LIMITED, jdGatewayCodes, jdResultCodes } from "./errors.ts";
import { JD_PICKUP_CANCEL_MARK, responceKeyOf } from "./mapping.ts";
import {
  type JdInterceptRequest,
  JdInterceptRequestSchema,
  JdTraceRequestSchema,
} from "./schema.ts";

export const JD_SANDBOX_APP_KEY = "SANDBOX_APP_KEY";
export const JD_SANDBOX_APP_SECRET = "SANDBOX_APP_SECRET";
export const JD_SANDBOX_ACCESS_TOKEN = "SANDBOX_ACCESS_TOKEN";
/** 商家编码 the sandbox serves; waybills of any other vendor code are unknown to it. */
export const JD_SANDBOX_VENDOR_CODE = "010K000000";

export interface JdSandboxConfig {
  appKey: string;
  appSecret: string;
  accessToken: string;
  vendorCode: string;
}

/** JOS refuses timestamps more than 6 minutes off (system error table, code 8). */
const TIMESTAMP_TOLERANCE_MS = 6 * 60_000;

/**
 * Which trace the sandbox writes for each timeline step. Titles come from status.ts; "状态更新"
 * is deliberately not in the legend and stands for a trace the adapter cannot read. JD has no
 * redirect, so `redirected` never happens here and renders as plain transit.
 */
const TRACE_OF_KIND: Record<SandboxHistoryEntry["kind"], { opeTitle: string; opeRemark: string }> =
  {
    collected: { opeTitle: "揽收", opeRemark: "您的快件已由京东快递员揽收" },
    transit: { opeTitle: "运输", opeRemark: "您的快件已从【北京分拣中心】发出" },
    at_station: { opeTitle: "站点验货", opeRemark: "您的快件已到达【深圳南山营业部】" },
    out_for_delivery: { opeTitle: "派送", opeRemark: "配送员正在为您派件" },
    delivered: { opeTitle: "妥投", opeRemark: "您的快件已签收，感谢使用京东物流" },
    returned: { opeTitle: "已退回", opeRemark: "您的快件已拦截成功，正在退回商家" },
    redirected: { opeTitle: "运输", opeRemark: "您的快件正在运输途中" },
    unknown: { opeTitle: "状态更新", opeRemark: "快件状态更新" },
  };

/** One trace as `jingdong.ldop.receive.trace.get` lists it. */
export function renderJdTrace(
  parcel: SandboxParcel,
  entry: SandboxHistoryEntry,
): Record<string, string> {
  const trace = TRACE_OF_KIND[entry.kind];
  return {
    opeTitle: trace.opeTitle,
    opeRemark: trace.opeRemark,
    opeName: "京东快递",
    opeTime: formatChinaTime(new Date(entry.at)),
    waybillCode: parcel.trackingNumber,
    courier: "张师傅",
    courierTel: "13800000000",
  };
}

/** `{"error_response":{…}}`, which JOS answers with HTTP 200. */
function gatewayError(c: Context<SandboxEnv>, code: string, zhDesc: string, enDesc: string) {
  return c.json({ error_response: { code, zh_desc: zhDesc, en_desc: enDesc } });
}

function responce(c: Context<SandboxEnv>, method: string, body: Record<string, unknown>) {
  return c.json({ [responceKeyOf(method)]: { code: "0", ...body } });
}

/** Reads every parameter from the query and, when form-encoded, the body (JDWL sends GET). */
async function readParams(c: Context<SandboxEnv>): Promise<Map<string, string>> {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(c.req.url).searchParams) {
    params.set(key, value);
  }
  const type = c.req.header("content-type") ?? "";
  if (c.req.method === "POST" && type.startsWith("application/x-www-form-urlencoded")) {
    for (const [key, value] of new URLSearchParams(await c.req.text())) {
      params.set(key, value);
    }
  }
  return params;
}

/** Parses `yyyy-MM-dd HH:mm:ss` as China Standard Time; NaN when malformed. */
function jdTimeToMs(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (match === null) {
    return Number.NaN;
  }
  const [, y, mo, d, h, mi, s] = match;
  return Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`);
}

/** Pickup cancels the sandbox has taken, per parcel: the world has no "cancelled" state. */
type CancelledPickups = WeakMap<SandboxParcel, string>;

/** Creates the JD sandbox app, to be mounted at `/jd`. */
export function createJdSandbox(
  world: World,
  config: Partial<JdSandboxConfig> = {},
): Hono<SandboxEnv> {
  const settings: JdSandboxConfig = {
    appKey: config.appKey ?? JD_SANDBOX_APP_KEY,
    appSecret: config.appSecret ?? JD_SANDBOX_APP_SECRET,
    accessToken: config.accessToken ?? JD_SANDBOX_ACCESS_TOKEN,
    vendorCode: config.vendorCode ?? JD_SANDBOX_VENDOR_CODE,
  };
  const cancelledPickups: CancelledPickups = new WeakMap();
  const app = new Hono<SandboxEnv>();

  // JOS throttles inside the envelope: HTTP 200 with error_response code 2 (App Call Limited).
  app.use(
    "/routerjson",
    createFaultMiddleware(world, JD_CARRIER, (c) =>
      gatewayError(c, JD_CALL_LIMITED.code, JD_CALL_LIMITED.zh_desc, JD_CALL_LIMITED.en_desc),
    ),
  );

  app.on(["GET", "POST"], "/routerjson", async (c) => {
    const params = await readParams(c);
    const missing: [string, string, string][] = [
      ["method", jdGatewayCodes.missingMethod, "Missing Method"],
      ["app_key", jdGatewayCodes.missingAppKey, "Missing app_key"],
      ["access_token", jdGatewayCodes.missingAccessToken, "Missing access_token"],
      ["timestamp", jdGatewayCodes.missingTimestamp, "Missing Timestamp"],
      ["v", jdGatewayCodes.missingVersion, "Missing Version"],
      ["sign", jdGatewayCodes.missingSignature, "Missing Signature"],
    ];
    for (const [name, code, en] of missing) {
      if ((params.get(name) ?? "") === "") {
        return gatewayError(c, code, `缺少${name}参数`, en);
      }
    }
    if (params.get("app_key") !== settings.appKey) {
      return gatewayError(c, jdGatewayCodes.invalidAppKey, "无效app_key", "Invalid app_key");
    }
    const signed = Object.fromEntries([...params].filter(([key]) => key !== "sign"));
    if (params.get("sign") !== jdSign(signed, settings.appSecret)) {
      return gatewayError(c, jdGatewayCodes.invalidSignature, "无效签名", "Invalid Signature");
    }
    if (params.get("access_token") !== settings.accessToken) {
      return gatewayError(
        c,
        jdGatewayCodes.invalidAccessToken,
        "token已过期或者不存在，请重新授权访问",
        "Invalid access_token",
      );
    }
    if (params.get("v") !== JD_API_VERSION) {
      return gatewayError(
        c,
        jdGatewayCodes.unsupportedVersion,
        "不支持的版本号",
        "Unsupported Version",
      );
    }
    const at = jdTimeToMs(params.get("timestamp") ?? "");
    if (Number.isNaN(at) || Math.abs(at - Date.now()) > TIMESTAMP_TOLERANCE_MS) {
      return gatewayError(
        c,
        jdGatewayCodes.invalidTimestamp,
        "非法的时间戳参数",
        "Invalid Timestamp",
      );
    }
    let business: unknown;
    try {
      business = JSON.parse(params.get(JD_PARAM_JSON) ?? "{}");
    } catch {
      return gatewayError(c, jdGatewayCodes.invalidJson, "json格式不合法", "Invalid JSON");
    }
    const method = params.get("method") ?? "";
    switch (method) {
      case "jingdong.ldop.receive.trace.get":
        return traceGet(c, world, settings, method, business);
      case "jingdong.ldop.receive.order.intercept":
        return orderIntercept(c, world, settings, cancelledPickups, method, business);
      default:
        return gatewayError(c, jdGatewayCodes.invalidMethod, "不存在的方法名", "Invalid Method");
    }
  });

  return app;
}

function traceGet(
  c: Context<SandboxEnv>,
  world: World,
  settings: JdSandboxConfig,
  method: string,
  business: unknown,
): Response {
  const answer = (code: number, messsage: string, data: Record<string, string>[]) =>
    responce(c, method, { querytraceResult: { code, messsage, data } });
  const request = JdTraceRequestSchema.safeParse(business);
  if (!request.success) {
    return answer(jdResultCodes.invalidParameters, `参数错误: ${request.error.message}`, []);
  }
  const parcel = getParcel(world, JD_CARRIER, request.data.waybillCode);
  // JD scopes waybills by merchant: another vendor's waybill is as unknown as a made-up one.
  if (parcel === undefined || request.data.customerCode !== settings.vendorCode) {
    return answer(jdResultCodes.waybillNotFound, "运单号不存在", []);
  }
  recordCall(parcel, "track", request.data, true);
  return answer(
    jdResultCodes.traceOk,
    "成功",
    parcel.history.map((entry) => renderJdTrace(parcel, entry)),
  );
}

function orderIntercept(
  c: Context<SandboxEnv>,
  world: World,
  settings: JdSandboxConfig,
  cancelledPickups: CancelledPickups,
  method: string,
  business: unknown,
): Response {
  const answer = (stateCode: number, stateMessage: string) =>
    responce(c, method, { resultInfo: { stateCode, stateMessage } });
  const parsed = JdInterceptRequestSchema.safeParse(business);
  if (!parsed.success) {
    return answer(jdResultCodes.invalidParameters, `参数错误: ${parsed.error.message}`);
  }
  const request = parsed.data;
  const parcel = getParcel(world, JD_CARRIER, request.deliveryId);
  if (parcel === undefined || request.vendorCode !== settings.vendorCode) {
    return answer(jdResultCodes.waybillNotFound, "运单号不存在");
  }
  // JD's one API cancels before pickup and intercepts after; a pickup cancel marked as such
  // must not turn into an interception, so the sandbox refuses it once the parcel is collected.
  const pickupCancelOnly = request.interceptReason.startsWith(JD_PICKUP_CANCEL_MARK);
  if (parcel.state === "not_collected") {
    return cancelPickup(parcel, cancelledPickups, request, answer);
  }
  if (pickupCancelOnly) {
    recordCall(parcel, "cancel", request, false);
    return answer(jdResultCodes.alreadyCollected, "运单已揽收，不能取消，请使用拦截");
  }
  return intercept(world, parcel, request, answer);
}

function cancelPickup(
  parcel: SandboxParcel,
  cancelledPickups: CancelledPickups,
  request: JdInterceptRequest,
  answer: (stateCode: number, stateMessage: string) => Response,
): Response {
  if (cancelledPickups.has(parcel)) {
    // 108: cancelled before (sourced meaning); the parcel stays not collected.
    parcel.calls.push({
      operation: "cancel",
      at: new Date().toISOString(),
      body: request,
      accepted: true,
      repeat: true,
    });
    return answer(jdResultCodes.alreadyCancelled, "该运单已取消，请勿重复操作");
  }
  cancelledPickups.set(parcel, request.cancelOperator ?? "");
  recordCall(parcel, "cancel", request, true);
  return answer(jdResultCodes.accepted, "取消成功");
}

function intercept(
  world: World,
  parcel: SandboxParcel,
  request: JdInterceptRequest,
  answer: (stateCode: number, stateMessage: string) => Response,
): Response {
  const active = activeInstruction(parcel);
  if (active !== undefined) {
    // A retry of the very request JD already holds (same cancelOperator = the gateway's
    // reference) gets 108 "already cancelled", without a second instruction (ASSUMED reading).
    if (request.cancelOperator && active.id === request.cancelOperator) {
      parcel.calls.push({
        operation: "intercept",
        at: new Date().toISOString(),
        body: request,
        accepted: true,
        repeat: true,
      });
      return answer(jdResultCodes.alreadyCancelled, "该运单已拦截，请勿重复操作");
    }
    recordCall(parcel, "intercept", request, false);
    return answer(jdResultCodes.alreadyIntercepted, "该运单已被拦截，不能重复拦截");
  }
  if (parcel.state === "delivered" || parcel.state === "returned") {
    recordCall(parcel, "intercept", request, false);
    return answer(jdResultCodes.notInterceptable, "运单已妥投或已退回，不能拦截");
  }
  const instruction: SandboxInstruction = {
    id: request.cancelOperator || `JDI${parcel.trackingNumber}`,
    kind: "intercept",
    status: "accepted",
    createdAt: new Date().toISOString(),
  };
  parcel.instructions.push(instruction);
  recordCall(parcel, "intercept", request, true);
  // JD pushes nothing: the outcome only lands in the timeline that trace.get (the poll) reads.
  // The kit still asks for a push body; it is sent only if someone registers a JD push URL.
  // JD pushes nothing: the outcome is read from the trace the adapter polls.
  scheduleOutcome(world, parcel, instruction, () => null);
  return answer(jdResultCodes.accepted, "发送拦截成功");
}
