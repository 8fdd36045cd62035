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
 * one at a time, a short tick after attempts end. A pass records every attempt that ended since
 * the last one in one write, and leases due deliveries in one claim, for an endpoint that answers
 * several times its slots ahead: they wait here for a slot, so a slot that comes free is filled
 * at once, not after a round trip to the store. An endpoint whose last attempt failed gets none
 * ahead (its waiting ones are given back), so a dead endpoint still holds only its own slots. So
 * under load the store is written about once per pass, not twice per delivery.
 */
import type { Clock } from "../clock.ts";
import { errorText, type Logger } from "../logger.ts";
import type {
  DeliveryAttempt,
  DueDelivery,
  HeldAttempt,
  HeldDelivery,
  Store,
} from "../store/store.ts";
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

/** How long after an attempt ends the pass that records it runs: attempts ending meanwhile share it. */
const recordTickMs = 20;

export class WebhookWorker {
  private readonly passes: IntervalPass;
  /** Passes run one after another, so two never count the same free slot. */
  private lastPass: Promise<unknown> = Promise.resolve();
  /** The pass queued behind the one running: it serves every request made before it starts. */
  private queuedPass: Promise<number> | null = null;
  /** The pass an ended attempt asked for, a short tick later. */
  private tick: NodeJS.Timeout | null = null;
  private readonly running = new Map<string, RunningDelivery>();
  private readonly runningTo = new Map<string, number>();
  /** Leased deliveries waiting for a slot of their endpoint, oldest due first. */
  private readonly waiting = new Map<string, DueDelivery[]>();
  /** Endpoints whose last attempt here failed: they get no deliveries ahead of their slots. */
  private readonly failing = new Set<string>();
  /** Attempts that ended and are not recorded yet: the next pass records them in one write. */
  private unrecorded: HeldAttempt[] = [];
  /** Leased deliveries not to be attempted here after all: the next pass gives them back. */
  private unreleased: HeldDelivery[] = [];
  private attemptsStarted = 0;
  private stopping = false;
  /**
   * How many times its slots an endpoint that answers may hold leased: its next deliveries wait
   * here, not behind a claim. Bounded so the last of them still ends within its lease even if
   * every attempt before it ran to the deadline, with one deadline to spare.
   */
  private readonly ahead: number;

  constructor(private readonly options: WebhookWorkerOptions) {
    this.ahead = Math.max(1, Math.floor(options.leaseMs / options.timeoutMs) - 1);
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

  /**
   * Stops taking deliveries, gives back those waiting for a slot, waits for the attempts in
   * flight and records them.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.passes.stop();
    if (this.tick) {
      clearTimeout(this.tick);
      this.tick = null;
    }
    await this.lastPass;
    for (const queue of this.waiting.values()) {
      this.giveBack(queue);
    }
    this.waiting.clear();
    await Promise.all([...this.running.values()].map((delivery) => delivery.done));
    // Claims nothing now: records what the last attempts came to, gives back what waited.
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
    const before = this.attemptsStarted;
    for (;;) {
      const changed = await this.pass();
      if (this.running.size > 0) {
        await Promise.race([...this.running.values()].map((delivery) => delivery.done));
      } else if (changed === 0) {
        return this.attemptsStarted - before;
      }
    }
  }

  /**
   * Records the attempts that ended, gives back what will not be attempted here, and tops up the
   * deliveries held with due ones: the next pass after the one running, or the one already
   * queued (so attempts that end while a pass runs are recorded together by the next). Returns
   * how many deliveries it recorded, gave back or leased.
   */
  private pass(): Promise<number> {
    if (this.queuedPass) {
      return this.queuedPass;
    }
    const pass = this.lastPass.then(() => {
      this.queuedPass = null;
      return this.recordAndClaim();
    });
    this.queuedPass = pass;
    this.lastPass = pass.catch(() => undefined);
    return pass;
  }

  private async recordAndClaim(): Promise<number> {
    const ended = this.unrecorded;
    const unwanted = this.unreleased;
    this.unrecorded = [];
    this.unreleased = [];
    // All at once: on SQLite the writes share one group commit. The deliveries being recorded
    // or given back are still leased, so this claim cannot hand them out again.
    const [, , leased] = await Promise.all([
      this.record(ended),
      this.release(unwanted),
      this.claim(),
    ]);
    return ended.length + unwanted.length + leased;
  }

  /** Leases due deliveries up to what the worker may hold, and starts what the slots allow. */
  private async claim(): Promise<number> {
    const { total, perEndpoint } = this.options.concurrency;
    // What each endpoint holds already: attempts in flight and deliveries waiting. One that is
    // failing counts as full beyond its slots, so it is given no deliveries ahead.
    const held = new Map<string, number>();
    for (const endpointId of new Set([...this.runningTo.keys(), ...this.failing])) {
      held.set(endpointId, this.heldBy(endpointId));
    }
    for (const endpointId of this.waiting.keys()) {
      held.set(endpointId, this.heldBy(endpointId));
    }
    let heldInAll = this.running.size;
    for (const queue of this.waiting.values()) {
      heldInAll += queue.length;
    }
    const free = total * this.ahead - heldInAll;
    if (this.stopping || free <= 0) {
      return 0;
    }
    const { store, now, leaseMs } = this.options;
    const at = now();
    const claimed = await store.webhooks.claimDue(
      at.toISOString(),
      new Date(at.getTime() + leaseMs).toISOString(),
      { total: free, perEndpoint: perEndpoint * this.ahead, inFlight: held },
    );
    for (const due of claimed) {
      const queue = this.waiting.get(due.endpoint.id);
      if (queue) {
        queue.push(due);
      } else {
        this.waiting.set(due.endpoint.id, [due]);
      }
    }
    this.startWaiting();
    return claimed.length;
  }

  private heldBy(endpointId: string): number {
    const held =
      (this.runningTo.get(endpointId) ?? 0) + (this.waiting.get(endpointId)?.length ?? 0);
    return this.failing.has(endpointId)
      ? held + this.options.concurrency.perEndpoint * (this.ahead - 1)
      : held;
  }

  /**
   * Fills free slots from the deliveries waiting, oldest due first among the endpoints with a
   * slot free, so no endpoint's queue starves another's. A delivery whose lease would run out
   * before its attempt could end is given back instead (another pass leases it again).
   */
  private startWaiting(): void {
    const { total, perEndpoint } = this.options.concurrency;
    while (!this.stopping && this.running.size < total) {
      let next: DueDelivery | null = null;
      for (const [endpointId, queue] of this.waiting) {
        const head = queue[0];
        if (head && (this.runningTo.get(endpointId) ?? 0) < perEndpoint) {
          if (next === null || dueBefore(head, next)) {
            next = head;
          }
        }
      }
      if (next === null) {
        break;
      }
      const queue = this.waiting.get(next.endpoint.id) ?? [];
      queue.shift();
      if (queue.length === 0) {
        this.waiting.delete(next.endpoint.id);
      }
      if (this.leaseEndsTooSoon(next)) {
        this.giveBack([next]);
      } else {
        this.begin(next);
      }
    }
  }

  private leaseEndsTooSoon(due: DueDelivery): boolean {
    const leaseUntil = due.delivery.leaseUntil;
    return (
      leaseUntil === null ||
      Date.parse(leaseUntil) - this.options.now().getTime() < this.options.timeoutMs
    );
  }

  /** Starts an attempt in a free slot. */
  private begin(due: DueDelivery): void {
    const endpointId = due.endpoint.id;
    this.attemptsStarted += 1;
    this.runningTo.set(endpointId, (this.runningTo.get(endpointId) ?? 0) + 1);
    const done = this.attempt(due).finally(() => {
      this.running.delete(due.delivery.id);
      const left = (this.runningTo.get(endpointId) ?? 1) - 1;
      if (left === 0) {
        this.runningTo.delete(endpointId);
      } else {
        this.runningTo.set(endpointId, left);
      }
      this.startWaiting();
      this.askForPass();
    });
    this.running.set(due.delivery.id, { endpointId, done });
  }

  /** While the worker runs on its timer, a pass soon records the attempt and tops up. */
  private askForPass(): void {
    if (!this.passes.started || this.tick) {
      return;
    }
    this.tick = setTimeout(() => {
      this.tick = null;
      this.pass().catch((error: unknown) => {
        this.options.logger.error("webhook worker pass failed", { error: errorText(error) });
      });
    }, recordTickMs);
  }

  /** One attempt; its outcome waits in `unrecorded` for the next pass. */
  private async attempt(due: DueDelivery): Promise<void> {
    const result = await this.send(due);
    const endpointId = due.endpoint.id;
    if (result.delivered) {
      this.failing.delete(endpointId);
    } else if (!this.failing.has(endpointId)) {
      this.failing.add(endpointId);
      // Its deliveries waiting would mostly wait out its deadlines: given back, they are leased
      // again within its slots only.
      this.giveBack(this.waiting.get(endpointId) ?? []);
      this.waiting.delete(endpointId);
    }
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

  /** Leased deliveries the worker will not attempt: the next pass gives them back. */
  private giveBack(deliveries: readonly DueDelivery[]): void {
    for (const due of deliveries) {
      this.unreleased.push(due.delivery);
    }
    if (deliveries.length > 0) {
      this.askForPass();
    }
  }

  /** Gives leased deliveries back in one write; if that fails, their leases lapse instead. */
  private async release(deliveries: HeldDelivery[]): Promise<void> {
    if (deliveries.length === 0) {
      return;
    }
    try {
      await this.options.store.webhooks.releaseDeliveries(deliveries);
    } catch (error) {
      this.options.logger.error("webhook deliveries could not be given back", {
        deliveryIds: deliveries.map((delivery) => delivery.id),
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

/** Oldest due first, then by id: the order claims hand deliveries out in. */
function dueBefore(a: DueDelivery, b: DueDelivery): boolean {
  const [dueA, dueB] = [a.delivery.nextAttemptAt ?? "", b.delivery.nextAttemptAt ?? ""];
  return dueA < dueB || (dueA === dueB && a.delivery.id < b.delivery.id);
}
