/**
 * No event is lost across a crash (both stores: a SQLite file, or PostgreSQL in the postgres
 * project). The change is committed with its event; the process goes away before delivering it,
 * or after a worker leased it but before the attempt was recorded; a new process on the same
 * database delivers it, with the same `webhook-id`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterEach, expect, it } from "vitest";
import { gatewayActor } from "../../src/domain/actors.ts";
import { newId } from "../../src/ids.ts";
import { silentLogger } from "../../src/logger.ts";
import { newWebhookSecret } from "../../src/services/webhooks.ts";
import { openSqliteStore } from "../../src/store/sqlite/open.ts";
import type { Store } from "../../src/store/store.ts";
import { createWebhookPoster } from "../../src/webhooks/post.ts";
import { WebhookWorker } from "../../src/workers/webhook-worker.ts";
import { onPostgres } from "../harness.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import { openTestPostgresStore } from "../support/postgres-store.ts";
import { type Receiver, startReceiver } from "../webhooks/receiver.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** A database that outlives the store opened on it: `open` stands for a process starting. */
async function database(): Promise<() => Promise<Store>> {
  if (onPostgres) {
    const url = await freshPostgresDatabase();
    return () => openTestPostgresStore(url);
  }
  const directory = mkdtempSync(join(tmpdir(), "webhook-crash-"));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  const path = join(directory, "gateway.db");
  return async () => openSqliteStore({ path });
}

async function receiverFor(): Promise<Receiver> {
  const receiver = await startReceiver((_request, response) => response.writeHead(200).end());
  cleanups.push(() => receiver.close());
  return receiver;
}

function workerOn(store: Store, now: () => Date): WebhookWorker {
  const poster = createWebhookPoster();
  cleanups.push(() => poster.close());
  return new WebhookWorker({
    store,
    poster,
    policy: { allowPrivate: true },
    logger: silentLogger,
    now,
    intervalMs: 1_000,
    timeoutMs: 2_000,
    leaseMs: 60_000,
    concurrency: { total: 4, perEndpoint: 2 },
  });
}

/** What a process commits before it dies: an endpoint, then an interception and its event. */
async function commitChange(store: Store, receiver: Receiver, at: Date): Promise<string> {
  const createdAt = at.toISOString();
  await store.merchants.create({ id: "mer_a", name: "A", pickupService: true, createdAt });
  const secret = newWebhookSecret();
  await store.webhooks.createEndpoint({
    id: newId("we"),
    merchantId: "mer_a",
    url: `http://127.0.0.1:${receiver.port}/hooks`,
    events: null,
    description: null,
    secret,
    previousSecret: null,
    previousSecretUntil: null,
    createdAt,
    deletedAt: null,
  });
  const id = newId("icp");
  await store.interceptions.insert({
    interception: {
      id,
      merchantId: "mer_a",
      carrier: "sf-express",
      trackingNumber: "SF1400000000001",
      orderId: "ORD-1",
      action: "intercept",
      reason: "buyer_cancelled",
      items: [],
      parcel: { declaredValue: { amount: "899.00", currency: "CNY" }, category: "apparel" },
      redirectTo: null,
      note: null,
      status: "pending",
      parcelState: "in_transit",
      successLikelihood: "normal",
      carrierReference: null,
      cost: {
        payer: "platform",
        mode: "free_return",
        quoted: null,
        final: null,
        settlement: "none",
      },
      failure: null,
      createdAt,
      updatedAt: createdAt,
    },
    event: {
      at: createdAt,
      status: "pending",
      detail: "Stored.",
      carrierEventId: null,
      actor: gatewayActor,
    },
    job: null,
    idempotency: null,
  });
  return secret;
}

it("delivers an event committed by a process that died before delivering it", async () => {
  const open = await database();
  const receiver = await receiverFor();
  const first = await open();
  const secret = await commitChange(first, receiver, new Date());
  // The process dies: no worker of it ever ran.
  await first.close();
  expect(receiver.requests).toHaveLength(0);

  const second = await open();
  cleanups.push(() => second.close());
  expect(await workerOn(second, () => new Date()).runOnce()).toBe(1);
  const [request] = receiver.requests;
  expect(request).toBeDefined();
  const event = new Webhook(secret).verify(String(request?.body), {
    "webhook-id": String(request?.headers["webhook-id"]),
    "webhook-timestamp": String(request?.headers["webhook-timestamp"]),
    "webhook-signature": String(request?.headers["webhook-signature"]),
  });
  expect(event).toMatchObject({ type: "interception.created", data: { status: "pending" } });
});

it("delivers, once its lease lapses, an event a dead worker had leased but not recorded", async () => {
  const open = await database();
  const receiver = await receiverFor();
  const first = await open();
  await commitChange(first, receiver, new Date());
  // A worker leased it and died mid-attempt: the lease is recorded, the attempt never is.
  const now = new Date();
  const leased = await first.webhooks.claimDue(
    now.toISOString(),
    new Date(now.getTime() + 60_000).toISOString(),
    { total: 4, perEndpoint: 4, inFlight: new Map() },
  );
  expect(leased).toHaveLength(1);
  await first.close();

  const second = await open();
  cleanups.push(() => second.close());
  expect(await workerOn(second, () => new Date()).runOnce(), "still held by the dead").toBe(0);
  const later = () => new Date(Date.now() + 61_000);
  expect(await workerOn(second, later).runOnce(), "taken over").toBe(1);
  expect(receiver.requests.map((request) => request.headers["webhook-id"])).toEqual([
    leased[0]?.event.id,
  ]);
});
