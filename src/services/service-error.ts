/**
 * The one error the services throw for a request they refuse or cannot serve now. It names the
 * problem by its API code (contracts/problem.ts) and knows nothing of HTTP: src/http/problem.ts
 * turns it into problem+json, with the status of its code and a `Retry-After` when it has one.
 */
import type { EligibilityReason, ErrorCode, FieldError } from "../../contracts/problem.ts";

export class ServiceError extends Error {
  readonly code: ErrorCode;
  /** Every eligibility rule that refused the request, when that is the problem. */
  readonly reasons?: EligibilityReason[];
  /** For `validation_failed`: each request field at fault and why. */
  readonly errors?: FieldError[];
  /** When the same request may succeed: a key still in use, a budget spent, a busy moment. */
  readonly retryAfterSeconds?: number;
  /**
   * 422 for a `validation_failed` body that is well-formed but breaks a rule between its fields
   * or with the record (a `shipBy` before `paidAt`); otherwise the code's own status.
   */
  readonly status?: 422;

  constructor(
    code: ErrorCode,
    message: string,
    extra: {
      reasons?: EligibilityReason[];
      errors?: FieldError[];
      retryAfterSeconds?: number;
      cause?: unknown;
      status?: 422;
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = "ServiceError";
    this.code = code;
    this.reasons = extra.reasons;
    this.errors = extra.errors;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.status = extra.status;
  }
}
