/**
 * The UPS sandbox's answers other than tracking: UPS's error body with its APIError* headers,
 * Delivery Intercept refusals and success (flat for submits, wrapped in `response` for
 * eligibility and charges), eligibility entries, and which refusal a parcel gets. Refusal
 * codes are ASSUMED (errors.ts `upsAssumedCodes`).
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import type { SandboxEnv } from "../sandbox-kit/faults.ts";
import { activeInstruction, type SandboxParcel } from "../sandbox-kit/world.ts";
import { upsAssumedCodes, upsKnownCodes } from "./errors.ts";

/** The error body shared by UPS's 4xx/429 answers, with the spec's APIError* headers. */
export function errorReply(
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
export function diRefusal(
  c: Context<SandboxEnv>,
  errorCode: string,
  errorMessage: string,
): Response {
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

/** A DI success: HTTP 200, `success: true`, statusCode 000. */
export function diSuccess(c: Context<SandboxEnv>): Response {
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
export function wrappedRefusal(
  c: Context<SandboxEnv>,
  errorCode: string,
  errorMessage: string,
): Response {
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

export type Eligibility = "ELIGIBLE" | "NOT_ELIGIBLE" | "UNKNOWN";

/** One `commonEligibilityMap` entry; an eligible RTS lists the return reasons UPS takes. */
export function feature(
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
export function refusalOf(parcel: SandboxParcel): [string, string] | undefined {
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
