/**
 * UPS sandbox under `/ups`: the OAuth token endpoint, Delivery Intercept v2 (eligibility,
 * charges, return, redirect, cancel), Track API v1 and the Track Alert subscription, with
 * UPS's paths, headers, bodies and error shapes, backed by the shared world. Track Alert
 * events are pushed to the configured push URL with UPS's `x-api-key` header. Business error
 * codes are ASSUMED (errors.ts `upsAssumedCodes`).
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
  type SandboxHistoryEntry,
  type SandboxInstruction,
  type SandboxParcel,
  scheduleOutcome,
  type World,
} from "../sandbox-kit/world.ts";
import { basicAuthorization, UPS_CARRIER, UPS_INQUIRY_TYPE, UPS_PLATFORM_TYPE } from "./client.ts";
import { upsAssumedCodes, upsKnownCodes } from "./errors.ts";
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

interface UpsStatusView {
  type: string;
  code: string;
  description: string;
  statusCode: string;
}

/** How the sandbox renders each timeline step; codes as in status.ts (ASSUMED ones there). */
const STATUS_OF_KIND: Record<SandboxHistoryEntry["kind"], UpsStatusView> = {
  collected: { type: "I", code: "OR", description: "Picked Up by UPS", statusCode: "038" },
  transit: { type: "I", code: "DP", description: "On the Way", statusCode: "005" },
  at_station: { type: "I", code: "DS", description: "Preparing for Delivery", statusCode: "071" },
  out_for_delivery: { type: "I", code: "OT", description: "Out for Delivery", statusCode: "021" },
  delivered: { type: "D", code: "FS", description: "Delivered", statusCode: "011" },
  returned: { type: "X", code: "RS", description: "Returned to Sender", statusCode: "034" },
  redirected: {
    type: "I",
    code: "DC",
    description: "Delivery Address Changed",
    statusCode: "028",
  },
  unknown: { type: "NA", code: "NA", description: "Status Not Available", statusCode: "000" },
};

const MANIFEST: UpsStatusView = {
  type: "M",
  code: "MP",
  description: "Shipment Ready for UPS",
  statusCode: "003",
};

const ORIGIN = { city: "ATLANTA", stateProvince: "GA", postalCode: "30301", country: "US" };
const DESTINATION = { city: "BALTIMORE", stateProvince: "MD", postalCode: "21230", country: "US" };

/** UPS date and time fields for an instant; the sandbox keeps local time = GMT. */
function upsClock(at: Date): { date: string; time: string } {
  const iso = at.toISOString();
  return {
    date: iso.slice(0, 10).replaceAll("-", ""),
    time: iso.slice(11, 19).replaceAll(":", ""),
  };
}

function placeOf(entry: SandboxHistoryEntry): typeof ORIGIN {
  return entry.kind === "collected" || entry.kind === "transit" ? ORIGIN : DESTINATION;
}

function activityOf(
  status: UpsStatusView,
  at: Date,
  place: typeof ORIGIN,
): Record<string, unknown> {
  const clock = upsClock(at);
  return {
    date: clock.date,
    time: clock.time,
    gmtDate: clock.date,
    gmtTime: clock.time,
    gmtOffset: "+00:00",
    location: { address: { ...place, countryCode: place.country } },
    status: { ...status, simplifiedTextDescription: status.description },
  };
}

/** The parcel's activities, most recent first, behind the manifest UPS always has. */
function activitiesOf(parcel: SandboxParcel): Record<string, unknown>[] {
  const first = parcel.history[0];
  const manifestAt = new Date((first ? Date.parse(first.at) : Date.now()) - 3_600_000);
  const activities = [activityOf(MANIFEST, manifestAt, ORIGIN)];
  for (const entry of parcel.history) {
    activities.push(activityOf(STATUS_OF_KIND[entry.kind], new Date(entry.at), placeOf(entry)));
  }
  return activities.reverse();
}

function destinationOf(parcel: SandboxParcel): Record<string, unknown> {
  const redirected = parcel.instructions.find(
    (i) => i.kind === "redirect" && i.status === "succeeded",
  );
  const info = (redirected?.redirectTo as { addressInfo?: Record<string, string> } | undefined)
    ?.addressInfo;
  if (info !== undefined) {
    return {
      addressLine1: info.addressLine1,
      city: info.city,
      stateProvince: info.state,
      postalCode: info.postalCode,
      country: info.countryCode,
      countryCode: info.countryCode,
    };
  }
  return { ...DESTINATION, countryCode: DESTINATION.country };
}

/** The Track API v1 reply for one package (carrier-wire-formats.md §6.2). */
export function renderUpsTrackReply(parcel: SandboxParcel): Record<string, unknown> {
  const activities = activitiesOf(parcel);
  const latest = activities[0] as { status?: unknown } | undefined;
  return {
    trackResponse: {
      shipment: [
        {
          inquiryNumber: parcel.trackingNumber,
          package: [
            {
              trackingNumber: parcel.trackingNumber,
              currentStatus: latest?.status,
              activity: activities,
              packageAddress: [
                { type: "ORIGIN", name: "SANDBOX SHIPPER", address: { ...ORIGIN } },
                { type: "DESTINATION", name: "SANDBOX RECEIVER", address: destinationOf(parcel) },
              ],
              packageCount: 1,
            },
          ],
        },
      ],
    },
  };
}

/** A Track Alert `TrackingEventRequest` for one new timeline step (§6.3). */
export function renderUpsTrackingEvent(parcel: SandboxParcel, entry: SandboxHistoryEntry): string {
  const status = STATUS_OF_KIND[entry.kind];
  const clock = upsClock(new Date(entry.at));
  const place = placeOf(entry);
  const delivered = entry.kind === "delivered";
  return JSON.stringify({
    trackingNumber: parcel.trackingNumber,
    localActivityDate: clock.date,
    localActivityTime: clock.time,
    scheduledDeliveryDate: "",
    actualDeliveryDate: delivered ? clock.date : "",
    actualDeliveryTime: delivered ? clock.time : "",
    gmtActivityDate: clock.date,
    gmtActivityTime: clock.time,
    gmtOffset: "+00.00",
    activityLocation: place,
    activityStatus: {
      type: status.type,
      code: status.code,
      description: status.description,
      descriptionCode: status.statusCode,
    },
    deliveryStartTime: "",
    deliveryEndTime: "",
    deliveryTimeDescription: "",
    deliveryPhoto: "",
    alternateTrackingNumber: "",
  });
}

/** The error body shared by UPS's 4xx/429 answers, with the spec's APIError* headers. */
function errorReply(
  c: Context<SandboxEnv>,
  status: 400 | 401 | 404 | 429,
  code: string,
  message: string,
): Response {
  const transId = c.req.header("transId") ?? "";
  return c.json(
    {
      response: {
        ...(transId ? { transactionId: transId.slice(0, 14) } : {}),
        statusCode: String(status),
        errors: [{ code, message }],
      },
    },
    status,
    { APIErrorCode: code, APIErrorMessage: message, BkndTransId: backendId() },
  );
}

function backendId(): string {
  return randomBytes(6).toString("hex");
}

/** A DI business refusal: HTTP 200, `success: false`, errors[{errorCode, errorMessage}]. */
function diRefusal(c: Context<SandboxEnv>, errorCode: string, errorMessage: string): Response {
  return c.json(
    {
      transactionId: c.req.header("transId") ?? "",
      statusCode: "400",
      statusMsg: "ERROR",
      success: false,
      errors: [{ errorCode, errorMessage }],
      subStatusCode: "",
    },
    200,
    { BkndTransId: backendId() },
  );
}

function diSuccess(c: Context<SandboxEnv>): Response {
  return c.json(
    {
      transactionId: c.req.header("transId") ?? "",
      statusCode: upsKnownCodes.ok,
      statusMsg: "Success",
      success: true,
      errors: null,
      subStatusCode: "",
    },
    200,
    { BkndTransId: backendId() },
  );
}

/** Wrapped refusal for eligibility / charges (their replies sit in `response`). */
function wrappedRefusal(c: Context<SandboxEnv>, errorCode: string, errorMessage: string): Response {
  return c.json({
    response: {
      transactionId: c.req.header("transId") ?? "",
      statusCode: "400",
      statusMsg: "ERROR",
      success: false,
      errors: [{ errorCode, errorMessage }],
      warnings: null,
    },
  });
}

type Eligibility = "ELIGIBLE" | "NOT_ELIGIBLE" | "UNKNOWN";

function feature(
  interceptFeature: string,
  create: Eligibility,
  modify: Eligibility,
  cancel: Eligibility,
): Record<string, unknown> {
  return {
    interceptFeature,
    eligibilityValue: {
      createEligibility: create,
      modifyEligibility: modify,
      cancelEligibility: cancel,
      ...(interceptFeature === "RTS" && create === "ELIGIBLE"
        ? {
            reasonOptionsForRTS: [
              { id: "AM", value: "Cancelled Order" },
              { id: "KS", value: "Not Ordered" },
              { id: "FA", value: "Bad Address" },
              { id: "KV", value: "Other" },
            ],
          }
        : {}),
    },
  };
}

/** Why a parcel cannot get a new intercept, as [code, text]; undefined when it can. */
function refusalOf(parcel: SandboxParcel): [string, string] | undefined {
  if (activeInstruction(parcel) !== undefined) {
    return [
      upsAssumedCodes.alreadyIntercepted,
      "A delivery change already exists for this package",
    ];
  }
  switch (parcel.state) {
    case "delivered":
      return [upsAssumedCodes.notEligible, "Package has been delivered"];
    case "returned":
      return [upsAssumedCodes.notEligible, "Package has been returned to the shipper"];
    case "not_collected":
      return [upsAssumedCodes.notEligible, "Package is not yet in the UPS network"];
    case "unknown":
      return [upsAssumedCodes.notEligible, "Package status is not available"];
    default:
      return undefined;
  }
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
