/**
 * Many instances (issue 10 B): one carrier-sandbox process and three gateway processes on one
 * PostgreSQL database, the way they run in production behind a load balancer. The clients here
 * pick an instance themselves and, like any client of a load balancer, retry the same request
 * with the same Idempotency-Key on another instance when an answer does not come (connection
 * refused or cut), is a 5xx, or is 409 `request_in_progress`. The carriers' pushes go through a
 * load balancer (load-balancer.ts) to whichever instance is up.
 *
 * What must hold, each time:
 * - 300 intercepts spread over the three, one instance SIGKILLed mid-way: every request ends
 *   201 (on some instance), every interception ends `succeeded`, the carrier received exactly
 *   one intercept call per parcel, and the gateway holds exactly one interception per parcel;
 * - the same key sent to two instances at the same moment makes one interception;
 * - JD parcels (outcomes polled, not pushed) worked by all instances get one intercept each;
 * - a rolling restart (SIGTERM one instance at a time, start it again) under load loses nothing.
 * The sandboxes keep what each carrier received (`GET /_sandbox/parcels/…`, `calls`).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, http, type JsonBody } from "../integration/loopback.ts";
import { freshPostgresDatabase } from "../support/postgres.ts";
import {
  type ChildGateway,
  killGateway,
  sleep,
  spawnGateway,
  spawnSandbox,
  waitReady,
} from "./child-gateway.ts";
import { type LoadBalancer, startLoadBalancer } from "./load-balancer.ts";

const INSTANCES = 3;
const adminToken = "multi-instance-admin-token-0123";
const sandboxSecret = randomBytes(24).toString("base64url");
const FINAL = ["succeeded", "failed", "cancelled", "released"];
/** How long a client keeps retrying one request (a dead owner's key stays locked ~13 s). */
const RETRY_FOR_MS = 45_000;

/** Every answer one request got, oldest first; `error` when none came (refused, cut, timed out). */
interface Answer {
  instance: number;
  status?: number;
  code?: string;
  replayed?: boolean;
  /** The interception's id, on 201. */
  id?: string;
  error?: string;
}

/** One client request: its parcel, its key, and what the instances answered. */
interface Sent {
  carrier: "sf-express" | "jd";
  trackingNumber: string;
  key: string;
  body: JsonBody;
  answers: Answer[];
  /** The last answer's body (the interception, on 201). */
  reply?: JsonBody;
}

describe("three gateway processes on one PostgreSQL database", () => {
  let databaseUrl = "";
  let sandbox: ChildGateway | undefined;
  let balancer: LoadBalancer | undefined;
  let apiKey = "";
  const ports: number[] = [];
  const gateways: (ChildGateway | undefined)[] = [];
  /** Instances that answered /readyz since they were last started (none while stopping). */
  const up = new Set<number>();
  const stamp = `${Date.now() % 100_000_000}`.padStart(8, "0");
  let parcels = 0;

  const start = async (instance: number): Promise<void> => {
    const port = ports[instance] as number;
    const gateway = spawnGateway({
      port,
      databaseUrl,
      sandbox: { url: sandbox?.url ?? "", secret: sandboxSecret },
      adminToken,
      env: {
        // Carriers call back through the load balancer, as in production.
        PUBLIC_URL: balancer?.url ?? "",
        REQUEST_DEADLINE_MS: "1500",
        JOB_LEASE_MS: "4000",
        // JD is polled: first poll soon, then often, so outcomes come within the test.
        POLL_INITIAL_DELAY_MS: "300",
        POLL_MAX_INTERVAL_MS: "600",
        // A push cut off by a SIGKILL is found by this tracking check instead (SF re-sends a
        // push only after a minute).
        POLL_PUSH_FALLBACK_DELAY_MS: "2000",
        // One merchant sends everything: the limits are not what this test is about. The burst
        // is many seconds' worth (100 s): a request measures its bucket with the time it read
        // before waiting for a connection, which on a loaded machine can be a second old.
        RATE_LIMIT_BURST: "100000",
        RATE_LIMIT_PER_SECOND: "1000",
        CARRIER_CALLS_PER_MERCHANT_PER_MINUTE: "1000000",
        DATABASE_POOL_SIZE: "8",
        // Idle instances look for due jobs less often than the single-gateway tests' 50 ms.
        WORKER_INTERVAL_MS: "200",
      },
    });
    gateways[instance] = gateway;
    // tsx compiles the gateway as it starts: on two busy cores that alone can take half a minute.
    await waitReady(gateway, 60_000);
    up.add(instance);
  };

  /** Stops an instance with `signal` and waits for the process to be gone. */
  const stop = async (instance: number, signal: NodeJS.Signals) => {
    up.delete(instance);
    const gateway = gateways[instance];
    await killGateway(gateway, signal);
    return gateway?.exited;
  };

  const urlOf = (instance: number): string => `http://127.0.0.1:${ports[instance]}`;

  /** Outputs of every process, for assertion messages. */
  const outputs = (): string =>
    gateways.map((gateway, index) => `--- gateway ${index}:\n${gateway?.output()}`).join("\n");

  beforeAll(async () => {
    databaseUrl = await freshPostgresDatabase("multi");
    for (let instance = 0; instance < INSTANCES; instance += 1) {
      ports.push(await freePort());
    }
    balancer = await startLoadBalancer(() => ports.filter((_, instance) => up.has(instance)));
    sandbox = spawnSandbox({
      port: await freePort(),
      gatewayUrl: balancer.url,
      secret: sandboxSecret,
    });
    await waitReady(sandbox, 60_000, "/_sandbox/pushes");
    // All three start at once on the empty database: migrations run under an advisory lock.
    await Promise.all(ports.map((_, instance) => start(instance)));

    const merchant = await http(
      "POST",
      `${urlOf(1)}/admin/merchants`,
      { name: "Multi-instance merchant", pickupService: false },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(merchant.status, merchant.text).toBe(201);
    apiKey = merchant.body.apiKey;
    // A carrier a little away, so requests overlap as in production.
    const latency = await http("POST", `${sandbox.url}/_sandbox/latency`, {
      carrier: "sf-express",
      ms: 20,
    });
    expect(latency.status, latency.text).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => killGateway(gateway)));
    await killGateway(sandbox);
    await balancer?.close();
  });

  /** A fresh parcel the carrier will intercept successfully, and the request for it. */
  const newParcel = async (carrier: Sent["carrier"]): Promise<Sent> => {
    parcels += 1;
    const serial = `${stamp}${String(parcels).padStart(5, "0")}`;
    const trackingNumber = carrier === "jd" ? `JDVA${serial.slice(-11)}` : `SF${serial}`;
    const created = await http("POST", `${sandbox?.url}/_sandbox/parcels`, {
      carrier,
      trackingNumber,
      state: "in_transit",
      interceptOutcome: "success",
      outcomeDelayMs: 100,
    });
    expect(created.status, created.text).toBe(201);
    return {
      carrier,
      trackingNumber,
      key: `multi-${trackingNumber}`,
      body: {
        carrier,
        trackingNumber,
        orderId: `ORD-${trackingNumber}`,
        action: "intercept",
        reason: "buyer_cancelled",
        parcel: { declaredValue: { amount: "199.00", currency: "CNY" }, category: "apparel" },
      },
      answers: [],
    };
  };

  const newParcels = (carrier: Sent["carrier"], count: number): Promise<Sent[]> =>
    inBatches(
      Array.from({ length: count }, () => carrier),
      newParcel,
    );

  /** One attempt at one instance; records and returns the answer. */
  const postOnce = async (sent: Sent, instance: number): Promise<Answer> => {
    let answer: Answer;
    try {
      const response = await fetch(`${urlOf(instance)}/v1/interceptions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${apiKey}`,
          "idempotency-key": sent.key,
        },
        body: JSON.stringify(sent.body),
        // Long: a busy machine answers slowly, and an answer that never comes is retried.
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const body = (text ? JSON.parse(text) : {}) as JsonBody;
      sent.reply = body;
      answer = {
        instance,
        status: response.status,
        replayed: response.headers.get("idempotent-replayed") === "true",
        ...(typeof body.code === "string" ? { code: body.code } : {}),
        ...(response.status === 201 ? { id: body.id } : {}),
      };
    } catch (error) {
      answer = { instance, error: String((error as Error).cause ?? error) };
    }
    sent.answers.push(answer);
    return answer;
  };

  /** Whether a client retries after this answer: nothing came, a 5xx, or the key is busy. */
  const retryable = (answer: Answer): boolean =>
    answer.status === undefined ||
    answer.status >= 500 ||
    (answer.status === 409 && answer.code === "request_in_progress");

  /** Sends until an answer is not retryable, moving to the next instance after each one. */
  const send = async (sent: Sent, firstInstance: number): Promise<Answer> => {
    const deadline = Date.now() + RETRY_FOR_MS;
    for (let tries = 0; ; tries += 1) {
      const answer = await postOnce(sent, (firstInstance + tries) % INSTANCES);
      if (!retryable(answer) || Date.now() > deadline) {
        return answer;
      }
      await sleep(answer.status === 409 ? 300 : 100);
    }
  };

  /** A GET from whichever instance is up, trying the others when one does not answer. */
  const read = async (path: string): Promise<JsonBody> => {
    for (let tries = 0; ; tries += 1) {
      const live = [...up];
      const instance = live[tries % Math.max(live.length, 1)] ?? 0;
      try {
        const answer = await http("GET", `${urlOf(instance)}${path}`, undefined, {
          authorization: `Bearer ${apiKey}`,
        });
        expect(answer.status, answer.text).toBe(200);
        return answer.body;
      } catch (error) {
        if (tries >= 10) {
          throw error;
        }
        await sleep(200);
      }
    }
  };

  /** Polls every interception until it is final or `timeoutMs` passes; returns the last reads. */
  const awaitFinal = async (all: Sent[], timeoutMs: number): Promise<Map<string, JsonBody>> => {
    const finals = new Map<string, JsonBody>();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const sent of all) {
        const id = sent.reply?.id;
        if (typeof id === "string" && !FINAL.includes(finals.get(id)?.status)) {
          finals.set(id, await read(`/v1/interceptions/${id}`));
        }
      }
      const open = [...finals.values()].filter((each) => !FINAL.includes(each.status));
      if (open.length === 0 || Date.now() > deadline) {
        return finals;
      }
      await sleep(250);
    }
  };

  /**
   * The invariants of every scenario: each request's last answer is a 201, each interception
   * ends `succeeded`, the carrier served exactly one intercept call for each parcel, and the
   * gateway holds one interception per parcel.
   */
  const expectEachSucceededOnce = async (all: Sent[], finalWithinMs: number): Promise<void> => {
    const summary = (list: Sent[]) =>
      JSON.stringify(
        list.map(({ trackingNumber, key, answers, reply }) => ({
          trackingNumber,
          key,
          id: reply?.id,
          answers,
        })),
      );
    const unanswered = all.filter((sent) => sent.answers.at(-1)?.status !== 201);
    expect(unanswered, `requests whose last answer is not 201: ${summary(unanswered)}`).toEqual([]);

    const finals = await awaitFinal(all, finalWithinMs);
    const notSucceeded = all
      .map((sent) => ({ sent, record: finals.get(sent.reply?.id) }))
      .filter(({ record }) => record?.status !== "succeeded")
      .map(({ sent, record }) => ({
        key: sent.key,
        id: sent.reply?.id,
        status: record?.status,
        events: record?.events,
        answers: sent.answers,
      }));
    expect(
      notSucceeded,
      `interceptions not succeeded:\n${JSON.stringify(notSucceeded)}\n${outputs()}`,
    ).toEqual([]);

    const checked = await inBatches(all, async (sent) => {
      const parcel = await http(
        "GET",
        `${sandbox?.url}/_sandbox/parcels/${sent.carrier}/${sent.trackingNumber}`,
      );
      expect(parcel.status, parcel.text).toBe(200);
      const intercepts = (parcel.body.calls as { operation: string; accepted: boolean }[]).filter(
        (call) => call.operation === "intercept",
      );
      const held = await read(
        `/v1/interceptions?carrier=${sent.carrier}&trackingNumber=${sent.trackingNumber}`,
      );
      return {
        key: sent.key,
        id: sent.reply?.id,
        intercepts,
        held: held.data.map((each: JsonBody) => each.id),
      };
    });
    const carrierViolations = checked
      .filter(({ intercepts }) => intercepts.length !== 1 || intercepts[0]?.accepted !== true)
      .map(({ key, id, intercepts }) => ({ key, id, intercepts }));
    const duplicates = checked
      .filter(({ held }) => held.length !== 1)
      .map(({ key, held }) => ({ key, held }));
    expect(carrierViolations, "parcels without exactly one accepted intercept call").toEqual([]);
    expect(duplicates, "parcels with more than one interception").toEqual([]);
  };

  it("300 intercepts over three instances, one SIGKILLed mid-way: each succeeds once", async () => {
    const all = await newParcels("sf-express", 300);
    const victim = 2;
    let created = 0;
    let next = 0;
    let killed: Promise<unknown> | undefined;
    // 12 requests in flight, spread round-robin; the kill lands on the 100th 201, with requests
    // in flight on the victim (some of them already stored, their carrier call maybe sent).
    const lane = async (): Promise<void> => {
      while (next < all.length) {
        const index = next;
        next += 1;
        const answer = await send(all[index] as Sent, index % INSTANCES);
        if (answer.status === 201) {
          created += 1;
          if (created === 100) {
            killed = stop(victim, "SIGKILL");
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, lane));
    const death = (await killed) as { signal: string | null } | undefined;
    expect(death?.signal, outputs()).toBe("SIGKILL");
    // The kill cut requests short: some were answered by another instance after a retry.
    const movedOn = all.filter((sent) =>
      sent.answers.some((answer) => answer.instance === victim && answer.status === undefined),
    );
    expect(movedOn.length, "requests that met the dead instance").toBeGreaterThan(0);

    try {
      await expectEachSucceededOnce(all, 45_000);
    } finally {
      // The instance comes back on the same database for the next scenarios.
      await start(victim);
    }
  }, 240_000);

  it("the same key sent to two instances at the same moment makes one interception", async () => {
    const all = await newParcels("sf-express", 24);
    // Six pairs at a time: each pair at the same moment, without piling 48 requests onto a busy
    // machine at once.
    const firsts = await inBatches(
      all,
      async (sent) => {
        const index = all.indexOf(sent);
        const [one, two] = [index % INSTANCES, (index + 1) % INSTANCES];
        const answers = await Promise.all([postOnce(sent, one), postOnce(sent, two)]);
        return { sent, answers };
      },
      6,
    );
    // Exactly one of each pair created it; the other was told the key is busy or was given the
    // same answer again.
    const wrong = firsts.filter(
      ({ answers }) =>
        answers.filter((answer) => answer.status === 201 && !answer.replayed).length !== 1 ||
        !answers.every(
          (answer) =>
            answer.status === 201 ||
            (answer.status === 409 && answer.code === "request_in_progress"),
        ),
    );
    expect(wrong, JSON.stringify(wrong.map(({ sent }) => sent))).toEqual([]);
    // The other client, retrying while told the key is busy, is given the same interception.
    const settled = await Promise.all(
      firsts.map(async ({ sent, answers }) => {
        const creator = answers.find((answer) => answer.status === 201 && !answer.replayed);
        const other = answers.find((answer) => answer !== creator) as Answer;
        const last = other.status === 201 ? other : await send(sent, other.instance);
        return { key: sent.key, created: creator?.id, given: last.id, replayed: last.replayed };
      }),
    );
    const split = settled.filter(
      ({ created, given, replayed }) => created === undefined || given !== created || !replayed,
    );
    expect(split, JSON.stringify(settled)).toEqual([]);
    await expectEachSucceededOnce(all, 30_000);
  }, 90_000);

  it("JD parcels, whose outcomes are polled, worked by all instances get one intercept each", async () => {
    const before = await Promise.all(ports.map((_, instance) => jdSucceeded(urlOf(instance))));
    const all = await newParcels("jd", 45);
    await Promise.all(all.map((sent, index) => send(sent, index % INSTANCES)));
    await expectEachSucceededOnce(all, 45_000);
    // Every instance's worker took part: each applied some of the polled outcomes.
    const after = await Promise.all(ports.map((_, instance) => jdSucceeded(urlOf(instance))));
    const polledBy = after.map((count, instance) => count - (before[instance] ?? 0));
    expect(
      polledBy.every((count) => count > 0),
      JSON.stringify(polledBy),
    ).toBe(true);
    expect(polledBy.reduce((sum, count) => sum + count, 0)).toBe(all.length);
  }, 90_000);

  it("a rolling restart under load (SIGTERM one instance at a time) loses nothing", async () => {
    const all: Sent[] = [];
    let loading = true;
    // Three clients, each sending one intercept after another to the instances in turn.
    const client = async (lane: number): Promise<void> => {
      for (let round = 0; loading; round += 1) {
        const sent = await newParcel("sf-express");
        all.push(sent);
        await send(sent, (lane + round) % INSTANCES);
        await sleep(50);
      }
    };
    const clients = [0, 1, 2].map(client);
    const exits: JsonBody[] = [];
    await sleep(500);
    for (let instance = 0; instance < INSTANCES; instance += 1) {
      const sentBefore = all.length;
      exits.push({ instance, ...(await stop(instance, "SIGTERM")) });
      await start(instance);
      // Load keeps reaching the restarted instance before the next one goes.
      while (all.length < sentBefore + 20) {
        await sleep(50);
      }
    }
    loading = false;

    await Promise.all(clients);
    // Each instance drained and exited by itself.
    expect(exits, outputs()).toEqual(
      ports.map((_, instance) => ({ instance, code: 0, signal: null })),
    );
    // The restarts were felt: some requests met an instance that was stopping or down, and were
    // sent again. A 5xx or a cut connection is fine only where a retry then got the 201 (the
    // last answer of every request is checked below).
    const retried = all.filter((sent) => sent.answers.length > 1);
    expect(retried.length, `${all.length} requests, none retried`).toBeGreaterThan(0);
    await expectEachSucceededOnce(all, 45_000);
  }, 180_000);
});

/** This instance's count of JD interceptions it moved to `succeeded` (gateway_interceptions_total). */
async function jdSucceeded(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`);
  const text = await response.text();
  const line = text
    .split("\n")
    .find(
      (each) =>
        each.startsWith("gateway_interceptions_total{") &&
        each.includes('carrier="jd"') &&
        each.includes('status="succeeded"'),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

/** Maps `items` through `each`, `size` at a time, keeping their order. */
async function inBatches<T, R>(items: T[], each: (item: T) => Promise<R>, size = 10): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += size) {
    results.push(...(await Promise.all(items.slice(index, index + size).map(each))));
  }
  return results;
}
