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
 *
 * Cheap on the event loop, which it shares with the requests: work with the store goes in passes,
 * one at a time. A pass records every attempt that ended since the last one in one write, and
 * leases due deliveries for all the free slots in one claim; attempts that end while a pass runs
 * wait for the next. So under load the store is written once per pass, not twice per delivery.
 */
import type { Clock } from "../clock.ts";
import { errorText, type Logger } from "../logger.ts";
import type { DeliveryAttempt, DueDelivery, HeldAttempt, Store } from "../store/store.ts";
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
  /** Settles when the attempt has ended (its outcome waits for the next pass); never rejects. */
  done: Promise<void>;
}

export class WebhookWorker {
  private readonly passes: IntervalPass;
  /** Passes run one after another, so two never count the same free slot. */
  private lastPass: Promise<unknown> = Promise.resolve();
  /** The pass queued behind the one running: it serves every request made before it starts. */
  private queuedPass: Promise<number> | null = null;
  private readonly running = new Map<string, RunningDelivery>();
  /** Attempts that ended and are not recorded yet: the next pass records them in one write. */
  private unrecorded: HeldAttempt[] = [];
  private stopping = false;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.passes = new IntervalPass(
      () =>
        this.pass()
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

  /** Stops taking deliveries, waits for the attempts in flight and records them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.passes.stop();
    await this.lastPass;
    await Promise.all([...this.running.values()].map((delivery) => delivery.done));
    // Claims nothing now, records what the last attempts came to.
    await this.pass().catch((error: unknown) => {
      this.options.logger.error("webhook worker pass failed", { error: errorText(error) });
    });
  }

  /**
   * Attempts every delivery due now, within the bounds, until none is due or in flight, and
   * records them; returns how many attempts it made. For tests, which drive the worker step by
   * step.
   */
  async runOnce(): Promise<number> {
    let attempted = 0;
    for (;;) {
      attempted += await this.pass();
      if (this.running.size === 0 && this.unrecorded.length === 0) {
        return attempted;
      }
      await Promise.race([...this.running.values()].map((delivery) => delivery.done));
    }
  }

  /**
   * Records the attempts that ended and fills the free slots with due deliveries: the next pass
   * after those running, or the one already queued (so attempts that end while a pass runs are
   * recorded together by the next). It starts on the next turn of the event loop, so the answers
   * that arrived in this one are recorded together too. Returns how many attempts it started.
   */
  private pass(): Promise<number> {
    if (this.queuedPass) {
      return this.queuedPass;
    }
    const pass = this.lastPass.then(nextTurn).then(() => {
      this.queuedPass = null;
      return this.recordAndClaim();
    });
    this.queuedPass = pass;
    this.lastPass = pass.catch(() => undefined);
    return pass;
  }

  private async recordAndClaim(): Promise<number> {
    const ended = this.unrecorded;
    this.unrecorded = [];
    // Both at once: on SQLite the record and the lease share one group commit. The attempts
    // being recorded are still leased, so the claim cannot hand them out again.
    const [, started] = await Promise.all([this.record(ended), this.claimAndStart()]);
    return started;
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
        this.slotFreed();
      });
      this.running.set(due.delivery.id, { endpointId: due.endpoint.id, done });
    }
    return claimed.length;
  }

  /** While the worker runs on its timer, a pass records the attempt and fills the slot. */
  private slotFreed(): void {
    if (!this.passes.started) {
      return;
    }
    this.pass().catch((error: unknown) => {
      this.options.logger.error("webhook worker pass failed", { error: errorText(error) });
    });
  }

  /** One attempt; its outcome waits in `unrecorded` for the next pass. */
  private async attempt(due: DueDelivery): Promise<void> {
    const result = await this.send(due);
    this.unrecorded.push({ delivery: due.delivery, attempt: this.outcome(due, result) });
  }

  /**
   * Records attempts in one write. A failed write (or a crash before it) leaves their leases to
   * lapse, and those deliveries are sent again, same `webhook-id`: at least once allows that, and
   * a short wait to record a batch together costs the event loop far less than a write each.
   */
  private async record(ended: HeldAttempt[]): Promise<void> {
    if (ended.length === 0) {
      return;
    }
    const { store, logger } = this.options;
    try {
      await store.webhooks.recordAttempts(ended);
    } catch (error) {
      logger.error("webhook attempts could not be recorded", {
        deliveryIds: ended.map(({ delivery }) => delivery.id),
        error: errorText(error),
      });
      return;
    }
    for (const { delivery, attempt } of ended) {
      if (!attempt.delivered && attempt.nextAttemptAt === null) {
        logger.warn("webhook delivery failed for good", {
          deliveryId: delivery.id,
          error: attempt.error,
        });
      }
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

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
