/**
 * The webhook worker's bookkeeping per endpoint: attempts in flight, leased deliveries waiting for
 * a slot (oldest due first), and which endpoints are failing. An endpoint that answers may hold
 * `ahead` times its slots leased, so a slot that comes free is filled at once; a failing one holds
 * only its slots, so a dead endpoint never sits on more than its own few deliveries.
 */
import type { DueDelivery } from "../store/store.ts";

export class EndpointSlots {
  private readonly runningTo = new Map<string, number>();
  /** Leased deliveries waiting for a slot of their endpoint, oldest due first. */
  private readonly waiting = new Map<string, DueDelivery[]>();
  /** Endpoints whose last attempt here failed: they get no deliveries ahead of their slots. */
  private readonly failing = new Set<string>();

  constructor(
    private readonly perEndpoint: number,
    private readonly ahead: number,
  ) {}

  /** A leased delivery, to wait for a slot of its endpoint. */
  hold(due: DueDelivery): void {
    const queue = this.waiting.get(due.endpoint.id);
    if (queue) {
      queue.push(due);
    } else {
      this.waiting.set(due.endpoint.id, [due]);
    }
  }

  /** How many deliveries wait for a slot, all endpoints together. */
  waitingCount(): number {
    let count = 0;
    for (const queue of this.waiting.values()) {
      count += queue.length;
    }
    return count;
  }

  /**
   * What each endpoint holds, for the claim's per-endpoint bound: attempts in flight and
   * deliveries waiting. One that is failing counts as full beyond its slots, so it is given no
   * deliveries ahead.
   */
  heldByEndpoint(): Map<string, number> {
    const held = new Map<string, number>();
    for (const endpointId of new Set([
      ...this.runningTo.keys(),
      ...this.failing,
      ...this.waiting.keys(),
    ])) {
      const count =
        (this.runningTo.get(endpointId) ?? 0) + (this.waiting.get(endpointId)?.length ?? 0);
      held.set(
        endpointId,
        this.failing.has(endpointId) ? count + this.perEndpoint * (this.ahead - 1) : count,
      );
    }
    return held;
  }

  /**
   * Takes the next delivery to start: the oldest due among the endpoints with a slot free, so no
   * endpoint's queue starves another's; null when none can start.
   */
  takeNext(): DueDelivery | null {
    let next: DueDelivery | null = null;
    for (const [endpointId, queue] of this.waiting) {
      const head = queue[0];
      if (head && (this.runningTo.get(endpointId) ?? 0) < this.perEndpoint) {
        if (next === null || dueBefore(head, next)) {
          next = head;
        }
      }
    }
    if (next !== null) {
      const queue = this.waiting.get(next.endpoint.id) ?? [];
      queue.shift();
      if (queue.length === 0) {
        this.waiting.delete(next.endpoint.id);
      }
    }
    return next;
  }

  started(endpointId: string): void {
    this.runningTo.set(endpointId, (this.runningTo.get(endpointId) ?? 0) + 1);
  }

  ended(endpointId: string): void {
    const left = (this.runningTo.get(endpointId) ?? 1) - 1;
    if (left === 0) {
      this.runningTo.delete(endpointId);
    } else {
      this.runningTo.set(endpointId, left);
    }
  }

  delivered(endpointId: string): void {
    this.failing.delete(endpointId);
  }

  /**
   * An attempt to the endpoint failed. The first failure returns its deliveries waiting, to be
   * given back: they would mostly wait out its deadlines, and are leased again within its slots
   * only.
   */
  failed(endpointId: string): DueDelivery[] {
    if (this.failing.has(endpointId)) {
      return [];
    }
    this.failing.add(endpointId);
    const waiting = this.waiting.get(endpointId) ?? [];
    this.waiting.delete(endpointId);
    return waiting;
  }

  /** Every delivery waiting, taken out (to give back when the worker stops). */
  takeAllWaiting(): DueDelivery[] {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    return all;
  }
}

/** Oldest due first, then by id: the order claims hand deliveries out in. */
function dueBefore(a: DueDelivery, b: DueDelivery): boolean {
  const [dueA, dueB] = [a.delivery.nextAttemptAt ?? "", b.delivery.nextAttemptAt ?? ""];
  return dueA < dueB || (dueA === dueB && a.delivery.id < b.delivery.id);
}
