/**
 * UPS sandbox under `/ups`: the OAuth token endpoint, Delivery Intercept v2 (eligibility,
 * charges, return, redirect, cancel), Track API v1 and the Track Alert subscription, with
 * UPS's paths, headers, bodies and error shapes, backed by the shared world. Track Alert
 * events are pushed to the configured push URL with UPS's `x-api-key` header. Business error
 * codes are ASSUMED (errors.ts `upsAssumedCodes`). This file holds the routes and what they
 * check; the bodies they answer with are built in sandbox-replies.ts and sandbox-track.ts.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import type { Address } from "../../contracts/normalized.ts";
import { createFaultMiddleware, type SandboxEnv } from "../sandbox-kit/faults.ts";
import type { PushRetryPolicy } from "../sandbox-kit/push.ts";
import {
  activeInstruction,
  getParcel,
  recordCall,
  type SandboxInstruction,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import { basicAuthorization, UPS_CARRIER, UPS_INQUIRY_TYPE, UPS_PLATFORM_TYPE } from "./client.ts";
import { upsAssumedCodes, upsKnownCodes } from "./errors.ts";
import {
  diRefusal,
  diSuccess,
  type Eligibility,
  errorReply,
  feature,
  refusalOf,
  wrappedRefusal,
} from "./sandbox-replies.ts";
import { renderUpsTrackingEvent, renderUpsTrackReply, upsClock } from "./sandbox-track.ts";
import {
  UPS_TRACKING_NUMBER,
  UPS_TRANS_ID,
  UpsChargesRequestSchema,
  type UpsSubmitRequest,
  UpsSubmitRequestSchema,
  UpsSubscriptionRequestSchema,
} from "./schema.ts";

export const UPS_SANDBOX_CLIENT_ID = "SANDBOX_UPS_CLIENT_ID";
export const UPS_SANDBOX_CLIENT_SECRET = "SANDBOX_UPS_CLIENT_SECRET";
/**
 * The Track Alert webhook token a gateway talking to this sandbox should configure. Like UPS,
 * the sandbox pushes to whatever URL is registered, so the token goes in that URL.
 */
export const UPS_SANDBOX_TRACK_ALERT_TOKEN = "SANDBOX_TRACK_ALERT_TOKEN";
/**
 * Track Alert requires the receiver to answer HTTP 200 (UPSTrackAlert.yaml); whether and how
 * often UPS sends an event again is not documented: ASSUMED 3 re-sends, 5 min apart.
 */
export const UPS_PUSH_RETRY: PushRetryPolicy = {
  retryDelaysMs: [5 * 60_000, 5 * 60_000, 5 * 60_000],
  acknowledged: (reply) => reply.status === 200,
};

/** A requester contact that passes the spec's patterns. */
export const UPS_SANDBOX_REQUESTER = { name: "Sandbox Shipper", telephone: "+15555550100" };

export interface UpsSandboxConfig {
  clientId: string;
  clientSecret: string;
  /** Lifetime of issued tokens (UPS: 14399 s). */
  tokenTtlSeconds: number;
}

/** Creates the UPS sandbox app, to be mounted at `/ups`. */
export function createUpsSandbox(
  world: World,
  config: Partial<UpsSandboxConfig> = {},
): Hono<SandboxEnv> {
  const clientId = config.clientId ?? UPS_SANDBOX_CLIENT_ID;
  const clientSecret = config.clientSecret ?? UPS_SANDBOX_CLIENT_SECRET;
  const ttlSeconds = config.tokenTtlSeconds ?? 14_399;
  const tokens = new Map<string, number>();
  const app = new Hono<SandboxEnv>();

  // UPS throttles with HTTP 429 and its usual error body (code ASSUMED). Faults hit only the
  // calls the world records (track, return, redirect, cancel): tokens, eligibility and charges
  // are auxiliary, so a "reset during an intercept" lands on the submit itself.
  const faults = createFaultMiddleware(world, UPS_CARRIER, (c) =>
    errorReply(c, 429, upsAssumedCodes.rateLimited, "Too Many Requests"),
  );
  for (const path of [
    "/api/track/v1/details/*",
    "/api/deliveryintercept/v2/return/*",
    "/api/deliveryintercept/v2/redirect/address/*",
    "/api/deliveryintercept/v2/cancel/*",
  ]) {
    app.use(path, faults);
  }

  app.post("/security/v1/oauth/token", async (c) => {
    const form = new URLSearchParams(await c.req.text());
    if (c.req.header("authorization") !== basicAuthorization(clientId, clientSecret)) {
      return errorReply(c, 401, "250002", "Invalid Authentication Information.");
    }
    if (form.get("grant_type") !== "client_credentials") {
      return errorReply(c, 400, "250001", "Invalid grant_type");
    }
    const token = randomBytes(24).toString("base64url");
    const now = Date.now();
    tokens.set(token, now + ttlSeconds * 1000);
    return c.json({
      token_type: "Bearer",
      issued_at: String(now),
      client_id: clientId,
      access_token: token,
      scope: "",
      expires_in: String(ttlSeconds),
      refresh_count: "0",
      status: "approved",
    });
  });

  // Every API call carries a bearer token the token endpoint issued.
  app.use("/api/*", async (c, next) => {
    const match = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "");
    const expiresAt = match?.[1] === undefined ? undefined : tokens.get(match[1]);
    if (expiresAt === undefined) {
      return errorReply(c, 401, "UJ0001", "Invalid token or token is not present.");
    }
    if (expiresAt <= Date.now()) {
      return errorReply(c, 401, "251004", "Bearer token expired.");
    }
    await next();
  });

  app.get("/api/track/v1/details/:tn", (c) => {
    const transId = c.req.header("transId") ?? "";
    if (!/^[a-zA-Z0-9-.]{1,36}$/.test(transId)) {
      // Codes of the Track Alert table for the same headers (sourced there, reused here).
      return errorReply(c, 400, "VSS002", "transId is missing or invalid");
    }
    if ((c.req.header("transactionSrc") ?? "") === "") {
      return errorReply(c, 400, "VSS004", "transactionSrc is missing");
    }
    const parcel = getParcel(world, UPS_CARRIER, c.req.param("tn"));
    if (parcel === undefined) {
      return errorReply(c, 404, upsKnownCodes.trackingNotFound, "Tracking Information Not Found");
    }
    recordCall(
      parcel,
      "track",
      { inquiryNumber: parcel.trackingNumber, query: c.req.query() },
      true,
    );
    return c.json(renderUpsTrackReply(parcel));
  });

  app.post("/api/track/v1/subscription/standard/package", async (c) => {
    const body = UpsSubscriptionRequestSchema.safeParse(await readJson(c));
    if (!body.success) {
      return errorReply(c, 400, "VSS110", "Empty or invalid request");
    }
    const valid = body.data.trackingNumberList.filter(
      (tn) => getParcel(world, UPS_CARRIER, tn) !== undefined,
    );
    return c.json({
      validTrackingNumbers: valid,
      invalidTrackingNumbers: body.data.trackingNumberList.filter((tn) => !valid.includes(tn)),
    });
  });

  // Delivery Intercept: spec headers and the 1Z path parameter first (400 / 710).
  app.use("/api/deliveryintercept/v2/*", async (c, next) => {
    const tn = c.req.path.split("/").at(-1) ?? "";
    const invalid =
      !UPS_TRANS_ID.test(c.req.header("transId") ?? "") ||
      c.req.header("platformType") !== UPS_PLATFORM_TYPE ||
      c.req.header("inquiryType") !== UPS_INQUIRY_TYPE ||
      !UPS_TRACKING_NUMBER.test(tn);
    if (invalid) {
      return errorReply(
        c,
        400,
        upsKnownCodes.inputValidation,
        "Failure due to input validation error",
      );
    }
    await next();
  });

  app.get("/api/deliveryintercept/v2/eligibility/intercept/:tn", (c) => {
    const parcel = getParcel(world, UPS_CARRIER, c.req.param("tn"));
    if (parcel === undefined) {
      return wrappedRefusal(c, upsAssumedCodes.unknownPackage, "Tracking number not found");
    }
    const refusal = refusalOf(parcel);
    const active = activeInstruction(parcel)?.status === "accepted";
    const create: Eligibility = refusal === undefined ? "ELIGIBLE" : "NOT_ELIGIBLE";
    const change: Eligibility = active ? "ELIGIBLE" : "NOT_ELIGIBLE";
    return c.json({
      response: {
        transactionId: c.req.header("transId"),
        statusCode: upsKnownCodes.ok,
        statusMsg: "SUCCESS",
        success: true,
        errors: null,
        // UPS's reason, keyed by the same (ASSUMED) codes the submit endpoints answer with.
        warnings: refusal === undefined ? null : { [refusal[0]]: refusal[1] },
        commonEligibilityMap: ["RTS", "WC", "SDWC", "FD", "RD"].map((name) =>
          feature(name, create, change, change),
        ),
      },
    });
  });

  app.post("/api/deliveryintercept/v2/charges/:tn", async (c) => {
    const tn = c.req.param("tn");
    const body = UpsChargesRequestSchema.safeParse(await readJson(c));
    if (!body.success) {
      return errorReply(
        c,
        400,
        upsKnownCodes.inputValidation,
        "Failure due to input validation error",
      );
    }
    if (getParcel(world, UPS_CARRIER, tn) === undefined) {
      return wrappedRefusal(c, upsAssumedCodes.unknownPackage, "Tracking number not found");
    }
    const option = body.data.ratingRequest[0]?.trackInfo.interceptOption ?? "RS";
    // The spec's examples: 21.00 USD per intercept; a redirect adds transportation.
    const transportation = option === "AA" ? "25.00" : "0.00";
    const total = option === "AA" ? "46.00" : "21.00";
    return c.json({
      response: {
        transactionId: c.req.header("transId"),
        statusCode: upsKnownCodes.ok,
        statusMsg: "Success",
        success: true,
        errors: null,
        warnings: null,
        chargeInfo: [
          {
            trackingNumber: tn,
            accessorialCharge: "21.00",
            interceptCharge: "21.00",
            transportationCharge: transportation,
            totalCharge: total,
            chargeCurrency: "USD",
            estDeliveryDate: upsClock(new Date(Date.now() + 2 * 86_400_000)).date,
            residentialIndicator: false,
            serviceCode: "003",
            serviceDesc: "UPS Ground",
            packageWeight: "5",
            packageWeightUOM: "LBS",
            packagingType: "02",
            shipperName: "SANDBOX SHIPPER",
            preTaxTotalCharge: total,
            taxDisclaimerIndicator: "NTA",
            shipperPaidInterceptCharges: false,
          },
        ],
      },
    });
  });

  const submit = (operation: "intercept" | "redirect") => async (c: Context<SandboxEnv>) => {
    const tn = c.req.param("tn") ?? "";
    const raw = await readJson(c);
    const parcel = getParcel(world, UPS_CARRIER, tn);
    if (parcel === undefined) {
      return diRefusal(c, upsAssumedCodes.unknownPackage, "Tracking number not found");
    }
    const body = UpsSubmitRequestSchema.safeParse(raw);
    const expected = operation === "intercept" ? "RS" : "AA";
    const invalid =
      !body.success ||
      body.data.requestType !== expected ||
      (operation === "intercept" && body.data.reasonForReturn === undefined) ||
      (operation === "redirect" && body.data.newDeliveryAddress === undefined);
    if (invalid) {
      recordCall(parcel, operation, raw, false);
      return errorReply(
        c,
        400,
        upsKnownCodes.inputValidation,
        "Failure due to input validation error",
      );
    }
    const transId = c.req.header("transId") ?? "";
    const active = activeInstruction(parcel);
    // A retry of the instruction UPS already holds (same transId, same kind) is answered as
    // accepted again, without a second instruction: the point of a stable transId (ASSUMED).
    if (active !== undefined && active.id === transId && active.kind === operation) {
      parcel.calls.push({
        operation,
        at: new Date().toISOString(),
        body: raw,
        accepted: true,
        repeat: true,
      });
      return diSuccess(c);
    }
    const refusal = refusalOf(parcel);
    if (refusal !== undefined) {
      recordCall(parcel, operation, raw, false);
      return diRefusal(c, refusal[0], refusal[1]);
    }
    const instruction: SandboxInstruction = {
      id: transId,
      kind: operation,
      status: "accepted",
      createdAt: new Date().toISOString(),
      ...(body.data.newDeliveryAddress === undefined
        ? {}
        : { redirectTo: body.data.newDeliveryAddress as Record<string, unknown> }),
    };
    parcel.instructions.push(instruction);
    recordCall(parcel, operation, raw, true);
    // Track Alert identifies itself with the client id in `x-api-key` (UPSTrackAlert.yaml).
    scheduleOutcome(world, parcel, instruction, (entry) => ({
      contentType: "application/json",
      body: renderUpsTrackingEvent(parcel, entry),
      headers: { "x-api-key": clientId, "user-agent": "UPSPubSubTrackingService" },
      retry: UPS_PUSH_RETRY,
    }));
    return diSuccess(c);
  };

  app.post("/api/deliveryintercept/v2/return/:tn", submit("intercept"));
  app.post("/api/deliveryintercept/v2/redirect/address/:tn", submit("redirect"));

  app.post("/api/deliveryintercept/v2/cancel/:tn", async (c) => {
    const raw = await readJson(c);
    const parcel = getParcel(world, UPS_CARRIER, c.req.param("tn"));
    if (parcel === undefined) {
      return diRefusal(c, upsAssumedCodes.unknownPackage, "Tracking number not found");
    }
    const body = UpsSubmitRequestSchema.safeParse(raw);
    if (!body.success) {
      recordCall(parcel, "cancel", raw, false);
      return errorReply(
        c,
        400,
        upsKnownCodes.inputValidation,
        "Failure due to input validation error",
      );
    }
    const kind = kindOf(body.data);
    const instruction = [...parcel.instructions].reverse().find((i) => i.kind === kind);
    if (instruction === undefined || instruction.status === "cancelled") {
      recordCall(parcel, "cancel", raw, false);
      return diRefusal(c, upsAssumedCodes.nothingToCancel, "No delivery change to cancel");
    }
    if (instruction.status !== "accepted") {
      recordCall(parcel, "cancel", raw, false);
      return diRefusal(c, upsAssumedCodes.alreadyCompleted, "The delivery change is completed");
    }
    instruction.status = "cancelled";
    recordCall(parcel, "cancel", raw, true);
    return diSuccess(c);
  });

  return app;
}

function kindOf(request: UpsSubmitRequest): "intercept" | "redirect" {
  return request.requestType === "AA" ? "redirect" : "intercept";
}

async function readJson(c: Context<SandboxEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

/** A US address UPS can redirect to, for tests and demos against the sandbox. */
export const UPS_SANDBOX_REDIRECT_ADDRESS: Address = {
  name: "Sandbox Receiver",
  phone: "(410) 555-0100",
  country: "US",
  province: "MD",
  city: "Baltimore",
  line1: "1899 Main St",
  line2: "Suite 2",
  postalCode: "21230",
};
