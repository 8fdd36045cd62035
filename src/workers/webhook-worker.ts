/**
 * The webhook delivery worker, apart from the carrier job worker: leases due deliveries from the
 * store (the deliveries table is the queue, on both stores), attempts each (src/webhooks/
 * attempt.ts: the URL checked again, signed, POSTed to the vetted address), then records the
 * attempt: delivered, due again on the retry schedule, or failed. The per-endpoint bookkeeping
 * (slots, deliveries waiting, failing endpoints) is endpoint-slots.ts.
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
import { errorText } from "../logger.ts";
import type { DueDelivery, HeldAttempt, HeldDelivery, Store } from "../store/store.ts";
import { type AttemptDeps, attemptDelivery } from "../webhooks/attempt.ts";
import { EndpointSlots } from "./endpoint-slots.ts";
import { IntervalPass } from "./interval-pass.ts";

export interface WebhookWorkerOptions extends AttemptDeps {
  store: Store;
  intervalMs: number;
  /** How long a worker holds a delivery: well past the deadline, so a live attempt keeps it. */
  leaseMs: number;
  concurrency: { total: number; perEndpoint: number };
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
  /** Attempts in flight by delivery id: each settles when it has ended, and never rejects. */
  private readonly running = new Map<string, Promise<void>>();
  /** Per endpoint: attempts in flight, deliveries waiting for a slot, failing or not. */
  private readonly slots: EndpointSlots;
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
    this.slots = new EndpointSlots(options.concurrency.perEndpoint, this.ahead);
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
    this.giveBack(this.slots.takeAllWaiting());
    await Promise.all([...this.running.values()]);
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
        await Promise.race([...this.running.values()]);
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
    const free = total * this.ahead - (this.running.size + this.slots.waitingCount());
    if (this.stopping || free <= 0) {
      return 0;
    }
    const { store, now, leaseMs } = this.options;
    const at = now();
    const claimed = await store.webhooks.claimDue(
      at.toISOString(),
      new Date(at.getTime() + leaseMs).toISOString(),
      { total: free, perEndpoint: perEndpoint * this.ahead, inFlight: this.slots.heldByEndpoint() },
    );
    for (const due of claimed) {
      this.slots.hold(due);
    }
    this.startWaiting();
    return claimed.length;
  }

  /**
   * Fills free slots from the deliveries waiting. A delivery whose lease would run out before its
   * attempt could end is given back instead (another pass leases it again).
   */
  private startWaiting(): void {
    while (!this.stopping && this.running.size < this.options.concurrency.total) {
      const next = this.slots.takeNext();
      if (next === null) {
        break;
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
    this.slots.started(endpointId);
    const done = this.attempt(due).finally(() => {
      this.running.delete(due.delivery.id);
      this.slots.ended(endpointId);
      this.startWaiting();
      this.askForPass();
    });
    this.running.set(due.delivery.id, done);
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
    const attempt = await attemptDelivery(due, this.options);
    if (attempt.delivered) {
      this.slots.delivered(due.endpoint.id);
    } else {
      this.giveBack(this.slots.failed(due.endpoint.id));
    }
    this.unrecorded.push({ delivery: due.delivery, attempt });
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
}
