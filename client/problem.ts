/** The gateway's problem+json answers (RFC 9457) as one typed error. */
import type { components } from "./openapi.ts";

export type Problem = components["schemas"]["Problem"];

/** `code` of an answer that was not the gateway's problem+json (a proxy's 502 page, say). */
export const unexpectedResponse = "unexpected_response";

/**
 * An error answer from the gateway. `code` is the stable machine string of API.md; branch on it,
 * not on `title` or `detail`, which are for people. `requestId` ties the answer to the gateway's
 * logs: quote it when asking for help.
 */
export class GatewayProblemError extends Error {
  readonly status: number;
  readonly code: Problem["code"] | typeof unexpectedResponse;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | null;
  /** One entry per invalid field, for `validation_failed`. */
  readonly errors: NonNullable<Problem["errors"]>;
  /** Every rule that refused the request, for `not_eligible`. */
  readonly reasons: NonNullable<Problem["reasons"]>;

  constructor(
    status: number,
    problem: Problem | null,
    fallback: { requestId: string | null; text: string },
  ) {
    const detail = problem?.detail ?? (fallback.text.slice(0, 500) || `HTTP ${status}`);
    super(`${status} ${problem?.code ?? unexpectedResponse}: ${detail}`);
    this.name = "GatewayProblemError";
    this.status = status;
    this.code = problem?.code ?? unexpectedResponse;
    this.title = problem?.title ?? `Unexpected HTTP ${status} answer`;
    this.detail = detail;
    this.requestId = problem?.requestId ?? fallback.requestId;
    this.errors = problem?.errors ?? [];
    this.reasons = problem?.reasons ?? [];
  }

  /**
   * The error for an answer that openapi-fetch already read: `body` is its parsed JSON, or its
   * text when it was not JSON.
   */
  static fromResponse(response: Response, body: unknown): GatewayProblemError {
    const requestId = response.headers.get("x-request-id");
    const problem = isProblem(body) ? body : null;
    const text = typeof body === "string" ? body : "";
    return new GatewayProblemError(response.status, problem, { requestId, text });
  }
}

function isProblem(body: unknown): body is Problem {
  const candidate = body as Partial<Record<keyof Problem, unknown>> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.code === "string" &&
    typeof candidate.status === "number" &&
    typeof candidate.title === "string"
  );
}
