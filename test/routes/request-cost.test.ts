/**
 * What one request costs the store: the floor the intercept path keeps. An intercept reads
 * nothing it wrote, looks its carrier up once and commits twice: the interception with its job
 * and its key's claim before the carrier call, the outcome with the key's answer after it.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Store } from "../../src/store/store.ts";
import { FakeCarrier } from "../fakes/fake-carrier.ts";
import { createTestGateway, interceptBody, json, type TestGateway } from "../harness.ts";

let gateway: TestGateway;

afterEach(async () => {
  await gateway.close();
});

/**
 * The methods of `Store`'s repositories, named here rather than read off the objects: a repository
 * may be a class instance whose prototype also holds helpers it calls itself (PostgreSQL's job
 * queue), and only calls through the interface count.
 */
const repositoryMethods = {
  meta: ["claimMode"],
  merchants: ["create", "get", "createApiKey", "getApiKeyWithMerchant", "revokeApiKey"],
  idempotency: ["has", "claim", "storeResponse", "complete", "release", "deleteCreatedBefore"],
  interceptions: [
    "insert",
    "parcelOwner",
    "get",
    "getById",
    "list",
    "findForParcel",
    "redirectsOfOrder",
    "transition",
  ],
  jobs: [
    "claim",
    "claimDue",
    "reschedule",
    "complete",
    "release",
    "bringForwardPolls",
    "forInterception",
  ],
  webhooks: [
    "createEndpoint",
    "listEndpoints",
    "getEndpoint",
    "deleteEndpoint",
    "rotateSecret",
    "listDeliveries",
    "retryDelivery",
    "getEvent",
    "claimDue",
    "recordAttempts",
    "releaseDeliveries",
  ],
  dashboardSessions: ["create", "get", "touch", "delete", "deleteEnded"],
  shipments: ["insert", "get", "getById", "list", "shippedWithParcel", "transition"],
  deadlines: ["claimDue", "complete", "reschedule", "openFor"],
  tickets: ["open", "change", "get", "getById", "list", "ofShipment"],
  proposals: ["propose", "answer", "get", "getById", "ofShipment"],
} satisfies { [R in keyof Omit<Store, "close">]: Array<keyof Store[R]> };

/** Records each call of a store method, as `repository.method`, from now on. */
function recordStoreCalls(store: Store): string[] {
  const calls: string[] = [];
  for (const [name, methods] of Object.entries(repositoryMethods)) {
    const repository = store[name as keyof typeof repositoryMethods] as unknown as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    for (const method of methods) {
      const original = repository[method];
      if (typeof original !== "function") {
        throw new Error(`${name}.${method} is not a method`);
      }
      repository[method] = (...args: unknown[]) => {
        calls.push(`${name}.${method}`);
        return original.apply(repository, args);
      };
    }
  }
  return calls;
}

/** The store's group commits so far, as the commit-time metric counts them. */
function commits(): number {
  const count = /^gateway_store_commit_seconds_count (\d+)$/m.exec(gateway.metrics.render());
  return Number(count?.[1] ?? 0);
}

/** Sends one intercept and measures it: its answer, its store calls, commits and look-ups. */
async function measure(body: unknown, key = "k1") {
  const calls = recordStoreCalls(gateway.store);
  const lookups = vi.spyOn(gateway.services.carriers, "get");
  const before = commits();
  const answer = await json(await gateway.intercept(gateway.merchantA, key, body));
  const measured = { answer, calls, commits: commits() - before, lookups: lookups.mock.calls };
  lookups.mockRestore();
  return measured;
}

/** The calls every authenticated intercept makes before its assessment. */
const authenticatedAndKeyChecked = ["merchants.getApiKeyWithMerchant", "idempotency.has"];

describe("one intercept's cost", () => {
  it("accepted by the carrier: two commits, no re-read, the carrier looked up once", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "in_transit");
    gateway = await createTestGateway(carrier.adapter);

    const { answer, calls, commits, lookups } = await measure(interceptBody());

    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.status).toBe("submitted");
    expect(calls).toEqual([
      ...authenticatedAndKeyChecked,
      "interceptions.parcelOwner",
      "interceptions.findForParcel",
      "interceptions.insert",
      "interceptions.transition",
    ]);
    expect(commits).toBe(2);
    expect(lookups).toEqual([["sf-express"]]);
    // Built from what the request held, the answer is what the store holds.
    const read = await gateway.call(
      gateway.merchantA,
      "GET",
      `/v1/interceptions/${answer.body.id}`,
    );
    expect(await read.text()).toBe(answer.text);
    // And the answer committed with the outcome is the one replayed.
    const replay = await gateway.intercept(gateway.merchantA, "k1", interceptBody());
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(answer.text);
  });

  it("a redirect counts the order's free redirects once more, and still commits twice", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "in_transit");
    gateway = await createTestGateway(carrier.adapter);
    const redirect = interceptBody({
      action: "redirect",
      reason: "address_error",
      redirectTo: {
        name: "Li Lei",
        phone: "13800138000",
        country: "CN",
        city: "Shenzhen",
        line1: "Keji Road 1",
      },
    });

    const { answer, calls, commits } = await measure(redirect);

    expect(answer.status, answer.text).toBe(201);
    expect(calls).toEqual([
      ...authenticatedAndKeyChecked,
      "interceptions.parcelOwner",
      "interceptions.findForParcel",
      "interceptions.redirectsOfOrder",
      "interceptions.insert",
      "interceptions.transition",
    ]);
    expect(commits).toBe(2);
  });

  it("a lock whose pickup the carrier cancels: the cancel's outcome carries the answer", async () => {
    const carrier = new FakeCarrier({ pickupCancel: true });
    carrier.states.set("SF1400000000001", "not_collected");
    gateway = await createTestGateway(carrier.adapter);

    const { answer, calls, commits } = await measure(interceptBody());

    expect(answer.status, answer.text).toBe(201);
    expect(answer.body.status).toBe("locked");
    expect(carrier.callsOf("cancel_pickup")).toHaveLength(1);
    expect(calls.slice(-2)).toEqual(["interceptions.insert", "interceptions.transition"]);
    expect(commits).toBe(2);
    const read = await gateway.call(
      gateway.merchantA,
      "GET",
      `/v1/interceptions/${answer.body.id}`,
    );
    expect(await read.text()).toBe(answer.text);
  });

  it("a lock with no carrier call: the interception, then its answer", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "not_collected");
    gateway = await createTestGateway(carrier.adapter);

    const { answer, calls, commits } = await measure(interceptBody());

    expect(answer.body.status, answer.text).toBe("locked");
    expect(calls.slice(-2)).toEqual(["interceptions.insert", "idempotency.complete"]);
    expect(commits).toBe(2);
  });

  it("a refusal stores its answer under the new key in one commit", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "delivered");
    gateway = await createTestGateway(carrier.adapter);

    const { answer, calls, commits } = await measure(interceptBody());

    expect(answer.status, answer.text).toBe(422);
    expect(calls.at(-1)).toBe("idempotency.storeResponse");
    expect(commits).toBe(1);
  });

  it("a carrier that cannot be reached in time: the answer is committed after the job is given back", async () => {
    const carrier = new FakeCarrier();
    carrier.states.set("SF1400000000001", "in_transit");
    carrier.scriptedErrors.intercept.push("unavailable", "unavailable", "unavailable");
    gateway = await createTestGateway(carrier.adapter);

    const { answer, calls, commits } = await measure(interceptBody());

    expect(answer.body.status, answer.text).toBe("pending");
    expect(calls.slice(-3)).toEqual([
      "interceptions.insert",
      "jobs.reschedule",
      "idempotency.complete",
    ]);
    expect(commits).toBe(3);
  });
});
