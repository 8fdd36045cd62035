/**
 * Cainiao / TOP sandbox: `POST /cainiao/router/rest` speaking the TOP form, sign, error codes
 * and `…_response` roots (carrier-wire-formats.md §4), backed by the shared world. Delivery-cut
 * business codes and the trace key are ASSUMED (see errors.ts `cainiaoBizCodes`, mapping.ts
 * `buildTraceQuery`); outcomes are pushed as signed cut.notify forms (ASSUMED push scheme).
 */
import { randomUUID } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { formatChinaTime } from "../china-time.ts";
import { createFaultMiddleware, type SandboxEnv } from "../sandbox-kit/faults.ts";
import { jsonAcknowledgement, type PushRetryPolicy } from "../sandbox-kit/push.ts";
import {
  activeInstruction,
  getParcel,
  nextId,
  recordCall,
  type SandboxHistoryEntry,
  type SandboxInstruction,
  type SandboxParcel,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import {
  CAINIAO_CARRIER,
  DELIVERY_CUT_METHOD,
  DELIVERY_CUT_NOTIFY_METHOD,
  TOP_SIGN_METHOD,
  TRACE_METHOD,
  topSign,
  verifyTopSign,
} from "./client.ts";
import { cainiaoBizCodes, topErrorCodes } from "./errors.ts";
import { responseRootOf } from "./mapping.ts";
import {
  type CutOffDeliveryProcessRequest,
  CutOffDeliveryProcessRequestSchema,
  TraceQueryRequestSchema,
} from "./schema.ts";

/** The app key, secret and session the sandbox accepts (and signs its pushes with). */
export const CAINIAO_SANDBOX_APP_KEY = "SANDBOX_APP_KEY";
export const CAINIAO_SANDBOX_APP_SECRET = "SANDBOX_APP_SECRET";
export const CAINIAO_SANDBOX_SESSION = "SANDBOX_SESSION";

/** The credentials one sandbox instance accepts. */
export interface CainiaoSandboxConfig {
  appKey: string;
  appSecret: string;
  session: string;
}

/**
 * The result notification counts as received when the answer's
 * `logistics_express_delivery_cut_notify_response.suc` is true (TOP's reply shape for
 * cut.notify). How often it is sent again is not documented (the merchant-side topic itself was
 * not found): ASSUMED 3 re-sends, 5 min apart.
 */
export const CAINIAO_PUSH_RETRY: PushRetryPolicy = {
  retryDelaysMs: [5 * 60_000, 5 * 60_000, 5 * 60_000],
  acknowledged: jsonAcknowledgement(
    z.object({
      logistics_express_delivery_cut_notify_response: z.object({ suc: z.literal(true) }),
    }),
  ),
};

/** TOP refuses a timestamp more than 10 minutes off (opentaobao `model/request.go`). */
const TIMESTAMP_TOLERANCE_MS = 10 * 60_000;

/**
 * Which trace action the sandbox writes for each timeline step. Codes come from status.ts;
 * `OTHER` is deliberately not in the legend and stands for a step the adapter cannot read.
 */
const ACTION_OF_KIND: Record<SandboxHistoryEntry["kind"], { action: string; desc: string }> = {
  collected: { action: "TMS_COLLECT", desc: "【杭州市】快件已揽收" },
  transit: { action: "ARRIVE", desc: "快件已到达【杭州转运中心】" },
  at_station: { action: "TMS_STATION_IN", desc: "快件已到达【深圳南山网点】" },
  out_for_delivery: { action: "SENT_SCAN", desc: "快递员正在派件" },
  delivered: { action: "SIGN", desc: "快件已签收" },
  returned: { action: "TMS_RETURN", desc: "快件已拦截，退回寄件人" },
  redirected: { action: "ARRIVE", desc: "快件已转至新地址" },
  unknown: { action: "OTHER", desc: "快件状态更新" },
};

/** `status` (订单的物流状态) texts from the trace.search metadata, by parcel state. */
const STATUS_TEXT: Record<SandboxParcel["state"], string> = {
  not_collected: "物流公司已接单",
  in_transit: "物流公司揽收成功",
  at_delivery_station: "物流公司揽收成功",
  out_for_delivery: "物流公司揽收成功",
  delivered: "对方已签收",
  returned: "签收失败",
  unknown: "物流公司揽收成功",
};

function requestId(): string {
  return randomUUID().replaceAll("-", "").slice(0, 13);
}

/** A TOP `error_response` (HTTP 200, as TOP answers). */
function topErrorReply(
  c: Context<SandboxEnv>,
  code: number,
  msg: string,
  subCode?: string,
  subMsg?: string,
): Response {
  return c.json({
    error_response: {
      code,
      msg,
      ...(subCode === undefined ? {} : { sub_code: subCode }),
      ...(subMsg === undefined ? {} : { sub_msg: subMsg }),
      request_id: requestId(),
    },
  });
}

function methodReply(c: Context<SandboxEnv>, method: string, body: object): Response {
  return c.json({ [responseRootOf(method)]: { ...body, request_id: requestId() } });
}

/** Renders one outcome as the signed cut.notify form the merchant receives (ASSUMED scheme). */
export function renderCutNotifyPush(input: {
  config: CainiaoSandboxConfig;
  request: CutOffDeliveryProcessRequest;
  instruction: SandboxInstruction;
  entry: SandboxHistoryEntry;
}): string {
  const failed = input.entry.kind !== "returned";
  const params: Record<string, string> = {
    method: DELIVERY_CUT_NOTIFY_METHOD,
    app_key: input.config.appKey,
    // Stamped when rendered for sending, on the sandbox's clock, as each TOP push is: the gateway
    // refuses a push stamped outside its window (CAINIAO_PUSH_WINDOW_MS).
    timestamp: formatChinaTime(new Date()),
    format: "json",
    v: "2.0",
    sign_method: TOP_SIGN_METHOD,
    notify_cut_off_delivery_process_status_request: JSON.stringify({
      mail_no: input.request.mail_no,
      outer_order_id: input.instruction.id,
      intercept_status: failed ? "2" : "1",
      tms_cp_code: input.request.tms_cp_code,
      ...(failed ? { intercept_status_message: "快件已派送签收，拦截失败" } : {}),
    }),
  };
  params.sign = topSign(params, input.config.appSecret, TOP_SIGN_METHOD);
  return new URLSearchParams(params).toString();
}

/** System parameters TOP requires, with the code it answers when one is missing (sourced). */
const REQUIRED: [string, number, string][] = [
  ["method", topErrorCodes.missingMethod, "Missing Method"],
  ["app_key", topErrorCodes.missingAppKey, "Missing App Key"],
  ["sign", topErrorCodes.missingSignature, "Missing Signature"],
  ["timestamp", topErrorCodes.missingTimestamp, "Missing Timestamp"],
  ["session", topErrorCodes.missingSession, "Missing Session"],
];

/** Creates the Cainiao sandbox app, to be mounted at `/cainiao`. */
export function createCainiaoSandbox(
  world: World,
  overrides: Partial<CainiaoSandboxConfig> = {},
): Hono<SandboxEnv> {
  const config: CainiaoSandboxConfig = {
    appKey: overrides.appKey ?? CAINIAO_SANDBOX_APP_KEY,
    appSecret: overrides.appSecret ?? CAINIAO_SANDBOX_APP_SECRET,
    session: overrides.session ?? CAINIAO_SANDBOX_SESSION,
  };
  const app = new Hono<SandboxEnv>();

  // TOP throttles inside the reply: HTTP 200 with error code 7 (App Call Limited, sourced);
  // the sub_code and the "ban will last" wording are ASSUMED.
  app.use(
    "/router/rest",
    createFaultMiddleware(world, CAINIAO_CARRIER, (c) =>
      topErrorReply(
        c,
        topErrorCodes.appCallLimited,
        "App Call Limited",
        "accesscontrol.limited-by-app-access-count",
        "This ban will last for 1 more seconds",
      ),
    ),
  );

  app.post("/router/rest", async (c) => {
    const params: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(await c.req.text())) {
      params[key] = value;
    }
    for (const [name, code, msg] of REQUIRED) {
      if ((params[name] ?? "") === "") {
        return topErrorReply(c, code, msg);
      }
    }
    if (params.app_key !== config.appKey) {
      return topErrorReply(c, topErrorCodes.invalidAppKey, "Invalid App Key");
    }
    // TOP itself lets the caller choose md5 or hmac.
    const method = params.sign_method ?? "md5";
    if (
      (method !== "md5" && method !== "hmac") ||
      !verifyTopSign(params, config.appSecret, method)
    ) {
      return topErrorReply(c, topErrorCodes.invalidSignature, "Invalid Signature");
    }
    if (params.session !== config.session) {
      return topErrorReply(c, topErrorCodes.invalidSession, "Invalid Session");
    }
    const at = Date.parse(`${(params.timestamp ?? "").replace(" ", "T")}+08:00`);
    if (Number.isNaN(at) || Math.abs(Date.now() - at) > TIMESTAMP_TOLERANCE_MS) {
      return topErrorReply(c, topErrorCodes.invalidTimestamp, "Invalid Timestamp");
    }
    if ((params.format ?? "xml") !== "json") {
      // Real TOP would answer xml; this sandbox only speaks json.
      return topErrorReply(c, topErrorCodes.invalidFormat, "Invalid Format");
    }
    switch (params.method) {
      case TRACE_METHOD:
        return traceGet(c, world, params);
      case DELIVERY_CUT_METHOD:
        return deliveryCut(c, world, config, params);
      default:
        return topErrorReply(c, topErrorCodes.invalidMethod, "Invalid Method");
    }
  });

  return app;
}

function traceGet(c: Context<SandboxEnv>, world: World, params: Record<string, string>): Response {
  const request = TraceQueryRequestSchema.safeParse(params);
  if (!request.success) {
    return topErrorReply(
      c,
      topErrorCodes.missingArguments,
      "Missing Required Arguments",
      "isv.missing-parameter",
      "mail_no is required",
    );
  }
  const parcel = getParcel(world, CAINIAO_CARRIER, request.data.mail_no);
  if (parcel === undefined) {
    return topErrorReply(
      c,
      topErrorCodes.remoteServiceError,
      "Remote service error",
      "isv.waybill-not-exist",
      `运单不存在: ${request.data.mail_no}`,
    );
  }
  recordCall(parcel, "track", request.data, true);
  return methodReply(c, TRACE_METHOD, {
    result: {
      transit_step_result: [
        {
          out_sid: parcel.trackingNumber,
          company_name: request.data.tms_cp_code ?? "CAINIAO",
          status: STATUS_TEXT[parcel.state],
          trace_list: {
            transit_step_info: parcel.history.map((entry) => ({
              status_time: formatChinaTime(new Date(entry.at)),
              status_desc: ACTION_OF_KIND[entry.kind].desc,
              action: ACTION_OF_KIND[entry.kind].action,
            })),
          },
        },
      ],
    },
  });
}

function deliveryCut(
  c: Context<SandboxEnv>,
  world: World,
  config: CainiaoSandboxConfig,
  params: Record<string, string>,
): Response {
  const text = params.cut_off_delivery_process_request;
  if (text === undefined || text === "") {
    return topErrorReply(
      c,
      topErrorCodes.missingArguments,
      "Missing Required Arguments",
      "isv.missing-parameter",
      "cut_off_delivery_process_request is required",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const parsed = CutOffDeliveryProcessRequestSchema.safeParse(raw);
  if (!parsed.success) {
    return topErrorReply(
      c,
      topErrorCodes.invalidArguments,
      "Invalid Arguments",
      "isv.invalid-parameter",
      `cut_off_delivery_process_request: ${parsed.error.message}`,
    );
  }
  const request = parsed.data;
  const reply = (suc: boolean, code?: string, message?: string, retry = false): Response =>
    methodReply(c, DELIVERY_CUT_METHOD, {
      suc,
      ...(code === undefined ? {} : { biz_error_code: code }),
      ...(message === undefined ? {} : { biz_error_message: message }),
      retry,
    });
  const parcel = getParcel(world, CAINIAO_CARRIER, request.mail_no);
  if (parcel === undefined) {
    return reply(false, cainiaoBizCodes.mailNoNotExist, `运单不存在: ${request.mail_no}`);
  }
  const refuse = (code: string, message: string): Response => {
    recordCall(parcel, "intercept", request, false);
    return reply(false, code, message);
  };
  const active = activeInstruction(parcel);
  if (active !== undefined) {
    // A retry of the very cut the carrier holds (same outer_order_id) is answered as accepted
    // again, without a second instruction: the point of sending a stable reference (ASSUMED).
    if (request.outer_order_id !== undefined && active.id === request.outer_order_id) {
      parcel.calls.push({
        operation: "intercept",
        at: new Date().toISOString(),
        body: request,
        accepted: true,
        repeat: true,
      });
      return reply(true);
    }
    return refuse(cainiaoBizCodes.repeatIntercept, "该运单已发起拦截，不可重复拦截");
  }
  if (parcel.state === "delivered" || parcel.state === "returned") {
    return refuse(cainiaoBizCodes.alreadySigned, "快件已签收或已退回，不可拦截");
  }
  if (parcel.state === "not_collected") {
    return refuse(cainiaoBizCodes.notCollected, "快件未揽收，不可拦截");
  }
  const instruction: SandboxInstruction = {
    id: request.outer_order_id ?? nextId(world, "CNI"),
    kind: "intercept",
    status: "accepted",
    createdAt: new Date().toISOString(),
  };
  parcel.instructions.push(instruction);
  recordCall(parcel, "intercept", request, true);
  scheduleOutcome(world, parcel, instruction, (entry) => ({
    contentType: "application/x-www-form-urlencoded;charset=utf-8",
    body: renderCutNotifyPush({ config, request, instruction, entry }),
    retry: CAINIAO_PUSH_RETRY,
  }));
  return reply(true);
}
