/**
 * The webhook delivery worker, apart from the carrier job worker: leases due deliveries from the
 * store (the deliveries table is the queue, on both stores), signs each with its endpoint's
 * secret(s), checks the URL again (the SSRF guard, at every attempt: DNS may have changed) and
 * POSTs it to the vetted address, then records the attempt: delivered, due again on the retry
 * schedule, or failed.
 *
 * Deliveries run concurrently within a bound in all and a bound per endpoint, so an endpoint that
 * never answers holds at most its own few slots for 10 s each, while the other endpoints'
 * deliveries go on at their pace; nothing here is on a request's path.
 *
 * At least once: a delivery is leased before it is sent and recorded after; a worker that dies in
 * between leaves its lease to lapse, and the delivery is sent again (same `webhook-id`).
 */
import type { Clock } from "../clock.ts";
import { errorText, type Logger } from "../logger.ts";
import type { DeliveryAttempt, DueDelivery, Store } from "../store/store.ts";
import type { PostResult, WebhookPoster } from "../webhooks/post.ts";
import { nextAttemptAfter } from "../webhooks/retry-schedule.ts";
import { signedHeaders } from "../webhooks/sign.ts";
import { checkWebhookUrl, type Resolve, type WebhookUrlPolicy } from "../webhooks/url-guard.ts";
import { IntervalPass } from "./interval-pass.ts";

export interface WebhookWorkerOptions {
  store: Store;
  poster: Pick<WebhookPoster, "post">;
  /** Whether endpoints may be `http://` and internal addresses (tests, demo). */
  policy: WebhookUrlPolicy;
  /** The resolver of the URL guard; the system's by default. */
  resolve?: Resolve;
  logger: Logger;
  now: Clock;
  intervalMs: number;
  /** One attempt's deadline (API.md: 10 s). */
  timeoutMs: number;
  /** How long a worker holds a delivery: well past the deadline, so a live attempt keeps it. */
  leaseMs: number;
  concurrency: { total: number; perEndpoint: number };
}

interface RunningDelivery {
  endpointId: string;
  /** Settles when the attempt is recorded; never rejects. */
  done: Promise<void>;
}

export class WebhookWorker {
  private readonly passes: IntervalPass;
  /** Claims run one after another, so two never count the same free slot. */
  private claiming: Promise<unknown> = Promise.resolve();
  private readonly running = new Map<string, RunningDelivery>();
  private stopping = false;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.passes = new IntervalPass(
      () =>
        this.fillFreeSlots()
          .then(() => undefined)
          .catch((error: unknown) => {
            // The database busy, say: logged; the next tick tries again.
            this.options.logger.error("webhook worker pass failed", { error: errorText(error) });
          }),
      options.intervalMs,
    );
  }

  start(): void {
    if (this.passes.started) {
      return;
    }
    this.stopping = false;
    this.passes.start();
  }

  /** Stops taking deliveries and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.passes.stop();
    await this.claiming;
    await Promise.all([...this.running.values()].map((delivery) => delivery.done));
  }

  /**
   * Attempts every delivery due now, within the bounds, until none is due or in flight; returns
   * how many attempts it made. For tests, which drive the worker step by step.
   */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      attempted += await this.fillFreeSlots();
      if (this.running.size === 0) {
        return attempted;
      }
      await Promise.race([...this.running.values()].map((delivery) => delivery.done));
    }
  }

  private fillFreeSlots(): Promise<number> {
    const claim = this.claiming.then(() => this.claimAndStart());
    this.claiming = claim.catch(() => undefined);
    return claim;
  }

  private async claimAndStart(): Promise<number> {
    const { total, perEndpoint } = this.options.concurrency;
    const free = total - this.running.size;
    if (this.stopping || free <= 0) {
      return 0;
    }
    const inFlight = new Map<string, number>();
    for (const { endpointId } of this.running.values()) {
      inFlight.set(endpointId, (inFlight.get(endpointId) ?? 0) + 1);
    }
    const { store, now, leaseMs } = this.options;
    const at = now();
    const claimed = await store.webhooks.claimDue(
      at.toISOString(),
      new Date(at.getTime() + leaseMs).toISOString(),
      { total: free, perEndpoint, inFlight },
    );
    for (const due of claimed) {
      const done = this.attempt(due).finally(() => {
        this.running.delete(due.delivery.id);
        this.refill();
      });
      this.running.set(due.delivery.id, { endpointId: due.endpoint.id, done });
    }
    return claimed.length;
  }

  /** A slot came free: while the worker runs on its timer, the next due delivery takes it. */
  private refill(): void {
    if (!this.passes.started) {
      return;
    }
    this.fillFreeSlots().catch((error: unknown) => {
      this.options.logger.error("webhook worker pass failed", { error: errorText(error) });
    });
  }

  /** One attempt, recorded; an error recording it leaves the lease to lapse (sent again later). */
  private async attempt(due: DueDelivery): Promise<void> {
    const { store, logger } = this.options;
    try {
      const result = await this.send(due);
      const attempt = this.outcome(due, result);
      await store.webhooks.recordAttempt(due.delivery, attempt);
      if (!attempt.delivered && attempt.nextAttemptAt === null) {
        logger.warn("webhook delivery failed for good", {
          deliveryId: due.delivery.id,
          endpointId: due.endpoint.id,
          eventId: due.event.id,
          error: attempt.error,
        });
      }
    } catch (error) {
      logger.error("webhook attempt could not be recorded", {
        deliveryId: due.delivery.id,
        error: errorText(error),
      });
    }
  }

  private async send(due: DueDelivery): Promise<PostResult> {
    const { policy, resolve, poster, now, timeoutMs } = this.options;
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
      this.options.logger.error("webhook attempt crashed", {
        deliveryId: due.delivery.id,
        error: errorText(error),
      });
      return { delivered: false, statusCode: null, error: "The gateway failed on this attempt." };
    }
  }

  private outcome(due: DueDelivery, result: PostResult): DeliveryAttempt {
    const at = this.options.now();
    return {
      at: at.toISOString(),
      delivered: result.delivered,
      statusCode: result.statusCode,
      error: result.delivered ? null : (result.error ?? `HTTP ${result.statusCode}`),
      nextAttemptAt: result.delivered ? null : nextAttemptAfter(due.delivery.attempts + 1, at),
    };
  }
}
