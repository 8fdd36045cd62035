import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  carrier.states.set("SF1400000000002", "delivered");
  gateway = await createTestGateway(carrier.adapter);
});
afterEach(async () => {
  await gateway.close();
});

describe("Idempotency-Key", () => {
  it("replays the first response byte for byte, and the carrier is called once", async () => {
    const first = await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    const firstText = await first.text();
    const replay = await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(await replay.text()).toBe(firstText);
    expect(carrier.callsOf("intercept")).toHaveLength(1);
  });

  it("treats the same body with keys in another order as the same request", async () => {
    await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    const reordered = Object.fromEntries(Object.entries(interceptBody()).reverse());
    const replay = await gateway.intercept(gateway.merchantA, "key-1", reordered);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("treats an explicit null redirect or empty item list as leaving them out", async () => {
    await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    const replay = await gateway.intercept(gateway.merchantA, "key-1", {
      ...interceptBody(),
      redirectTo: null,
      items: [],
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
  });

  it("replays a refusal too", async () => {
    const body = interceptBody({ trackingNumber: "SF1400000000002" });
    const first = await json(await gateway.intercept(gateway.merchantA, "key-1", body));
    expect(first.status, first.text).toBe(422);
    const replay = await gateway.intercept(gateway.merchantA, "key-1", body);
    expect(replay.status).toBe(422);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.headers.get("content-type")).toBe("application/problem+json");
    expect(await replay.text()).toBe(first.text);
    expect(carrier.callsOf("track")).toHaveLength(1);
  });

  it("refuses the same key with a different body: 422, no carrier call, original unchanged", async () => {
    const first = await json(await gateway.intercept(gateway.merchantA, "key-1", interceptBody()));
    const mismatch = await json(
      await gateway.intercept(gateway.merchantA, "key-1", interceptBody({ orderId: "ORD-OTHER" })),
    );
    expect(mismatch.status, mismatch.text).toBe(422);
    expect(mismatch.body.code).toBe("idempotency_key_reused");
    expect(carrier.callsOf("intercept")).toHaveLength(1);
    const stored = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/interceptions/${first.body.id}`),
    );
    expect(stored.body.orderId).toBe("ORD-20261121-0001");
  });

  it("tells requests apart by their items: another list under the same key is refused", async () => {
    const withItems = (quantity: number) =>
      interceptBody({ items: [{ subOrderId: "SUB-1", quantity }] });
    const first = await json(await gateway.intercept(gateway.merchantA, "key-1", withItems(1)));
    expect(first.status, first.text).toBe(201);
    const same = await gateway.intercept(gateway.merchantA, "key-1", withItems(1));
    expect(same.headers.get("idempotent-replayed")).toBe("true");
    const other = await json(await gateway.intercept(gateway.merchantA, "key-1", withItems(2)));
    expect(other.status, other.text).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
  });

  it("concurrent duplicates: one carrier call, the others get 409, then the result replays", async () => {
    const release = carrier.hold();
    const firstPromise = gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    // Wait until the first request holds the key and is inside the carrier call.
    while (carrier.callsOf("intercept").length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const duplicates = await Promise.all(
      Array.from({ length: 5 }, () =>
        gateway.intercept(gateway.merchantA, "key-1", interceptBody()),
      ),
    );
    for (const duplicate of duplicates) {
      const body = await json(duplicate);
      expect(body.status, body.text).toBe(409);
      expect(body.body.code).toBe("request_in_progress");
    }
    release();
    const first = await json(await firstPromise);
    expect(first.status, first.text).toBe(201);
    expect(carrier.callsOf("intercept")).toHaveLength(1);

    const replay = await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(first.text);
  });

  it("duplicates that pass eligibility together, before either holds the key: one interception, one carrier call", async () => {
    const releaseTracks = carrier.holdTracks();
    const racing = Array.from({ length: 3 }, () =>
      gateway.intercept(gateway.merchantA, "key-race", interceptBody()),
    );
    // Every request is inside its tracking call, none has stored anything yet.
    while (carrier.callsOf("track").length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await gateway.store.idempotency.has(gateway.merchantA.id, "key-race")).toBe(false);
    releaseTracks();
    const answers = await Promise.all(racing.map(async (answer) => json(await answer)));
    const created = answers.filter((answer) => answer.status === 201);
    expect(created, JSON.stringify(answers.map((answer) => answer.text))).toHaveLength(1);
    for (const other of answers.filter((answer) => answer.status !== 201)) {
      expect(other.status, other.text).toBe(409);
      expect(other.body.code).toBe("request_in_progress");
    }
    expect(carrier.callsOf("intercept")).toHaveLength(1);
    const stored = await gateway.store.interceptions.list(
      gateway.merchantA.id,
      {},
      {
        limit: 10,
      },
    );
    expect(stored).toHaveLength(1);
  });

  it("refusals racing under one new key: one stored answer, replayed to the others", async () => {
    const releaseTracks = carrier.holdTracks();
    const body = interceptBody({ trackingNumber: "SF1400000000002" });
    const racing = Array.from({ length: 2 }, () =>
      gateway.intercept(gateway.merchantA, "key-refused", body),
    );
    while (carrier.callsOf("track").length < 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    releaseTracks();
    const answers = await Promise.all(racing);
    const texts = await Promise.all(answers.map((answer) => answer.text()));
    expect(answers.map((answer) => answer.status)).toEqual([422, 422]);
    const replayed = answers.filter((answer) => answer.headers.has("idempotent-replayed"));
    expect(replayed).toHaveLength(1);
    expect(texts[0]).toBe(texts[1]);
  });

  it("a request that fails before storing anything leaves a duplicate's key alone", async () => {
    // Request A's tracking call hangs, then throws (a bug, not a carrier answer).
    const track = carrier.adapter.track.bind(carrier.adapter);
    let failFirstTrack: (error: Error) => void = () => {};
    let first = true;
    carrier.adapter.track = (trackingNumber, ctx) => {
      if (!first) {
        return track(trackingNumber, ctx);
      }
      first = false;
      return new Promise((_resolve, reject) => {
        failFirstTrack = reject;
      });
    };
    const releaseIntercepts = carrier.hold();
    const requestA = gateway.intercept(gateway.merchantA, "key-shared", interceptBody());
    while (carrier.callsOf("track").length === 0 && first) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    // Request B, same key and body, stores its interception and waits at the carrier.
    const requestB = gateway.intercept(gateway.merchantA, "key-shared", interceptBody());
    while (carrier.callsOf("intercept").length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    failFirstTrack(new Error("tracking blew up"));
    expect((await requestA).status).toBe(500);

    // B still holds the key: a third duplicate must wait, not take the key over.
    const third = await json(
      await gateway.intercept(gateway.merchantA, "key-shared", interceptBody()),
    );
    expect(third.status, third.text).toBe(409);
    releaseIntercepts();
    const answerB = await json(await requestB);
    expect(answerB.status, answerB.text).toBe(201);
    const replay = await gateway.intercept(gateway.merchantA, "key-shared", interceptBody());
    expect(await replay.text()).toBe(answerB.text);
  });

  it("keys are per merchant: the same key from another merchant is a new request", async () => {
    carrier.states.set("SF1400000000009", "in_transit");
    const a = await json(await gateway.intercept(gateway.merchantA, "shared-key", interceptBody()));
    const b = await json(
      await gateway.intercept(
        gateway.merchantB,
        "shared-key",
        interceptBody({ trackingNumber: "SF1400000000009" }),
      ),
    );
    expect(a.status).toBe(201);
    expect(b.status, b.text).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    expect(carrier.callsOf("intercept")).toHaveLength(2);
  });

  it("after a validation error the key is free to use", async () => {
    const bad = await gateway.intercept(gateway.merchantA, "key-1", {
      ...interceptBody(),
      action: "teleport",
    });
    expect(bad.status).toBe(400);
    const good = await gateway.intercept(gateway.merchantA, "key-1", interceptBody());
    expect(good.status).toBe(201);
    expect(good.headers.get("idempotent-replayed")).toBeNull();
  });
});
