/**
 * One error model, one problem+json writer, one onError handler and one validation hook for
 * every route (STYLE.md point 7). Services throw ServiceError; the HTTP layer's own errors are
 * GatewayErrors, a ServiceError with headers and field errors.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import {
  type EligibilityReason,
  type ErrorCode,
  type Problem,
  statusOfErrorCode,
  titleOfErrorCode,
} from "../../contracts/problem.ts";
import { ServiceError } from "../services/service-error.ts";
import { StoreBusyError } from "../store/busy.ts";
import type { AppEnv } from "./env.ts";

export const problemContentType = "application/problem+json";

/**
 * An error the HTTP layer raises itself: a service error with what only HTTP has, headers (an
 * authentication challenge, rate-limit counters).
 */
export class GatewayError extends ServiceError {
  readonly headers?: Record<string, string>;

  constructor(
    code: ErrorCode,
    detail: string,
    extra: {
      errors?: Problem["errors"];
      reasons?: EligibilityReason[];
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(code, detail, { reasons: extra.reasons, errors: extra.errors, cause: extra.cause });
    this.name = "GatewayError";
    this.headers = extra.headers;
  }
}

/** Builds the problem body for an error; the request id ties it to the logs. */
export function problemBody(error: ServiceError, requestId: string): Problem {
  return {
    // A URN: stable and unique per code, without pretending to be a page that exists.
    type: `urn:interception-gateway:problem:${error.code}`,
    title: titleOfErrorCode[error.code],
    status: error.status ?? statusOfErrorCode[error.code],
    detail: error.message,
    code: error.code,
    requestId,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.reasons ? { reasons: error.reasons } : {}),
  };
}

/** Writes a service error (or the HTTP layer's own) as an application/problem+json response. */
export function problemResponse(c: Context<AppEnv>, error: ServiceError): Response {
  const body = problemBody(error, c.get("requestId") ?? "");
  const headers: Record<string, string> = {
    "content-type": problemContentType,
    ...(error.retryAfterSeconds !== undefined
      ? { "retry-after": String(error.retryAfterSeconds) }
      : {}),
    ...(error instanceof GatewayError ? error.headers : {}),
  };
  return c.body(JSON.stringify(body), body.status as 400, headers);
}

export function zodIssues(error: ZodError): NonNullable<Problem["errors"]> {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.join(".") : "(body)",
    message: issue.message,
  }));
}

/** The answer to a JSON route's body sent as another media type, or with none. */
function unsupportedMediaType(): GatewayError {
  return new GatewayError(
    "unsupported_media_type",
    "Send the body as JSON, with `Content-Type: application/json`.",
  );
}

/**
 * The validation hook of every OpenAPI route: a zod failure becomes 400 validation_failed.
 *
 * @hono/zod-openapi refuses a JSON route's body of another media type itself (a 415 that
 * `handleError` words), but lets a request with no Content-Type and an empty body through to the
 * JSON validator (an empty Content-Type too). Nothing says that request is JSON either, so it is refused the same way,
 * whatever the schema would make of the empty object the validator then sees.
 */
export function validationHook(
  result: ({ success: true } | { success: false; error: ZodError }) & { target: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.target === "json" && !c.req.header("content-type")) {
    return problemResponse(c, unsupportedMediaType());
  }
  if (!result.success) {
    return problemResponse(
      c,
      new GatewayError("validation_failed", "The request does not match the schema.", {
        errors: zodIssues(result.error),
      }),
    );
  }
  return undefined;
}

/** The app's onError: known errors become their problem; anything else is logged as a bug. */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ServiceError) {
    return problemResponse(c, error);
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) {
      return problemResponse(
        c,
        new GatewayError("payload_too_large", "The request body exceeds the size limit."),
      );
    }
    if (error.status === 415) {
      return problemResponse(c, unsupportedMediaType());
    }
    if (error.status === 400) {
      return problemResponse(
        c,
        new GatewayError("validation_failed", error.message || "Bad request."),
      );
    }
  }
  if (error instanceof StoreBusyError) {
    // Not a bug: another process (a CLI, a backup) held the database past the bounded wait.
    c.get("services")?.logger.warn("database busy", {
      requestId: c.get("requestId"),
      error: error.message,
    });
    return problemResponse(
      c,
      new ServiceError(
        "internal",
        "The database is busy: another process held its lock too long. Retry shortly (an intercept with the same Idempotency-Key).",
        { retryAfterSeconds: 1 },
      ),
    );
  }
  c.get("services")?.logger.error("unhandled error", {
    requestId: c.get("requestId"),
    error: error.stack ?? String(error),
  });
  return problemResponse(c, new GatewayError("internal", "Something went wrong on our side."));
}
