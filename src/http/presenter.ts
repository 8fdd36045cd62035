/**
 * The one presenter: turns what the services return (interceptions, eligibility checks, intercept
 * results) into the public resources of API.md and the answers sent for them.
 */
import type { Context } from "hono";
import type { EligibilityResult } from "../../contracts/interception.ts";
import type { WebhookDelivery, WebhookEndpoint } from "../../contracts/webhooks.ts";
import { toInterceptionResource } from "../domain/interception-resource.ts";
import type { IdempotentAnswer, StoredAnswer } from "../services/idempotency.ts";
import type { EligibilityCheck, InterceptResult } from "../services/interceptions.ts";
import { ServiceError } from "../services/service-error.ts";
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from "../store/store.ts";
import type { AppEnv } from "./env.ts";
import { problemBody, problemContentType } from "./problem.ts";

/** An endpoint as merchants see it: never its secrets (shown once, when made). */
export function toWebhookEndpointResource(endpoint: WebhookEndpointRecord): WebhookEndpoint {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    createdAt: endpoint.createdAt,
  };
}

export function toWebhookDeliveryResource(delivery: WebhookDeliveryRecord): WebhookDelivery {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    type: delivery.type,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.nextAttemptAt,
    createdAt: delivery.createdAt,
  };
}

export function toEligibilityResult(check: EligibilityCheck): EligibilityResult {
  return {
    eligible: check.decision.eligible,
    reasons: check.decision.reasons,
    parcelState: check.parcelState,
    successLikelihood: check.decision.successLikelihood,
    cost: check.cost,
  };
}

/**
 * The answer to an intercept, stored under its idempotency key and replayed byte for byte: 201
 * with the interception, or 422 `not_eligible` naming every reason (with the first request's id).
 */
export function interceptAnswer(result: InterceptResult, requestId: string): StoredAnswer {
  if (result.kind === "created") {
    return { status: 201, body: JSON.stringify(toInterceptionResource(result.interception)) };
  }
  const refusal = new ServiceError("not_eligible", "The parcel cannot be intercepted.", {
    reasons: result.reasons,
  });
  return { status: 422, body: JSON.stringify(problemBody(refusal, requestId)) };
}

/**
 * Sends an idempotent answer as it was stored. Typed `never` so typed OpenAPI handlers accept
 * it: the body was built from the same schemas when it was first answered, and replaying it byte
 * for byte is the point.
 */
export function sendIdempotentAnswer(c: Context<AppEnv>, answer: IdempotentAnswer): never {
  const headers: Record<string, string> = {
    "content-type": answer.status >= 400 ? problemContentType : "application/json",
  };
  if (answer.replayed) {
    headers["idempotent-replayed"] = "true";
  }
  return c.newResponse(answer.body, answer.status as 201, headers) as never;
}
