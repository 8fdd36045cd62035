/**
 * SF sandbox: `POST /sf-express/std/service` speaking the 丰桥 form, signature and envelopes
 * (carrier-wire-formats.md §1), backed by the shared world. Business error codes for intercept
 * are ASSUMED (see errors.ts `sfBusinessCodes`); everything else follows the research.
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
  type SandboxOperation,
  type SandboxParcel,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import { SF_CARRIER, sfMsgDigest } from "./client.ts";
import { SF_BUSINESS_OK, SF_PLATFORM_OK, sfBusinessCodes } from "./errors.ts";
import {
  type SfInterceptRequest,
  SfInterceptRequestSchema,
  SfRouteQueryRequestSchema,
} from "./schema.ts";

export const SF_SANDBOX_PARTNER_ID = "SANDBOX_PARTNER";
export const SF_SANDBOX_CHECKWORD = "SANDBOX_CHECKWORD";
/**
 * The push token a gateway talking to this sandbox should configure. The sandbox does not add
 * it: like SF, it pushes to whatever URL is registered, so the token goes in that URL.
 */
export const SF_SANDBOX_PUSH_TOKEN = "SANDBOX_PUSH_TOKEN";

/**
 * SF re-pushes a route push its receiver did not acknowledge with `return_code` "0000" (a
 * "1000", another answer or no answer). The doc says SF re-pushes on failure but gives neither
 * count nor interval: ASSUMED 3 re-sends, 10 min apart (the doc's push cycle).
 */
export const SF_PUSH_RETRY: PushRetryPolicy = {
  retryDelaysMs: [10 * 60_000, 10 * 60_000, 10 * 60_000],
  acknowledged: jsonAcknowledgement(z.object({ return_code: z.literal("0000") })),
};

export interface SfExpressSandboxConfig {
  partnerId: string;
  checkWord: string;
}

/**
 * Which opCode the sandbox writes for each timeline step. Codes come from status.ts; "99" is
 * listed by SF integrations without a meaning and stands for a state the legend cannot read.
 */
const OP_CODE_OF_KIND: Record<SandboxHistoryEntry["kind"], { opCode: string; remark: string }> = {
  collected: { opCode: "50", remark: "顺丰速运 已收取快件" },
  transit: { opCode: "30", remark: "快件在【深圳宝安集散中心】完成分拣,准备发往下一站" },
  at_station: { opCode: "130", remark: "快件已到达目的地网点，即将派件" },
  out_for_delivery: { opCode: "44", remark: "快件交给派送员，正在派送途中" },
  delivered: { opCode: "80", remark: "快件已签收" },
  returned: { opCode: "631", remark: "快件已退回" },
  redirected: { opCode: "648", remark: "快件已转寄至新地址" },
  unknown: { opCode: "99", remark: "快件状态更新" },
};

function routeOf(entry: SandboxHistoryEntry): {
  acceptTime: string;
  acceptAddress: string;
  remark: string;
  opCode: string;
} {
  const code = OP_CODE_OF_KIND[entry.kind];
  return {
    acceptTime: formatChinaTime(new Date(entry.at)),
    acceptAddress: "深圳市",
    remark: code.remark,
    opCode: code.opCode,
  };
}

/** The json-mode route push body for one new route (carrier-wire-formats.md §1.8). */
export function renderSfRoutePush(parcel: SandboxParcel, entry: SandboxHistoryEntry): string {
  const route = routeOf(entry);
  return JSON.stringify({
    Body: {
      WaybillRoute: [
        {
          mailno: parcel.trackingNumber,
          acceptAddress: route.acceptAddress,
          reasonName: entry.kind === "delivered" ? "拦截失败" : "",
          orderid: `SANDBOX-ORDER-${parcel.trackingNumber}`,
          acceptTime: route.acceptTime,
          remark: route.remark,
          opCode: route.opCode,
          id: entry.id,
          reasonCode: "",
        },
      ],
    },
  });
}

function envelope(
  c: Context<SandboxEnv>,
  apiResultCode: string,
  apiErrorMsg: string,
  data: string,
): Response {
  return c.json({
    apiResultCode,
    apiErrorMsg,
    apiResponseID: randomUUID().replaceAll("-", "").toUpperCase(),
    apiResultData: data,
  });
}

/** A platform error: `apiResultData` is "" (open-connector `platformError`). */
function platformError(c: Context<SandboxEnv>, code: string, message: string): Response {
  return envelope(c, code, message, "");
}

function businessOk(c: Context<SandboxEnv>, msgData: unknown): Response {
  return envelope(
    c,
    SF_PLATFORM_OK,
    "",
    JSON.stringify({ success: true, errorCode: SF_BUSINESS_OK, errorMsg: null, msgData }),
  );
}

/** Business failures still carry A1000 outside (open-connector `unwrapSfExpressEnvelope`). */
function businessError(c: Context<SandboxEnv>, errorCode: string, errorMsg: string): Response {
  return envelope(
    c,
    SF_PLATFORM_OK,
    "",
    JSON.stringify({ success: false, errorCode, errorMsg, msgData: null }),
  );
}

const REQUIRED_FIELDS = ["partnerID", "requestID", "serviceCode", "timestamp", "msgData"] as const;

/** Creates the SF sandbox app, to be mounted at `/sf-express`. */
export function createSfExpressSandbox(
  world: World,
  config: Partial<SfExpressSandboxConfig> = {},
): Hono<SandboxEnv> {
  const partnerId = config.partnerId ?? SF_SANDBOX_PARTNER_ID;
  const checkWord = config.checkWord ?? SF_SANDBOX_CHECKWORD;
  const app = new Hono<SandboxEnv>();
  // SF pushes every route of a subscribed waybill, a collection scan included.
  world.routePushes[SF_CARRIER] = (parcel, entry) => ({
    contentType: "application/json;charset=UTF-8",
    body: renderSfRoutePush(parcel, entry),
    retry: SF_PUSH_RETRY,
  });

  // SF throttles inside the envelope: HTTP 200 with A1005 (open-connector maps it to 429).
  app.use(
    "/std/service",
    createFaultMiddleware(world, SF_CARRIER, (c) => platformError(c, "A1005", "sandbox: 流量超限")),
  );

  app.post("/std/service", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    for (const field of REQUIRED_FIELDS) {
      if ((form.get(field) ?? "") === "") {
        // ASSUMED meaning of A1001: a required parameter is missing.
        return platformError(c, "A1001", `sandbox: missing ${field}`);
      }
    }
    const msgDataText = form.get("msgData") ?? "";
    const timestamp = form.get("timestamp") ?? "";
    const digest = form.get("msgDigest") ?? "";
    // Wrong partner or wrong digest both fail verification: A1006 数字签名无效.
    if (
      form.get("partnerID") !== partnerId ||
      digest !== sfMsgDigest(msgDataText, timestamp, checkWord)
    ) {
      return platformError(c, "A1006", "数字签名无效");
    }
    let msgData: unknown;
    try {
      msgData = JSON.parse(msgDataText);
    } catch {
      return platformError(c, "A1001", "sandbox: msgData is not JSON");
    }
    switch (form.get("serviceCode")) {
      case "EXP_RECE_SEARCH_ROUTES":
        return searchRoutes(c, world, msgData);
      case "EXP_RECE_WANTED_INTERCEPT":
        return wantedIntercept(c, world, msgData);
      default:
        // SF's own sandbox answers A1009 for services it does not offer (open-connector PR #508).
        return platformError(c, "A1009", "sandbox: service not available");
    }
  });

  return app;
}

function searchRoutes(c: Context<SandboxEnv>, world: World, msgData: unknown): Response {
  const request = SfRouteQueryRequestSchema.safeParse(msgData);
  if (!request.success) {
    return businessError(c, sfBusinessCodes.invalidParameters, `sandbox: ${request.error.message}`);
  }
  const parcels: SandboxParcel[] = [];
  for (const trackingNumber of request.data.trackingNumber) {
    const parcel = getParcel(world, SF_CARRIER, trackingNumber);
    if (parcel === undefined) {
      return businessError(c, sfBusinessCodes.waybillNotFound, `运单号不存在: ${trackingNumber}`);
    }
    parcels.push(parcel);
  }
  for (const parcel of parcels) {
    recordCall(parcel, "track", request.data, true);
  }
  return businessOk(c, {
    routeResps: parcels.map((parcel) => ({
      mailNo: parcel.trackingNumber,
      routes: parcel.history.map(routeOf),
    })),
  });
}

function wantedIntercept(c: Context<SandboxEnv>, world: World, msgData: unknown): Response {
  const parsed = SfInterceptRequestSchema.safeParse(msgData);
  if (!parsed.success) {
    return businessError(c, sfBusinessCodes.invalidParameters, `sandbox: ${parsed.error.message}`);
  }
  const request = parsed.data;
  const parcel = getParcel(world, SF_CARRIER, request.waybillNo);
  if (parcel === undefined) {
    return businessError(c, sfBusinessCodes.waybillNotFound, `运单号不存在: ${request.waybillNo}`);
  }
  if (request.cancel === true) {
    return cancelInstruction(c, parcel, request, msgData);
  }
  const operation: SandboxOperation | undefined =
    request.serviceCode === "2"
      ? "intercept"
      : request.serviceCode === "1"
        ? "redirect"
        : undefined;
  if (operation === undefined) {
    return businessError(
      c,
      sfBusinessCodes.invalidParameters,
      `sandbox: serviceCode ${request.serviceCode} is not modelled (only 1 转寄 and 2 退回)`,
    );
  }
  const refuse = (code: string, message: string): Response => {
    recordCall(parcel, operation, msgData, false);
    return businessError(c, code, message);
  };
  if (request.payMode === undefined || request.role === undefined) {
    return refuse(sfBusinessCodes.invalidParameters, "sandbox: role and payMode are required");
  }
  if ((request.payMode === "3" || request.payMode === "4") && !request.monthlyCardNo) {
    return refuse(
      sfBusinessCodes.invalidParameters,
      "sandbox: monthlyCardNo is required for payMode 3/4",
    );
  }
  if (operation === "redirect" && request.newDestAddress === undefined) {
    return refuse(
      sfBusinessCodes.invalidParameters,
      "sandbox: newDestAddress is required for 转寄",
    );
  }
  const active = activeInstruction(parcel);
  if (active !== undefined) {
    // A retry of the very instruction SF already holds (same cusId, same kind) is answered as
    // accepted again, without a second instruction: the point of a stable cusId (ASSUMED).
    if (request.cusId !== undefined && active.id === request.cusId && active.kind === operation) {
      parcel.calls.push({
        operation,
        at: new Date().toISOString(),
        body: msgData,
        accepted: true,
        repeat: true,
      });
      return businessOk(c, submitReply(active.id, request.payMode));
    }
    return refuse(sfBusinessCodes.alreadyIntercepted, "该运单已拦截，不可重复拦截");
  }
  if (parcel.state === "delivered" || parcel.state === "returned") {
    return refuse(sfBusinessCodes.notInterceptable, "快件已签收或已退回，不可拦截");
  }
  if (parcel.state === "not_collected") {
    return refuse(sfBusinessCodes.notCollected, "快件未揽收，不可拦截");
  }
  const instruction: SandboxInstruction = {
    id: request.cusId ?? nextId(world, "SFI"),
    kind: operation,
    status: "accepted",
    createdAt: new Date().toISOString(),
    ...(request.newDestAddress === undefined ? {} : { redirectTo: request.newDestAddress }),
  };
  parcel.instructions.push(instruction);
  recordCall(parcel, operation, msgData, true);
  scheduleOutcome(world, parcel, instruction, (entry) => ({
    contentType: "application/json;charset=UTF-8",
    body: renderSfRoutePush(parcel, entry),
    retry: SF_PUSH_RETRY,
  }));
  return businessOk(c, submitReply(instruction.id, request.payMode));
}

/**
 * Reply msgData: null for monthly-card modes (SF's plain success); the fee variant
 * `{cusId, amount}` when the sender pays cash, `{cusId}` for recipient-pays (settled on
 * arrival). Sandbox choice so both reply shapes are exercised.
 */
function submitReply(cusId: string, payMode: string): Record<string, unknown> | null {
  if (payMode === "1") {
    return { cusId, amount: 18 };
  }
  if (payMode === "2") {
    return { cusId };
  }
  return null;
}

function cancelInstruction(
  c: Context<SandboxEnv>,
  parcel: SandboxParcel,
  request: SfInterceptRequest,
  msgData: unknown,
): Response {
  const instruction = parcel.instructions.find((i) => i.id === request.cusId);
  if (request.cusId === undefined || instruction === undefined) {
    recordCall(parcel, "cancel", msgData, false);
    return businessError(c, sfBusinessCodes.instructionNotFound, "拦截指令不存在");
  }
  if (instruction.status === "succeeded" || instruction.status === "failed") {
    recordCall(parcel, "cancel", msgData, false);
    return businessError(c, sfBusinessCodes.instructionClosed, "拦截已完成，不可撤销");
  }
  // Cancelling twice is harmless: the instruction stays cancelled.
  instruction.status = "cancelled";
  recordCall(parcel, "cancel", msgData, true);
  return businessOk(c, null);
}
