/**
 * The contract of `store.webhooks`, and of the webhook events `interceptions.insert` and
 * `transition` record in their own transactions.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Interception } from "../../../contracts/interception.ts";
import type { WebhookEvent } from "../../../contracts/webhooks.ts";
import { apiKeyActor, carrierActor } from "../../../src/domain/actors.ts";
import type {
  DeliveryRoom,
  DueDelivery,
  Store,
  WebhookEndpointRecord,
} from "../../../src/store/store.ts";
import { at, createdEvent, icpId, interception, seed } from "./fixtures.ts";
import type { ContractSubject } from "./index.ts";

function endpoint(
  id: string,
  merchantId: string,
  overrides: Partial<WebhookEndpointRecord> = {},
): WebhookEndpointRecord {
  return {
    id,
    merchantId,
    url: `https://hooks.example.com/${id}`,
    events: null,
    description: null,
    secret: `whsec_${Buffer.from(id.padEnd(24, "x")).toString("base64")}`,
    previousSecret: null,
    previousSecretUntil: null,
    createdAt: at(0),
    deletedAt: null,
    ...overrides,
  };
}

const room = (total: number, perEndpoint = total, inFlight = new Map<string, number>()) =>
  ({ total, perEndpoint, inFlight }) satisfies DeliveryRoom;

/** Every due delivery (leased, so call it once per state), as `endpoint:type`, in order. */
async function dueNow(store: Store, now: string): Promise<string[]> {
  const due = await store.webhooks.claimDue(now, at(10_000), room(100));
  return due.map(({ delivery }) => `${delivery.endpointId}:${delivery.type}`).sort();
}

export function webhooksContract(subject: ContractSubject): void {
  describe("webhooks", () => {
    let store: Store;

    beforeEach(() => {
      store = subject.store;
    });

    it("keeps each merchant's endpoints to that merchant", async () => {
      await store.webhooks.createEndpoint(
        endpoint("we_1", "mer_a", { events: ["interception.failed"] }),
      );
      await store.webhooks.createEndpoint(endpoint("we_2", "mer_a", { description: "ERP" }));

      expect((await store.webhooks.listEndpoints("mer_a")).map((row) => row.id)).toEqual([
        "we_1",
        "we_2",
      ]);
      expect(await store.webhooks.getEndpoint("mer_a", "we_1")).toEqual(
        endpoint("we_1", "mer_a", { events: ["interception.failed"] }),
      );
      expect(await store.webhooks.listEndpoints("mer_b")).toEqual([]);
      expect(await store.webhooks.getEndpoint("mer_b", "we_1")).toBeNull();
      expect(await store.webhooks.deleteEndpoint("mer_b", "we_1", at(1))).toBe(false);
      expect(await store.webhooks.rotateSecret("mer_b", "we_1", "whsec_new", at(2))).toBeNull();
      expect(await store.webhooks.listDeliveries("mer_b", "we_1", { limit: 10 })).toBeNull();

      expect(await store.webhooks.deleteEndpoint("mer_a", "we_1", at(1))).toBe(true);
      expect(await store.webhooks.deleteEndpoint("mer_a", "we_1", at(2)), "once").toBe(false);
      expect(await store.webhooks.getEndpoint("mer_a", "we_1")).toBeNull();
      expect((await store.webhooks.listEndpoints("mer_a")).map((row) => row.id)).toEqual(["we_2"]);
      expect(
        await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 10 }),
        "log stays",
      ).toEqual([]);
    });

    it("rotates a secret, keeping the old one until the given time", async () => {
      const before = endpoint("we_1", "mer_a");
      await store.webhooks.createEndpoint(before);
      const rotated = await store.webhooks.rotateSecret("mer_a", "we_1", "whsec_bmV3", at(86_400));
      expect(rotated).toEqual({
        ...before,
        secret: "whsec_bmV3",
        previousSecret: before.secret,
        previousSecretUntil: at(86_400),
      });
      expect(await store.webhooks.getEndpoint("mer_a", "we_1")).toEqual(rotated);
    });

    it("records the events of a change with one delivery per subscribed endpoint, in its transaction", async () => {
      await store.webhooks.createEndpoint(endpoint("we_all", "mer_a"));
      await store.webhooks.createEndpoint(
        endpoint("we_locks", "mer_a", { events: ["interception.locked", "interception.released"] }),
      );
      await store.webhooks.createEndpoint(endpoint("we_gone", "mer_a"));
      await store.webhooks.deleteEndpoint("mer_a", "we_gone", at(0));
      await store.webhooks.createEndpoint(endpoint("we_b", "mer_b"));

      const pending = icpId(1);
      await seed(store, interception(pending, "mer_a"));
      const locked = icpId(2);
      await store.interceptions.insert({
        interception: interception(locked, "mer_a", { status: "locked", cost: noCharge }),
        event: { ...createdEvent(at(0)), status: "locked", actor: apiKeyActor("igk_1") },
        job: null,
        idempotency: null,
      });
      expect(await dueNow(store, at(1))).toEqual([
        "we_all:interception.created",
        "we_all:interception.created",
        "we_all:interception.locked",
        "we_locks:interception.locked",
      ]);

      // No status change, no event; a status change, its event.
      await store.interceptions.transition(pending, {
        from: ["pending"],
        patch: { parcelState: "out_for_delivery" },
        event: { at: at(2), detail: "Moving.", actor: carrierActor("sf-express") },
      });
      await store.interceptions.transition(locked, {
        from: ["locked"],
        to: "released",
        event: { at: at(3), detail: "Released.", actor: apiKeyActor("igk_1") },
      });
      const due = await store.webhooks.claimDue(at(4), at(10_000), room(100));
      expect(due.map(({ delivery }) => `${delivery.endpointId}:${delivery.type}`).sort()).toEqual([
        "we_all:interception.released",
        "we_locks:interception.released",
      ]);
      const [first, second] = due;
      expect(first?.event.id, "one event, two deliveries").toBe(second?.event.id);
      const body = JSON.parse(first?.event.body ?? "{}") as WebhookEvent;
      expect(body.id).toBe(first?.event.id);
      expect(body.type).toBe("interception.released");
      expect(body.createdAt).toBe(at(3));
      // The resource as GET answers it after the change, events and their actors included.
      const data = body.data as Interception;
      expect(data.status).toBe("released");
      expect(data.updatedAt).toBe(at(3));
      expect(data.events.map((event) => [event.status, event.actor])).toEqual([
        ["locked", apiKeyActor("igk_1")],
        ["released", apiKeyActor("igk_1")],
      ]);
      expect(body.data).not.toHaveProperty("merchantId");
      expect(await store.webhooks.getEvent("mer_a", body.id)).toMatchObject({
        id: body.id,
        merchantId: "mer_a",
        type: "interception.released",
        body: first?.event.body,
      });
      expect(await store.webhooks.getEvent("mer_b", body.id)).toBeNull();
      expect(await store.webhooks.listDeliveries("mer_b", "we_b", { limit: 10 })).toEqual([]);
    });

    it("stores no event when nobody subscribed, and none when the change is refused", async () => {
      await store.webhooks.createEndpoint(
        endpoint("we_1", "mer_a", { events: ["interception.succeeded"] }),
      );
      const id = icpId(1);
      await seed(store, interception(id, "mer_a"));
      expect(
        await store.interceptions.transition(id, {
          from: ["submitted"],
          to: "succeeded",
          event: { at: at(2), detail: "Returned.", actor: carrierActor("sf-express") },
        }),
      ).toBe("status_mismatch");
      expect(await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 10 })).toEqual([]);
    });

    it("leases due deliveries within the room, oldest first, and records a batch fenced by each lease", async () => {
      await store.webhooks.createEndpoint(endpoint("we_slow", "mer_a"));
      await store.webhooks.createEndpoint(endpoint("we_fast", "mer_a"));
      for (let n = 1; n <= 3; n += 1) {
        await seed(store, interception(icpId(n), "mer_a", { createdAt: at(n) }));
      }
      // Three created events to each endpoint, due at 1, 2 and 3.
      const busy = new Map([["we_slow", 1]]);
      const first = await store.webhooks.claimDue(at(10), at(70), room(10, 2, busy));
      expect(first.map(endpointAndDue)).toEqual([
        ["we_fast", at(1)],
        ["we_slow", at(1)],
        ["we_fast", at(2)],
      ]);
      expect(
        await store.webhooks.claimDue(at(10), at(70), room(10, 2)),
        "leased ones are not handed out again",
      ).toHaveLength(3);
      const lapsed = await store.webhooks.claimDue(at(71), at(131), room(1));
      expect(lapsed.map(endpointAndDue), "a lapsed lease is taken over").toEqual([
        ["we_fast", at(1)],
      ]);

      const [stale, slow, second] = first;
      const [taken] = lapsed;
      if (!stale || !slow || !second || !taken) {
        throw new Error("not all claimed");
      }
      // One batch: the old holder's record of the lapsed one, the new holder's, and two more.
      await store.webhooks.recordAttempts([
        {
          delivery: stale.delivery,
          attempt: {
            at: at(72),
            delivered: true,
            statusCode: 200,
            error: null,
            nextAttemptAt: null,
          },
        },
        {
          delivery: taken.delivery,
          attempt: {
            at: at(73),
            delivered: false,
            statusCode: 503,
            error: "HTTP 503",
            nextAttemptAt: at(78),
          },
        },
        {
          delivery: slow.delivery,
          attempt: {
            at: at(73),
            delivered: true,
            statusCode: 204,
            error: null,
            nextAttemptAt: null,
          },
        },
        {
          delivery: second.delivery,
          attempt: {
            at: at(73),
            delivered: false,
            statusCode: null,
            error: "timed out",
            nextAttemptAt: null,
          },
        },
      ]);
      const log = [
        ...((await store.webhooks.listDeliveries("mer_a", "we_fast", { limit: 10 })) ?? []),
        ...((await store.webhooks.listDeliveries("mer_a", "we_slow", { limit: 10 })) ?? []),
      ];
      const row = (id: string) => log.find((delivery) => delivery.id === id);
      expect(row(taken.delivery.id), "the old holder's write changed nothing").toMatchObject({
        status: "pending",
        attempts: 1,
        lastStatusCode: 503,
        lastError: "HTTP 503",
        nextAttemptAt: at(78),
        leaseUntil: null,
      });
      expect(row(slow.delivery.id)).toMatchObject({
        status: "delivered",
        attempts: 1,
        lastStatusCode: 204,
        lastError: null,
        nextAttemptAt: null,
        leaseUntil: null,
      });
      expect(row(second.delivery.id)).toMatchObject({
        status: "failed",
        attempts: 1,
        lastStatusCode: null,
        lastError: "timed out",
        nextAttemptAt: null,
        leaseUntil: null,
      });
      const untouched = log.filter(
        (delivery) => ![taken, slow, second].some((done) => done.delivery.id === delivery.id),
      );
      expect(
        untouched.map((delivery) => [delivery.status, delivery.attempts]),
        "the batch changed only its own deliveries",
      ).toEqual(Array(3).fill(["pending", 0]));
    });

    it("gives leased deliveries back untouched, only from the holder of each lease", async () => {
      await store.webhooks.createEndpoint(endpoint("we_1", "mer_a"));
      for (let n = 1; n <= 2; n += 1) {
        await seed(store, interception(icpId(n), "mer_a", { createdAt: at(n) }));
      }
      const [one] = await store.webhooks.claimDue(at(10), at(70), room(1));
      const [two] = await store.webhooks.claimDue(at(10), at(500), room(1));
      if (!one || !two) {
        throw new Error("not both claimed");
      }
      const [taken] = await store.webhooks.claimDue(at(71), at(131), room(10));
      expect(taken?.delivery.id, "the first one's lease lapsed and was taken over").toBe(
        one.delivery.id,
      );
      // Its holder gives both back: only the one it still holds is released, and can be leased
      // again at once, long before its lease would have lapsed.
      await store.webhooks.releaseDeliveries([one.delivery, two.delivery]);
      const again = await store.webhooks.claimDue(at(72), at(132), room(10));
      expect(again.map(({ delivery }) => delivery.id)).toEqual([two.delivery.id]);
      expect(again[0]?.delivery).toMatchObject({
        status: "pending",
        attempts: 0,
        nextAttemptAt: at(2),
        leaseUntil: at(132),
      });
    });

    it("marks a delivery delivered or failed, and retries it by hand", async () => {
      await store.webhooks.createEndpoint(endpoint("we_1", "mer_a"));
      await seed(store, interception(icpId(1), "mer_a"));
      const [due] = await store.webhooks.claimDue(at(1), at(60), room(1));
      if (!due) {
        throw new Error("nothing due");
      }
      await store.webhooks.recordAttempts([
        {
          delivery: due.delivery,
          attempt: {
            at: at(2),
            delivered: false,
            statusCode: null,
            error: "timed out",
            nextAttemptAt: null,
          },
        },
      ]);
      const failed = await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 1 });
      expect(failed?.[0]).toMatchObject({ status: "failed", attempts: 1, nextAttemptAt: null });
      expect(await store.webhooks.claimDue(at(3), at(60), room(1))).toEqual([]);

      expect(await store.webhooks.retryDelivery("mer_b", due.delivery.id, at(4))).toBeNull();
      expect(await store.webhooks.retryDelivery("mer_a", due.delivery.id, at(4))).toMatchObject({
        status: "pending",
        nextAttemptAt: at(4),
        attempts: 1,
      });
      const [again] = await store.webhooks.claimDue(at(4), at(60), room(1));
      expect(again?.event.body, "the same bytes").toBe(due.event.body);
      if (!again) {
        throw new Error("not due again");
      }
      await store.webhooks.recordAttempts([
        {
          delivery: again.delivery,
          attempt: {
            at: at(5),
            delivered: true,
            statusCode: 204,
            error: null,
            nextAttemptAt: null,
          },
        },
      ]);
      const delivered = await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 1 });
      expect(delivered?.[0]).toMatchObject({
        status: "delivered",
        attempts: 2,
        lastStatusCode: 204,
        nextAttemptAt: null,
      });
    });

    it("pages an endpoint's log newest first, and fails the pending deliveries of a deleted endpoint", async () => {
      await store.webhooks.createEndpoint(endpoint("we_1", "mer_a"));
      for (let n = 1; n <= 3; n += 1) {
        await seed(store, interception(icpId(n), "mer_a", { createdAt: at(n) }));
      }
      const page = await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 2 });
      const next = await store.webhooks.listDeliveries("mer_a", "we_1", {
        limit: 2,
        before: page?.at(-1)?.id ?? "",
      });
      const created = (rows: typeof page) => rows?.map((row) => row.createdAt);
      expect(created(page)).toEqual([at(3), at(2)]);
      expect(created(next)).toEqual([at(1)]);

      await store.webhooks.deleteEndpoint("mer_a", "we_1", at(4));
      const log = await store.webhooks.listDeliveries("mer_a", "we_1", { limit: 10 });
      expect(log?.map((row) => [row.status, row.lastError])).toEqual(
        Array(3).fill(["failed", "The endpoint was deleted."]),
      );
      expect(await store.webhooks.claimDue(at(5), at(60), room(10))).toEqual([]);
      expect(await store.webhooks.retryDelivery("mer_a", log?.[0]?.id ?? "", at(5))).toBeNull();
    });

    it("lets one of two instances lease a delivery", async ({ skip }) => {
      const two = (await subject.anotherStore()) ?? skip("this database has a single connection");
      await store.webhooks.createEndpoint(endpoint("we_1", "mer_a"));
      await seed(store, interception(icpId(1), "mer_a"));
      const leases = await Promise.all([
        store.webhooks.claimDue(at(1), at(60), room(5)),
        two.webhooks.claimDue(at(1), at(60), room(5)),
      ]);
      expect(leases.flat(), JSON.stringify(leases)).toHaveLength(1);
    });
  });
}

const noCharge = {
  payer: "none",
  mode: "none",
  quoted: null,
  final: null,
  settlement: "none",
} as const;

function endpointAndDue({ delivery }: DueDelivery): [string, string | null] {
  return [delivery.endpointId, delivery.nextAttemptAt];
}
