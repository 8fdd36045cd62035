/**
 * Standard Webhooks headers for one attempt, signed with the `standardwebhooks` package (the
 * same code receivers verify with). During the 24 h after a rotation the previous secret signs
 * too: the header then carries both signatures, space-separated, and a receiver holding either
 * secret accepts the delivery.
 */
import { Webhook } from "standardwebhooks";
import type { DueDelivery } from "../store/store.ts";

export function signedHeaders(
  due: Pick<DueDelivery, "event" | "endpoint">,
  at: Date,
): Record<string, string> {
  const { event, endpoint } = due;
  const secrets = [endpoint.secret];
  if (
    endpoint.previousSecret !== null &&
    endpoint.previousSecretUntil !== null &&
    at.toISOString() < endpoint.previousSecretUntil
  ) {
    secrets.push(endpoint.previousSecret);
  }
  const signatures = secrets.map((secret) => new Webhook(secret).sign(event.id, at, event.body));
  return {
    "content-type": "application/json",
    "webhook-id": event.id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
