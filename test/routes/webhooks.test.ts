/**
 * Webhook endpoints and deliveries through the API (both stores: the postgres project runs this
 * file too): registering, the secret shown once, rotation, deletion, the delivery log and manual
 * retry, each merchant's isolation, and deliveries of interception events as a receiver verifies
 * them with the `standardwebhooks` library.
 */
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { WebhookEvent } from "../../contracts/webhooks.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import {
  createTestGateway,
  interceptBody,
  json,
  type TestGateway,
  type TestMerchant,
} from "../harness.ts";
import { type Received, type Receiver, startReceiver } from "../webhooks/receiver.ts";

let carrier: FakeCarrier;
let gateway: TestGateway;
let receiver: Receiver;

beforeEach(async () => {
  carrier = new FakeCarrier();
  carrier.states.set("SF1400000000001", "in_transit");
  carrier.states.set("SF1400000000002", "not_collected");
  gateway = await createTestGateway(carrier.adapter);
  receiver = await startReceiver((_request, response) => response.writeHead(204).end());
});
afterEach(async () => {
  await gateway.close();
  await receiver.close();
});

const receiverUrl = (path = "/hooks") => `http://127.0.0.1:${receiver.port}${path}`;

async function register(merchant: TestMerchant, body: Record<string, unknown>) {
  return json(await gateway.call(merchant, "POST", "/v1/webhook-endpoints", { body }));
}

/** Verifies a received delivery as a receiver holding `secret` would; returns the event. */
function verified(request: Received, secret: string): WebhookEvent {
  const headers = {
    "webhook-id": String(request.headers["webhook-id"]),
    "webhook-timestamp": String(request.headers["webhook-timestamp"]),
    "webhook-signature": String(request.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(request.body, headers) as WebhookEvent;
}

describe("webhook endpoints", () => {
  it("registers an endpoint, shows its secret once, and lists, reads and deletes it", async () => {
    const created = await register(gateway.merchantA, {
      url: receiverUrl(),
      events: ["interception.locked", "interception.locked", "interception.succeeded"],
      description: "ERP",
    });
    expect(created.status, created.text).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };
    expect(id).toMatch(/^we_/);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(24);
    const resource = {
      id,
      url: receiverUrl(),
      events: ["interception.locked", "interception.succeeded"],
      description: "ERP",
      createdAt: expect.any(String),
    };
    expect(created.body).toEqual({ ...resource, secret });

    const one = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/webhook-endpoints/${id}`),
    );
    expect(one.body, one.text).toEqual(resource);
    const all = await json(await gateway.call(gateway.merchantA, "GET", "/v1/webhook-endpoints"));
    expect(all.body).toEqual({ data: [resource] });
    expect(all.text, "the secret is never shown again").not.toContain(secret);

    const deleted = await gateway.call(gateway.merchantA, "DELETE", `/v1/webhook-endpoints/${id}`);
    expect(deleted.status).toBe(204);
    expect(
      (await gateway.call(gateway.merchantA, "GET", `/v1/webhook-endpoints/${id}`)).status,
    ).toBe(404);
    expect(
      (await gateway.call(gateway.merchantA, "DELETE", `/v1/webhook-endpoints/${id}`)).status,
    ).toBe(404);
    const log = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/webhook-endpoints/${id}/deliveries`),
    );
    expect(log.body, "a deleted endpoint's log stays readable").toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it("refuses a URL the guard refuses, and a malformed body, storing nothing", async () => {
    const refused = await register(gateway.merchantA, { url: "ftp://hooks.example.com/x" });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body).toMatchObject({ code: "validation_failed" });
    expect(refused.body.detail).toContain("https://");
    const malformed = await register(gateway.merchantA, {
      url: receiverUrl(),
      events: ["interception.exploded"],
    });
    expect(malformed.status, malformed.text).toBe(400);
    expect(malformed.body).toMatchObject({ code: "validation_failed" });
    const all = await json(await gateway.call(gateway.merchantA, "GET", "/v1/webhook-endpoints"));
    expect(all.body).toEqual({ data: [] });
  });

  it("keeps merchant B away from A's endpoints, events and deliveries", async () => {
    const created = await register(gateway.merchantA, { url: receiverUrl() });
    const id = String(created.body.id);
    await gateway.intercept(gateway.merchantA, "k1", interceptBody());
    await gateway.webhookWorker.runOnce();
    const log = await json(
      await gateway.call(gateway.merchantA, "GET", `/v1/webhook-endpoints/${id}/deliveries`),
    );
    const deliveryId = String((log.body.data as Array<{ id: string }>)[0]?.id);

    const asB = (method: string, path: string) => gateway.call(gateway.merchantB, method, path);
    for (const [method, path] of [
      ["GET", `/v1/webhook-endpoints/${id}`],
      ["DELETE", `/v1/webhook-endpoints/${id}`],
      ["POST", `/v1/webhook-endpoints/${id}/rotate-secret`],
      ["GET", `/v1/webhook-endpoints/${id}/deliveries`],
      ["POST", `/v1/webhook-deliveries/${deliveryId}/retry`],
    ] as const) {
      const answer = await json(await asB(method, path));
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(404);
      expect(answer.body.code).toBe("not_found");
      expect(answer.text).not.toContain(gateway.merchantA.id);
    }
    const listed = await json(await asB("GET", "/v1/webhook-endpoints"));
    expect(listed.body).toEqual({ data: [] });
    // B's own endpoint hears nothing of A's interceptions.
    const ofB = await register(gateway.merchantB, { url: receiverUrl("/b") });
    await gateway.intercept(
      gateway.merchantA,
      "k2",
      interceptBody({ trackingNumber: "SF1400000000002" }),
    );
    await gateway.webhookWorker.runOnce();
    expect(receiver.requests.filter((request) => request.url === "/b")).toEqual([]);
    const logOfB = await json(
      await asB("GET", `/v1/webhook-endpoints/${String(ofB.body.id)}/deliveries`),
    );
    expect(logOfB.body).toEqual({ data: [], nextCursor: null });
  });
});

describe("deliveries of interception events", () => {
  it("posts each event signed as Standard Webhooks receivers verify it, with the resource as GET answered it", async () => {
    const created = await register(gateway.merchantA, { url: receiverUrl() });
    const secret = String(created.body.secret);
    const answer = await json(await gateway.intercept(gateway.merchantA, "k1", interceptBody()));
    expect(answer.status, answer.text).toBe(201);
    expect(await gateway.webhookWorker.runOnce()).toBe(2);

    const events = receiver.requests.map((request) => {
      expect(request.method).toBe("POST");
      expect(request.headers["content-type"]).toBe("application/json");
      const event = verified(request, secret);
      expect(request.headers["webhook-id"]).toBe(event.id);
      return event;
    });
    expect(events.map((event) => event.type).sort()).toEqual([
      "interception.created",
      "interception.submitted",
    ]);
    const submitted = events.find((event) => event.type === "interception.submitted");
    // The final answer of the intercept is the interception as it stood once submitted.
    expect(submitted?.data).toEqual(answer.body);
    expect(submitted?.id).toMatch(/^evt_/);
    const createdEvent = events.find((event) => event.type === "interception.created");
    expect(createdEvent?.data.status).toBe("pending");
    const createdData = createdEvent?.data;
    expect(createdData && "events" in createdData ? createdData.events : null).toEqual([
      expect.objectContaining({
        status: "pending",
        actor: { type: "api_key", id: gateway.merchantA.apiKey.split("_").slice(0, 2).join("_") },
      }),
    ]);
    expect(() =>
      verified(receiver.requests[0] as Received, "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ).toThrow();

    const log = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        `/v1/webhook-endpoints/${String(created.body.id)}/deliveries?limit=1`,
      ),
    );
    expect(log.status, log.text).toBe(200);
    expect(log.body.data).toEqual([
      {
        id: expect.stringMatching(/^whd_/),
        eventId: submitted?.id,
        type: "interception.submitted",
        status: "delivered",
        attempts: 1,
        lastStatusCode: 204,
        lastError: null,
        nextAttemptAt: null,
        createdAt: submitted?.createdAt,
      },
    ]);
    const next = await json(
      await gateway.call(
        gateway.merchantA,
        "GET",
        `/v1/webhook-endpoints/${String(created.body.id)}/deliveries?limit=1&cursor=${String(log.body.nextCursor)}`,
      ),
    );
    expect((next.body.data as Array<{ eventId: string }>).map((row) => row.eventId)).toEqual([
      createdEvent?.id,
    ]);
    expect(next.body.nextCursor).toBeNull();
  });

  it("sends only the subscribed types: a lock, then its release", async () => {
    await register(gateway.merchantA, {
      url: receiverUrl(),
      events: ["interception.locked", "interception.released"],
    });
    const locked = await json(
      await gateway.intercept(
        gateway.merchantA,
        "k1",
        interceptBody({ trackingNumber: "SF1400000000002" }),
      ),
    );
    expect(locked.body.status, locked.text).toBe("locked");
    await gateway.webhookWorker.runOnce();
    const released = await json(
      await gateway.call(
        gateway.merchantA,
        "POST",
        `/v1/interceptions/${String(locked.body.id)}/cancel`,
      ),
    );
    expect(released.body.status, released.text).toBe("released");
    await gateway.webhookWorker.runOnce();
    const types = receiver.requests.map(
      (request) => (JSON.parse(request.body) as WebhookEvent).type,
    );
    expect(types).toEqual(["interception.locked", "interception.released"]);
  });

  it("retries a delivery by hand: pending again, then delivered with the same webhook-id", async () => {
    let status = 500;
    await receiver.close();
    receiver = await startReceiver((_request, response) => response.writeHead(status).end());
    const created = await register(gateway.merchantA, {
      url: receiverUrl(),
      events: ["interception.created"],
    });
    await gateway.intercept(gateway.merchantA, "k1", interceptBody());
    await gateway.webhookWorker.runOnce();
    const path = `/v1/webhook-endpoints/${String(created.body.id)}/deliveries`;
    const failedOnce = await json(await gateway.call(gateway.merchantA, "GET", path));
    const [delivery] = failedOnce.body.data as Array<Record<string, unknown>>;
    expect(delivery).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      lastError: expect.any(String),
    });
    expect(Date.parse(String(delivery?.nextAttemptAt))).toBeGreaterThan(Date.now());

    status = 200;
    const retried = await json(
      await gateway.call(
        gateway.merchantA,
        "POST",
        `/v1/webhook-deliveries/${String(delivery?.id)}/retry`,
      ),
    );
    expect(retried.status, retried.text).toBe(202);
    expect(retried.body).toMatchObject({ id: delivery?.id, status: "pending" });
    await gateway.webhookWorker.runOnce();
    const after = await json(await gateway.call(gateway.merchantA, "GET", path));
    expect(after.body.data).toEqual([
      expect.objectContaining({
        status: "delivered",
        attempts: 2,
        lastStatusCode: 200,
        lastError: null,
      }),
    ]);
    const ids = receiver.requests.map((request) => request.headers["webhook-id"]);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(receiver.requests[0]?.body).toBe(receiver.requests[1]?.body);
    expect(
      (await gateway.call(gateway.merchantA, "POST", "/v1/webhook-deliveries/whd_missing/retry"))
        .status,
    ).toBe(404);
  });

  it("describes the routes in the served OpenAPI document", async () => {
    const document = await json(await gateway.call(null, "GET", "/openapi.json"));
    const paths = Object.keys(document.body.paths as Record<string, unknown>);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/v1/webhook-endpoints",
        "/v1/webhook-endpoints/{id}",
        "/v1/webhook-endpoints/{id}/rotate-secret",
        "/v1/webhook-endpoints/{id}/deliveries",
        "/v1/webhook-deliveries/{id}/retry",
      ]),
    );
  });
});
