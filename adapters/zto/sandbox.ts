/**
 * ZTO sandbox: `POST /zto/<apiName>` speaking the new ZOP dialect (JSON body, `x-appKey` +
 * `x-dataDigest`, `{result, message, status, statusCode}` always with HTTP 200;
 * carrier-wire-formats.md §5), backed by the shared world. It serves the two APIs the adapter
 * uses; any other API name answers S207 API不存在, as ZOP does. cancelPreOrder's business codes
 * are ASSUMED (errors.ts `ztoBusinessCodes`); everything else follows the research.
 *
 * ZTO takes no interception from the gateway, so this sandbox has no intercept path, holds no
 * instructions and schedules no outcome: the world's interception rules (one active
 * instruction, no intercept of a delivered parcel) have nothing to apply to.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { createFaultMiddleware, type SandboxEnv } from "../sandbox-kit/faults.ts";
import {
  getParcel,
  recordCall,
  type SandboxHistoryEntry,
  type SandboxParcel,
  type World,
} from "../sandbox-kit/world.ts";
import { ZTO_CARRIER, ztoDataDigest } from "./client.ts";
import { ZTO_OK, ztoBusinessCodes, ztoPlatformCodes } from "./errors.ts";
import { ZtoCancelPreOrderRequestSchema, ZtoTrackRequestSchema } from "./schema.ts";

/** The app key a gateway talking to this sandbox should use. */
export const ZTO_SANDBOX_APP_KEY = "SANDBOX_APP_KEY";
/** The app secret that signs requests to this sandbox. */
export const ZTO_SANDBOX_APP_SECRET = "SANDBOX_APP_SECRET";

export interface ZtoSandboxConfig {
  appKey: string;
  appSecret: string;
}

interface RenderedScan {
  scanType: string;
  site: { name: string; code: string; city: string; isCenter: "T" | "F" };
  desc: string;
}

/**
 * Which scan the sandbox writes for each timeline step, as Chinese scan-type names (the form the
 * trace query answers with, status.ts). 问题件 (PROBLEM) is deliberately unmapped by the legend
 * and stands for a state the adapter cannot read.
 */
const SCAN_OF_KIND: Record<SandboxHistoryEntry["kind"], RenderedScan> = {
  collected: {
    scanType: "收件",
    site: { name: "青浦华新", code: "02191", city: "上海市", isCenter: "F" },
    desc: "【上海市】【青浦华新】的业务员已揽收",
  },
  transit: {
    scanType: "发件",
    site: { name: "上海转运中心", code: "02100", city: "上海市", isCenter: "T" },
    desc: "【上海市】快件离开【上海转运中心】发往【郑州中转部】",
  },
  at_station: {
    scanType: "到件",
    site: { name: "郑州高新区", code: "37131", city: "郑州市", isCenter: "F" },
    desc: "【郑州市】快件已到达【郑州高新区】",
  },
  out_for_delivery: {
    scanType: "派件",
    site: { name: "郑州高新区", code: "37131", city: "郑州市", isCenter: "F" },
    desc: "【郑州市】【郑州高新区】的业务员正在派件",
  },
  delivered: {
    scanType: "签收",
    site: { name: "郑州高新区", code: "37131", city: "郑州市", isCenter: "F" },
    desc: "【郑州市】快件已签收，签收网点：【郑州高新区】",
  },
  returned: {
    scanType: "退件签收",
    site: { name: "青浦华新", code: "02191", city: "上海市", isCenter: "F" },
    desc: "【上海市】快件已退回寄件人并签收",
  },
  redirected: {
    scanType: "退件",
    site: { name: "郑州中转部", code: "37100", city: "郑州市", isCenter: "T" },
    desc: "【郑州市】快件已改地址，发往新地址",
  },
  unknown: {
    scanType: "问题件",
    site: { name: "郑州中转部", code: "37100", city: "郑州市", isCenter: "T" },
    desc: "【郑州市】快件登记为问题件",
  },
};

/** One trace-query scan for one timeline step (`ScanTraceDTO` field names). */
export function renderZtoTrace(
  parcel: SandboxParcel,
  entry: SandboxHistoryEntry,
): Record<string, unknown> {
  const scan = SCAN_OF_KIND[entry.kind];
  return {
    billCode: parcel.trackingNumber,
    scanType: scan.scanType,
    scanDate: Date.parse(entry.at),
    scanSite: { ...scan.site, prov: scan.site.city === "上海市" ? "上海" : "河南" },
    desc: scan.desc,
  };
}

function ok(c: Context<SandboxEnv>, result: unknown, message: string): Response {
  return c.json({ result, message, status: true, statusCode: ZTO_OK });
}

/** Every ZOP failure is HTTP 200 with `status: false` (zto.md). */
function failure(c: Context<SandboxEnv>, statusCode: string, message: string): Response {
  return c.json({ result: null, message, status: false, statusCode });
}

/** Creates the ZTO sandbox app, to be mounted at `/zto`. */
export function createZtoSandbox(
  world: World,
  config: Partial<ZtoSandboxConfig> = {},
): Hono<SandboxEnv> {
  const appKey = config.appKey ?? ZTO_SANDBOX_APP_KEY;
  const appSecret = config.appSecret ?? ZTO_SANDBOX_APP_SECRET;
  const app = new Hono<SandboxEnv>();

  // ZOP throttles inside the envelope: HTTP 200 with S206 "api qos limit".
  app.use(
    "*",
    createFaultMiddleware(world, ZTO_CARRIER, (c) =>
      failure(c, ztoPlatformCodes.quota, "api qos limit"),
    ),
  );

  app.post("/:api", async (c) => {
    const body = await c.req.text();
    // The Java ZopClient sends the key as `x-companyid` too; ZOP accepts either (inference,
    // carrier-wire-formats.md §5.1). Header names are case-insensitive.
    const key = c.req.header("x-appKey") ?? c.req.header("x-companyid") ?? "";
    const digest = c.req.header("x-dataDigest") ?? "";
    // A wrong key and a wrong digest both fail verification: S211 签名错误.
    if (key !== appKey || digest !== ztoDataDigest(body, appSecret)) {
      return failure(c, ztoPlatformCodes.badSignature, "签名错误");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      // ASSUMED: ZOP lists unparseable JSON among its system errors without naming the code.
      return failure(c, ztoPlatformCodes.missingParameter, "sandbox: body is not JSON");
    }
    switch (c.req.param("api")) {
      case "zto.merchant.waybill.track.query":
        return trackQuery(c, world, payload);
      case "zto.open.cancelPreOrder":
        return cancelPreOrder(c, world, payload);
      default:
        return failure(c, ztoPlatformCodes.noSuchApi, "API不存在");
    }
  });

  return app;
}

/** The E416 answer: ASSUMED for any number the sandbox does not know (see README). */
function unknownWaybill(c: Context<SandboxEnv>): Response {
  return failure(c, ztoPlatformCodes.notZtoWaybill, "不符合中通运单号规则校验");
}

function trackQuery(c: Context<SandboxEnv>, world: World, payload: unknown): Response {
  const request = ZtoTrackRequestSchema.safeParse(payload);
  if (!request.success) {
    return failure(c, ztoPlatformCodes.missingParameter, "billCode不能为空");
  }
  const parcel = getParcel(world, ZTO_CARRIER, request.data.billCode);
  if (parcel === undefined) {
    return unknownWaybill(c);
  }
  recordCall(parcel, "track", request.data, true);
  return ok(
    c,
    parcel.history.map((entry) => renderZtoTrace(parcel, entry)),
    "操作成功",
  );
}

function cancelPreOrder(c: Context<SandboxEnv>, world: World, payload: unknown): Response {
  const request = ZtoCancelPreOrderRequestSchema.safeParse(payload);
  if (!request.success) {
    return failure(c, ztoPlatformCodes.missingParameter, "cancelType不能为空");
  }
  const billCode = request.data.billCode ?? "";
  if (billCode === "") {
    // The sandbox keeps parcels by waybill number only; orderCode-only cancels are not modelled.
    return failure(
      c,
      ztoPlatformCodes.missingParameter,
      "billCode不能为空 (sandbox: orderCode is not modelled)",
    );
  }
  const parcel = getParcel(world, ZTO_CARRIER, billCode);
  if (parcel === undefined) {
    return unknownWaybill(c);
  }
  // Every sandbox parcel counts as a 预约件 of this app; only "collected" decides. A returned or
  // unknown parcel has left the not-collected state too.
  if (parcel.state !== "not_collected") {
    recordCall(parcel, "cancel", request.data, false);
    return failure(c, ztoBusinessCodes.alreadyCollected, "订单已揽收，不可取消");
  }
  // ASSUMED: a repeated cancel of the same pickup answers success again (the pickup stays
  // cancelled); the world has no "cancelled" state, so the parcel stays not_collected.
  recordCall(parcel, "cancel", request.data, true);
  return ok(c, {}, "请求成功");
}
