/**
 * One delivery attempt, whoever runs it: the URL checked again (the SSRF guard, at every attempt:
 * DNS may have changed), the body signed with the endpoint's secret(s), POSTed to the vetted
 * address, and what came of it as the attempt to record: delivered, due again on the retry
 * schedule, or failed for good.
 */
import type { Clock } from "../clock.ts";
import { errorText, type Logger } from "../logger.ts";
import type { DeliveryAttempt, DueDelivery } from "../store/store.ts";
import type { PostResult, WebhookPoster } from "./post.ts";
import { nextAttemptAfter } from "./retry-schedule.ts";
import { signedHeaders } from "./sign.ts";
import { checkWebhookUrl, type Resolve, type WebhookUrlPolicy } from "./url-guard.ts";

export interface AttemptDeps {
  poster: Pick<WebhookPoster, "post">;
  /** Whether endpoints may be `http://` and internal addresses (tests, demo). */
  policy: WebhookUrlPolicy;
  /** The resolver of the URL guard; the system's by default. */
  resolve?: Resolve;
  logger: Logger;
  now: Clock;
  /** One attempt's deadline (API.md: 10 s). */
  timeoutMs: number;
}

/** Sends the delivery once; never throws (a failure is an attempt that did not deliver). */
export async function attemptDelivery(
  due: DueDelivery,
  deps: AttemptDeps,
): Promise<DeliveryAttempt> {
  const result = await send(due, deps);
  const at = deps.now();
  return {
    at: at.toISOString(),
    delivered: result.delivered,
    statusCode: result.statusCode,
    error: result.delivered ? null : (result.error ?? `HTTP ${result.statusCode}`),
    nextAttemptAt: result.delivered ? null : nextAttemptAfter(due.delivery.attempts + 1, at),
  };
}

async function send(due: DueDelivery, deps: AttemptDeps): Promise<PostResult> {
  const { policy, resolve, poster, now, timeoutMs } = deps;
  try {
    const check = await checkWebhookUrl(due.endpoint.url, policy, resolve);
    if (!check.ok) {
      return { delivered: false, statusCode: null, error: `URL refused: ${check.reason}` };
    }
    const { url, address, family } = check;
    return await poster.post(
      { url, address, family },
      { headers: signedHeaders(due, now()), body: due.event.body },
      { timeoutMs },
    );
  } catch (error) {
    // Network failures come back as data; this is a bug, counted as a failed attempt so the
    // schedule still ends rather than the delivery being retried at every lease forever.
    deps.logger.error("webhook attempt crashed", {
      deliveryId: due.delivery.id,
      error: errorText(error),
    });
    return { delivered: false, statusCode: null, error: "The gateway failed on this attempt." };
  }
}
