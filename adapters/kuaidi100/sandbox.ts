/**
 * Kuaidi100 sandbox, mounted at `/kuaidi100`: `POST /label/order` (`method=interceptOrder`) and
 * `POST /poll/query.do`, with Kuaidi100's forms, signatures and reply shapes
 * (carrier-wire-formats.md §3), backed by the shared world. Label API error codes and the
 * result callback are ASSUMED (errors.ts `labelCodes`, README.md).
 *
 * Kuaidi100 fronts many carriers: a `zhongtong` waybill is looked up in the world under `zto`
 * (so the gateway's ZTO-through-Kuaidi100 routing meets the ZTO parcels), every other company
 * under `kuaidi100`.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
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
  type SandboxOperation,
  type SandboxParcel,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import { callbackSign, KUAIDI100_CARRIER, labelSign, querySign } from "./client.ts";
import { LABEL_OK, labelCodes, queryCodes } from "./errors.ts";
import { type InterceptOrderParam, InterceptOrderParamSchema, QueryParamSchema } from "./schema.ts";

export const KUAIDI100_SANDBOX_KEY = "SANDBOX_KEY";
export const KUAIDI100_SANDBOX_SECRET = "SANDBOX_SECRET";
export const KUAIDI100_SANDBOX_CUSTOMER = "SANDBOX_CUSTOMER";
/**
 * The salt a gateway talking to this sandbox should configure. The sandbox does not impose it:
 * like Kuaidi100, it signs each callback with the `salt` sent in that intercept request.
 */
export const KUAIDI100_SANDBOX_SALT = "SANDBOX_SALT_0123";

/**
 * Kuaidi100 calls back again when the answer is not `{"result":true,"returnCode":"200",…}`: 3
 * times, 30 min apart (its callback convention: the commercial-order callback doc says 30 min ×
 * 3, the SDK's `Subscribe.java` 35 min × 3; the intercept doc says nothing of its own).
 */
export const KUAIDI100_PUSH_RETRY: PushRetryPolicy = {
  retryDelaysMs: [30 * 60_000, 30 * 60_000, 30 * 60_000],
  acknowledged: jsonAcknowledgement(
    z.object({ result: z.literal(true), returnCode: z.literal("200") }),
  ),
};

/** Companies whose intercept requires `callbackUrl` ("中通、极兔、圆通必填", carriers.md §4.6). */
const CALLBACK_REQUIRED = new Set(["zhongtong", "jtexpress", "yuantong"]);

/** The world carrier that holds a company's parcels (see the file comment). */
export function worldCarrierOf(company: string): CarrierId {
  return company === "zhongtong" ? "zto" : KUAIDI100_CARRIER;
}

/**
 * Which tracking code the sandbox writes for each timeline step (status.ts legend, the
 * `resultv2=4` codes); `unknown` becomes 202 超时未更新, a state that tells nothing.
 */
const CODE_OF_KIND: Record<
  SandboxHistoryEntry["kind"],
  { code: string; label: string; context: string }
> = {
  collected: { code: "103", label: "揽收", context: "【上海青浦区公司】已揽收" },
  transit: { code: "1002", label: "在途", context: "快件已发往【深圳转运中心】" },
  at_station: { code: "1001", label: "在途", context: "快件已到达【深圳南山区公司】" },
  out_for_delivery: { code: "5", label: "派件", context: "快件正在派送中，派件员: 李师傅" },
  delivered: { code: "3", label: "签收", context: "快件已签收，签收人: 本人" },
  returned: { code: "6", label: "退回", context: "快件已拦截，正在退回寄件人" },
  redirected: { code: "7", label: "转投", context: "快件已转投至新地址" },
  unknown: { code: "202", label: "疑难", context: "快件长时间未更新，请联系快递公司" },
};

/** The top-level state of a known parcel with no scan yet: 102 待揽收. */
const NOT_COLLECTED_STATE = "102";

function trackEntryOf(entry: SandboxHistoryEntry): Record<string, string> {
  const code = CODE_OF_KIND[entry.kind];
  const time = formatChinaTime(new Date(entry.at));
  return {
    time,
    ftime: time,
    context: code.context,
    status: code.label,
    statusCode: code.code,
    areaName: "广东,深圳市",
  };
}

/** The ASSUMED intercept result callback `param` for a decided instruction. */
export function renderInterceptCallbackParam(
  parcel: SandboxParcel,
  request: InterceptOrderParam,
  instruction: SandboxInstruction,
  entry: SandboxHistoryEntry,
): string {
  const succeeded = instruction.status === "succeeded";
  return JSON.stringify({
    kuaidicom: request.kuaidicom,
    kuaidinum: parcel.trackingNumber,
    orderId: instruction.id,
    interceptType: request.interceptType,
    status: succeeded ? "success" : "failure",
    message: succeeded ? "拦截成功" : "拦截失败，快件已派送签收",
    state: CODE_OF_KIND[entry.kind].code,
    time: formatChinaTime(new Date(entry.at)),
  });
}

function labelReply(
  c: Context<SandboxEnv>,
  code: string,
  message: string,
  data: unknown,
): Response {
  return c.json({ code: Number(code), message, data, time: 3 });
}

function queryRefusal(c: Context<SandboxEnv>, returnCode: string, message: string): Response {
  return c.json({ result: false, returnCode, message });
}

const LABEL_FIELDS = ["method", "key", "t", "sign", "param"] as const;
const QUERY_FIELDS = ["customer", "sign", "param"] as const;

/** Creates the Kuaidi100 sandbox app, to be mounted at `/kuaidi100`. */
export function createKuaidi100Sandbox(world: World): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  // Kuaidi100 answers "服务器繁忙" inside an HTTP 200, in each API's own reply shape (ASSUMED to
  // be its throttling answer, errors.ts).
  app.use(
    "/label/order",
    createFaultMiddleware(world, KUAIDI100_CARRIER, (c) =>
      labelReply(c, labelCodes.serverBusy, "服务器繁忙", null),
    ),
  );
  app.use(
    "/poll/query.do",
    createFaultMiddleware(world, KUAIDI100_CARRIER, (c) =>
      queryRefusal(c, queryCodes.serverBusy, "服务器繁忙"),
    ),
  );

  app.post("/poll/query.do", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    for (const field of QUERY_FIELDS) {
      if ((form.get(field) ?? "") === "") {
        return queryRefusal(c, queryCodes.badRequest, `提交的数据不完整: ${field}`);
      }
    }
    const paramText = form.get("param") ?? "";
    if (
      form.get("customer") !== KUAIDI100_SANDBOX_CUSTOMER ||
      form.get("sign") !== querySign(paramText, KUAIDI100_SANDBOX_KEY, KUAIDI100_SANDBOX_CUSTOMER)
    ) {
      return queryRefusal(c, queryCodes.badSignature, "验证签名失败");
    }
    let raw: unknown;
    try {
      raw = JSON.parse(paramText);
    } catch {
      return queryRefusal(c, queryCodes.badRequest, "提交的数据不完整: param");
    }
    const param = QueryParamSchema.safeParse(raw);
    if (!param.success) {
      return queryRefusal(c, queryCodes.badRequest, "找不到对应公司");
    }
    const parcel = getParcel(world, worldCarrierOf(param.data.com), param.data.num);
    if (parcel === undefined) {
      return queryRefusal(c, queryCodes.noResult, "查询无结果，请隔段时间再查");
    }
    recordCall(parcel, "track", param.data, true);
    const last = parcel.history.at(-1);
    const entries = parcel.history.map(trackEntryOf);
    if (param.data.order !== "asc") {
      entries.reverse();
    }
    return c.json({
      message: "ok",
      nu: parcel.trackingNumber,
      ischeck: parcel.state === "delivered" ? "1" : "0",
      condition: "00",
      com: param.data.com,
      status: "200",
      state:
        parcel.state === "not_collected" || last === undefined
          ? NOT_COLLECTED_STATE
          : CODE_OF_KIND[last.kind].code,
      data: entries,
    });
  });

  app.post("/label/order", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    for (const field of LABEL_FIELDS) {
      if ((form.get(field) ?? "") === "") {
        return labelReply(c, labelCodes.badRequest, `参数错误: 缺少${field}`, null);
      }
    }
    const paramText = form.get("param") ?? "";
    if (
      form.get("key") !== KUAIDI100_SANDBOX_KEY ||
      form.get("sign") !==
        labelSign(paramText, form.get("t") ?? "", KUAIDI100_SANDBOX_KEY, KUAIDI100_SANDBOX_SECRET)
    ) {
      return labelReply(c, labelCodes.badSignature, "签名错误", null);
    }
    if (form.get("method") !== "interceptOrder") {
      return labelReply(
        c,
        labelCodes.badRequest,
        `sandbox: method ${form.get("method")} 未模拟`,
        null,
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(paramText);
    } catch {
      return labelReply(c, labelCodes.badRequest, "参数错误: param 不是 JSON", null);
    }
    return interceptOrder(c, world, raw);
  });

  return app;
}

/** Checks a `recManInfo` the way `ManInfo` documents its required fields. */
function recManInfoProblem(request: InterceptOrderParam): string | null {
  const man = request.recManInfo;
  if (man === undefined) {
    return "MODIFY_ADDR 需要 recManInfo";
  }
  if (!man.mobile && !man.tel) {
    return "recManInfo 需要 mobile 或 tel";
  }
  if (!man.printAddr && !(man.province && man.city && man.district && man.addr)) {
    return "recManInfo 需要 printAddr 或 省市区+详细地址";
  }
  return null;
}

function interceptOrder(c: Context<SandboxEnv>, world: World, raw: unknown): Response {
  const parsed = InterceptOrderParamSchema.safeParse(raw);
  if (!parsed.success) {
    return labelReply(c, labelCodes.badRequest, `参数错误: ${parsed.error.message}`, null);
  }
  const request = parsed.data;
  const parcel = getParcel(world, worldCarrierOf(request.kuaidicom), request.kuaidinum);
  if (parcel === undefined) {
    return labelReply(c, labelCodes.waybillNotFound, `运单不存在: ${request.kuaidinum}`, null);
  }
  const operation: SandboxOperation =
    request.interceptType === "MODIFY_ADDR" ? "redirect" : "intercept";
  // The salt signs the result callback: the control API shows the call without it.
  const recorded = request.salt === undefined ? request : { ...request, salt: "redacted" };
  const refuse = (code: string, message: string): Response => {
    recordCall(parcel, operation, recorded, false);
    return labelReply(c, code, message, null);
  };
  const orderId = request.orderId ?? request.orderid;
  if (CALLBACK_REQUIRED.has(request.kuaidicom) && !request.callbackUrl) {
    return refuse(labelCodes.badRequest, `参数错误: ${request.kuaidicom} 必须传 callbackUrl`);
  }
  if (operation === "redirect") {
    const problem = recManInfoProblem(request);
    if (problem !== null) {
      return refuse(labelCodes.badRequest, `参数错误: ${problem}`);
    }
  }
  const active = activeInstruction(parcel);
  if (active !== undefined) {
    // A retry of the very instruction already held (same orderId, same kind) is answered as
    // accepted again without a second instruction: the point of sending our reference (ASSUMED).
    if (orderId !== undefined && active.id === orderId && active.kind === operation) {
      parcel.calls.push({
        operation,
        at: new Date().toISOString(),
        body: recorded,
        accepted: true,
        repeat: true,
      });
      return labelReply(c, LABEL_OK, "success", { taskId: active.id });
    }
    return refuse(labelCodes.alreadyIntercepted, "该运单已拦截，不可重复拦截");
  }
  if (parcel.state === "delivered" || parcel.state === "returned") {
    return refuse(labelCodes.notInterceptable, "快件已签收或已退回，不可拦截");
  }
  if (parcel.state === "not_collected") {
    return refuse(labelCodes.notCollected, "快件未揽收，不可拦截");
  }
  const instruction: SandboxInstruction = {
    id: orderId ?? nextId(world, "K100I"),
    kind: operation,
    status: "accepted",
    createdAt: new Date().toISOString(),
    ...(request.recManInfo === undefined ? {} : { redirectTo: request.recManInfo }),
  };
  parcel.instructions.push(instruction);
  recordCall(parcel, operation, recorded, true);
  scheduleOutcome(world, parcel, instruction, (entry) => {
    const param = renderInterceptCallbackParam(parcel, request, instruction, entry);
    const body = new URLSearchParams({
      param,
      // Signed with the salt of this request; an empty salt when none was sent, as Kuaidi100 does.
      sign: callbackSign(param, request.salt ?? ""),
    }).toString();
    return {
      contentType: "application/x-www-form-urlencoded;charset=UTF-8",
      body,
      ...(request.callbackUrl ? { url: request.callbackUrl } : {}),
      retry: KUAIDI100_PUSH_RETRY,
    };
  });
  return labelReply(c, LABEL_OK, "success", { taskId: instruction.id });
}
