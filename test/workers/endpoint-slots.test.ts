/** The webhook worker's per-endpoint bookkeeping, on its own (the worker's tests drive it whole). */
import { describe, expect, it } from "vitest";
import type { DueDelivery } from "../../src/store/store.ts";
import { EndpointSlots } from "../../src/workers/endpoint-slots.ts";

/** Only what the bookkeeping reads: the endpoint, the delivery's id and when it fell due. */
function due(endpointId: string, id: string, nextAttemptAt: string): DueDelivery {
  return {
    delivery: { id, nextAttemptAt },
    endpoint: { id: endpointId },
  } as unknown as DueDelivery;
}

const ids = (deliveries: readonly (DueDelivery | null)[]) =>
  deliveries.map((each) => each?.delivery.id ?? null);

describe("EndpointSlots", () => {
  it("starts the oldest due first across endpoints, within each endpoint's slots", () => {
    const slots = new EndpointSlots(1, 3);
    slots.hold(due("a", "a1", "2026-12-01T00:00:01Z"));
    slots.hold(due("a", "a2", "2026-12-01T00:00:02Z"));
    slots.hold(due("b", "b1", "2026-12-01T00:00:03Z"));
    const first = slots.takeNext();
    slots.started("a");
    // a's one slot is taken: b's delivery goes next, although a2 is older.
    const second = slots.takeNext();
    slots.started("b");
    expect(ids([first, second, slots.takeNext()])).toEqual(["a1", "b1", null]);
    slots.ended("a");
    expect(ids([slots.takeNext()])).toEqual(["a2"]);
    expect(slots.waitingCount()).toBe(0);
  });

  it("counts what each endpoint holds, a failing one as full beyond its slots", () => {
    const slots = new EndpointSlots(2, 4);
    slots.hold(due("a", "a1", "2026-12-01T00:00:01Z"));
    slots.started("a");
    slots.hold(due("b", "b1", "2026-12-01T00:00:01Z"));
    slots.hold(due("b", "b2", "2026-12-01T00:00:02Z"));
    expect(slots.heldByEndpoint()).toEqual(
      new Map([
        ["a", 2],
        ["b", 2],
      ]),
    );
    // b fails: its waiting deliveries come back once, to be given back to the store.
    expect(ids(slots.failed("b"))).toEqual(["b1", "b2"]);
    expect(slots.failed("b")).toEqual([]);
    expect(slots.heldByEndpoint().get("b")).toBe(2 * (4 - 1));
    // Answering again, with nothing in flight or waiting: b holds nothing.
    slots.delivered("b");
    expect(slots.heldByEndpoint().has("b")).toBe(false);
  });

  it("gives every waiting delivery back when the worker stops", () => {
    const slots = new EndpointSlots(1, 2);
    slots.hold(due("a", "a1", "2026-12-01T00:00:01Z"));
    slots.hold(due("b", "b1", "2026-12-01T00:00:01Z"));
    expect(ids(slots.takeAllWaiting()).sort()).toEqual(["a1", "b1"]);
    expect(slots.takeNext()).toBeNull();
  });
});
