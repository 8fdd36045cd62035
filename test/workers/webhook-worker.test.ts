/**
 * The webhook delivery worker (both stores: the postgres project runs this file too): the retry
 * schedule with the same `webhook-id` on every attempt, then `failed`, and a manual retry after;
 * dual signing for 24 h after a rotation, then the new secret only; a dead endpoint that never
 * answers not delaying a healthy one, nor the API. Time is the fake clock's where it is the
 * subject; receivers are local servers on 127.0.0.1.
 */
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../src/logger.ts";
import { createWebhookPoster } from "../../src/webhooks/post.ts";
import { deliveryRetryDelaysMs } from "../../src/webhooks/retry-schedule.ts";
import { WebhookWorker } from "../../src/workers/webhook-worker.ts";
import { manualClock } from "../fakes/clock.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";
import { type Received, type Receiver, startReceiver } from "../webhooks/receiver.ts";

let gateway: TestGateway | null = null;
const receivers: Receiver[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await gateway?.close();
  gateway = null;
  for (const receiver of receivers.splice(0)) {
    await receiver.close();
  }
});

function carrierWithParcels(count: number): FakeCarrier {
  const carrier = new FakeCarrier();
  for (let n = 1; n <= count; n += 1) {
    carrier.states.set(trackingNumber(n), "in_transit");
  }
  return carrier;
}

function trackingNumber(n: number): string {
  return `SF14000000${String(n).padStart(5, "0")}`;
}

async function receiver(status: number | "never"): Promise<Receiver> {
  const started = await startReceiver((_request, response) => {
    if (status !== "never") {
      response.writeHead(status).end();
    }
  });
  receivers.push(started);
  return started;
}

async function register(
  on: TestGateway,
  url: string,
  events?: string[],
): Promise<{ id: string; secret: string }> {
  const created = await json(
    await on.call(on.merchantA, "POST", "/v1/webhook-endpoints", {
      body: { url, ...(events ? { events } : {}) },
    }),
  );
  expect(created.status, created.text).toBe(201);
  return created.body as { id: string; secret: string };
}

async function intercept(on: TestGateway, n: number): Promise<void> {
  const answer = await json(
    await on.intercept(on.merchantA, `k${n}`, interceptBody({ trackingNumber: trackingNumber(n) })),
  );
  expect(answer.status, answer.text).toBe(201);
}

async function deliveriesOf(on: TestGateway, endpointId: string) {
  const log = await json(
    await on.call(on.merchantA, "GET", `/v1/webhook-endpoints/${endpointId}/deliveries`),
  );
  return log.body.data as Array<Record<string, unknown>>;
}

function headersOf(request: Received): Record<string, string> {
  return {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  };
}

const url = (at: Receiver) => `http://127.0.0.1:${at.port}/hooks`;

describe("the retry schedule", () => {
  it("retries on the schedule with the same webhook-id and body, fails after it, and retries by hand once more", async () => {
    const clock = manualClock();
    gateway = await createTestGateway(carrierWithParcels(1).adapter, {}, { now: clock.now });
    const failing = await receiver(503);
    const endpoint = await register(gateway, url(failing), ["interception.created"]);
    await intercept(gateway, 1);

    expect(await gateway.webhookWorker.runOnce(), "the first attempt, at once").toBe(1);
    for (const delay of deliveryRetryDelaysMs) {
      clock.advance(delay - 1);
      expect(await gateway.webhookWorker.runOnce(), `not before ${delay} ms`).toBe(0);
      clock.advance(1);
      expect(await gateway.webhookWorker.runOnce(), `after ${delay} ms`).toBe(1);
    }
    clock.advance(7 * 24 * 60 * 60_000);
    expect(await gateway.webhookWorker.runOnce(), "nothing after the schedule").toBe(0);

    const attempts = deliveryRetryDelaysMs.length + 1;
    expect(failing.requests).toHaveLength(attempts);
    const [first] = failing.requests;
    for (const request of failing.requests) {
      expect(request.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
      expect(request.body, "the same bytes every time").toBe(first?.body);
      // Each attempt is signed afresh at its own (fake) time: what a receiver would compute.
      expect(request.headers["webhook-signature"]).toBe(
        new Webhook(endpoint.secret).sign(
          String(request.headers["webhook-id"]),
          new Date(Number(request.headers["webhook-timestamp"]) * 1000),
          request.body,
        ),
      );
    }
    const [failed] = await deliveriesOf(gateway, endpoint.id);
    expect(failed).toMatchObject({
      status: "failed",
      attempts,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });

    const retried = await gateway.call(
      gateway.merchantA,
      "POST",
      `/v1/webhook-deliveries/${String(failed?.id)}/retry`,
    );
    expect(retried.status).toBe(202);
    expect(await gateway.webhookWorker.runOnce(), "one more attempt").toBe(1);
    expect(failing.requests.at(-1)?.headers["webhook-id"]).toBe(first?.headers["webhook-id"]);
    const [again] = await deliveriesOf(gateway, endpoint.id);
    expect(again).toMatchObject({ status: "failed", attempts: attempts + 1 });
  });
});

describe("secret rotation", () => {
  it("signs with both secrets for 24 h after a rotation, then with the new one only", async () => {
    // Date alone is faked: receivers check the timestamp against it, as the gateway's clock.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    gateway = await createTestGateway(carrierWithParcels(2).adapter);
    const listening = await receiver(204);
    const endpoint = await register(gateway, url(listening), ["interception.created"]);
    const rotated = await json(
      await gateway.call(
        gateway.merchantA,
        "POST",
        `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`,
      ),
    );
    expect(rotated.status, rotated.text).toBe(200);
    const fresh = String(rotated.body.secret);
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(endpoint.secret);

    await intercept(gateway, 1);
    await gateway.webhookWorker.runOnce();
    const during = listening.requests.at(-1) as Received;
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [fresh, endpoint.secret]) {
      expect(new Webhook(secret).verify(during.body, headersOf(during))).toMatchObject({
        type: "interception.created",
      });
    }

    vi.setSystemTime(start + 24 * 60 * 60_000 + 1_000);
    await intercept(gateway, 2);
    await gateway.webhookWorker.runOnce();
    const after = listening.requests.at(-1) as Received;
    expect(after.headers["webhook-id"]).not.toBe(during.headers["webhook-id"]);
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(new Webhook(fresh).verify(after.body, headersOf(after))).toBeTruthy();
    expect(() => new Webhook(endpoint.secret).verify(after.body, headersOf(after))).toThrow();
  });
});

describe("a dead endpoint", () => {
  it("never delays a healthy endpoint's deliveries, nor the API", async () => {
    gateway = await createTestGateway(carrierWithParcels(4).adapter);
    const dead = await receiver("never");
    const healthy = await receiver(204);
    await register(gateway, url(dead));
    await register(gateway, url(healthy));
    const timeoutMs = 3_000;
    const poster = createWebhookPoster();
    // Its own worker, with a short deadline: the bound under test is the per-endpoint share.
    const worker = new WebhookWorker({
      store: gateway.store,
      poster,
      policy: { allowPrivate: true },
      logger: silentLogger,
      now: () => new Date(),
      intervalMs: 10,
      timeoutMs,
      leaseMs: 60_000,
      concurrency: { total: 4, perEndpoint: 2 },
    });
    try {
      for (let n = 1; n <= 4; n += 1) {
        await intercept(gateway, n);
      }
      const started = Date.now();
      worker.start();
      // 8 events each (created and submitted per intercept).
      while (healthy.requests.length < 8 && Date.now() - started < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const healthyDoneMs = Date.now() - started;
      expect(healthy.requests).toHaveLength(8);
      expect(
        healthyDoneMs,
        "the healthy endpoint got everything before the dead one's first attempt timed out",
      ).toBeLessThan(timeoutMs);
      expect(dead.requests, "the dead endpoint holds its own 2 slots only").toHaveLength(2);

      const apiStarted = Date.now();
      const listed = await gateway.call(gateway.merchantA, "GET", "/v1/interceptions");
      expect(listed.status).toBe(200);
      expect(Date.now() - apiStarted, "the API answers meanwhile").toBeLessThan(1_000);
    } finally {
      await worker.stop();
      await poster.close();
    }
    expect(dead.requests.length, "its attempts time out and are retried later").toBe(2);
  });
});

describe("leasing ahead and recording in batches", () => {
  /** A worker of its own: 2 slots per endpoint, a lease 5 deadlines long (4 times its slots). */
  function workerFor(on: TestGateway, poster: ReturnType<typeof createWebhookPoster>) {
    return new WebhookWorker({
      store: on.store,
      poster,
      policy: { allowPrivate: true },
      logger: silentLogger,
      now: () => new Date(),
      intervalMs: 50,
      timeoutMs: 2_000,
      leaseMs: 10_000,
      concurrency: { total: 4, perEndpoint: 2 },
    });
  }

  it("leases an answering endpoint's deliveries ahead of its slots, attempts within them, and records them together", async () => {
    gateway = await createTestGateway(carrierWithParcels(6).adapter);
    let inFlight = 0;
    let mostInFlight = 0;
    const slowly = await startReceiver((_request, response) => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(204).end();
      }, 20);
    });
    receivers.push(slowly);
    const endpoint = await register(gateway, url(slowly));
    for (let n = 1; n <= 6; n += 1) {
      await intercept(gateway, n);
    }
    const poster = createWebhookPoster();
    const worker = workerFor(gateway, poster);
    const claims = vi.spyOn(gateway.store.webhooks, "claimDue");
    const records = vi.spyOn(gateway.store.webhooks, "recordAttempts");
    try {
      worker.start();
      const started = Date.now();
      while (slowly.requests.length < 12 && Date.now() - started < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await worker.stop();
      await poster.close();
    }
    expect(slowly.requests).toHaveLength(12);
    const firstClaim = (await claims.mock.results[0]?.value) as unknown[];
    expect(firstClaim, "8 of the 12 due: 4 times its 2 slots").toHaveLength(8);
    expect(mostInFlight, "never more attempts at once than its slots").toBe(2);
    const recorded = records.mock.calls.map(([batch]) => batch.length);
    expect(recorded.reduce((sum, size) => sum + size, 0)).toBe(12);
    expect(recorded.length, `batches ${JSON.stringify(recorded)}`).toBeLessThan(12);
    const log = await deliveriesOf(gateway, endpoint.id);
    expect(log.map((delivery) => [delivery.status, delivery.attempts])).toEqual(
      Array(12).fill(["delivered", 1]),
    );
  });

  it("gives back a failing endpoint's deliveries waiting for a slot, and leases it none ahead", async () => {
    gateway = await createTestGateway(carrierWithParcels(3).adapter);
    const failing = await receiver(503);
    const endpoint = await register(gateway, url(failing));
    for (let n = 1; n <= 3; n += 1) {
      await intercept(gateway, n);
    }
    const poster = createWebhookPoster();
    const worker = workerFor(gateway, poster);
    const claims = vi.spyOn(gateway.store.webhooks, "claimDue");
    const released = vi.spyOn(gateway.store.webhooks, "releaseDeliveries");
    try {
      expect(await worker.runOnce(), "each delivery attempted once").toBe(6);
    } finally {
      await worker.stop();
      await poster.close();
    }
    const leased = await Promise.all(
      claims.mock.results.map(async (result) => ((await result.value) as unknown[]).length),
    );
    expect(leased[0], "an endpoint not seen failing yet: all 6, 4 ahead of its 2 slots").toBe(6);
    expect(released.mock.calls[0]?.[0], "the 4 waiting, after its first failure").toHaveLength(4);
    expect(
      leased.slice(1).every((count) => count <= 2),
      `then within its slots only: ${JSON.stringify(leased)}`,
    ).toBe(true);
    expect(new Set(failing.requests.map((request) => request.headers["webhook-id"])).size).toBe(6);
    const log = await deliveriesOf(gateway, endpoint.id);
    expect(log.map((delivery) => [delivery.status, delivery.attempts])).toEqual(
      Array(6).fill(["pending", 1]),
    );
  });

  it("gives back at stop the deliveries still waiting for a slot", async () => {
    gateway = await createTestGateway(carrierWithParcels(3).adapter);
    const slow = await startReceiver((_request, response) => {
      setTimeout(() => response.writeHead(204).end(), 300);
    });
    receivers.push(slow);
    const endpoint = await register(gateway, url(slow));
    for (let n = 1; n <= 3; n += 1) {
      await intercept(gateway, n);
    }
    const poster = createWebhookPoster();
    const worker = workerFor(gateway, poster);
    try {
      worker.start();
      const started = Date.now();
      while (slow.requests.length < 2 && Date.now() - started < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      await worker.stop();
      await poster.close();
    }
    expect(slow.requests, "its 2 slots").toHaveLength(2);
    const log = await deliveriesOf(gateway, endpoint.id);
    const byStatus = log.map((delivery) => [delivery.status, delivery.attempts]);
    expect(byStatus.filter(([status]) => status === "delivered")).toHaveLength(2);
    const given = await gateway.store.webhooks.claimDue(
      new Date().toISOString(),
      new Date(Date.now() + 60_000).toISOString(),
      { total: 10, perEndpoint: 10, inFlight: new Map() },
    );
    expect(
      given.map(({ delivery }) => delivery.attempts),
      "leasable again at once",
    ).toEqual([0, 0, 0, 0]);
  });
});
