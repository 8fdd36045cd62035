/**
 * Crash test (reliability.md "Durability and crash recovery" 8–10): the gateway runs as a child
 * process; a stream of intercepts is cut by SIGKILL mid-stream; the gateway restarts on the same
 * database and port. Then:
 * - every request answered 201 reaches a terminal state, and as every parcel is one the carrier
 *   intercepts, that state is `succeeded` (the job left by the dead process is leased again once
 *   its lease expires, asks the carrier first, and runs with the same carrier reference);
 * - the carrier received at most one intercept call per parcel, repeats included: a job whose
 *   holder died is asked about (tracking) before anything is sent again;
 * - a request never answered, retried with the same Idempotency-Key and body, gets 201 and does
 *   not cause a second carrier call.
 * The sandboxes run in this process, so they outlive the gateway and keep what SF received.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { freePort, http, type JsonBody } from "../integration/loopback.ts";
import { type ChildGateway, killGateway, sleep, spawnGateway, waitReady } from "./child-gateway.ts";

const adminToken = "crash-test-admin-token-0123456";
const REQUESTS = 40;
const CONCURRENCY = 4;
/** SIGKILL as soon as this many 201s have arrived (others are in flight at that moment). */
const KILL_AFTER_CREATED = 10;
const TERMINAL = ["succeeded", "failed", "cancelled"];

interface Attempt {
  index: number;
  trackingNumber: string;
  key: string;
  body: JsonBody;
  /** The first attempt's answer; absent when the connection died first. */
  status?: number;
  reply?: JsonBody;
  error?: string;
  /** The client's retry after the restart (only for requests never answered). */
  retry?: { status: number; reply: JsonBody; replayed: boolean; tries: number };
}

interface SandboxCall {
  operation: string;
  body?: { cusId?: string };
}

function requestFor(trackingNumber: string): JsonBody {
  return {
    carrier: "sf-express",
    trackingNumber,
    orderId: `ORD-${trackingNumber}`,
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: { declaredValue: { amount: "299.00", currency: "CNY" }, category: "apparel" },
  };
}

async function postIntercept(
  gatewayUrl: string,
  apiKey: string,
  attempt: Attempt,
): Promise<{ status: number; reply: JsonBody; replayed: boolean }> {
  const response = await fetch(`${gatewayUrl}/v1/interceptions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${apiKey}`,
      "idempotency-key": attempt.key,
    },
    body: JSON.stringify(attempt.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return {
    status: response.status,
    reply: (text ? JSON.parse(text) : {}) as JsonBody,
    replayed: response.headers.get("idempotent-replayed") === "true",
  };
}

describe("crash recovery: SIGKILL mid-stream, restart on the same database", () => {
  let sandbox: RunningSandbox | undefined;
  let gateway: ChildGateway | undefined;
  const directory = mkdtempSync(join(tmpdir(), "gateway-crash-"));

  afterAll(async () => {
    await killGateway(gateway);
    await sandbox?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("every 201 ends terminal, the carrier sees one intercept per parcel, retries are safe", async () => {
    sandbox = await startSandbox({ port: 0 });
    const sandboxUrl = sandbox.url;
    const port = await freePort();
    const start = (): ChildGateway =>
      spawnGateway({
        port,
        databasePath: join(directory, "gateway.db"),
        sandboxUrl,
        adminToken,
        // A short request deadline keeps a dead owner's idempotency lock short (2 × + 10 s);
        // quick polls let any poll-based reconciliation finish within the test.
        env: {
          REQUEST_DEADLINE_MS: "1500",
          POLL_INITIAL_DELAY_MS: "200",
          POLL_MAX_INTERVAL_MS: "500",
          POLL_PUSH_FALLBACK_DELAY_MS: "300",
          // One merchant key sends the whole stream and its retries.
          RATE_LIMIT_BURST: "10000",
          RATE_LIMIT_PER_SECOND: "10000",
        },
      });

    gateway = start();
    await waitReady(gateway);
    Object.assign(sandbox.world.pushUrls, sandboxPushUrls(gateway.url));
    const latency = await http("POST", `${sandboxUrl}/_sandbox/latency`, {
      carrier: "sf-express",
      ms: 30,
    });
    expect(latency.status, latency.text).toBe(200);

    const merchant = await http(
      "POST",
      `${gateway.url}/admin/merchants`,
      { name: "Crash merchant", pickupService: false },
      { authorization: `Bearer ${adminToken}` },
    );
    expect(merchant.status, merchant.text).toBe(201);
    const apiKey: string = merchant.body.apiKey;

    const stamp = `${Date.now() % 10_000_000}`.padStart(7, "0");
    const attempts: Attempt[] = [];
    for (let index = 0; index < REQUESTS; index += 1) {
      const trackingNumber = `SF${stamp}${String(index).padStart(6, "0")}`;
      const parcel = await http("POST", `${sandboxUrl}/_sandbox/parcels`, {
        carrier: "sf-express",
        trackingNumber,
        state: "in_transit",
        interceptOutcome: "success",
        outcomeDelayMs: 100,
      });
      expect(parcel.status, parcel.text).toBe(201);
      attempts.push({
        index,
        trackingNumber,
        key: `crash-${stamp}-${index}`,
        body: requestFor(trackingNumber),
      });
    }

    // The stream: CONCURRENCY requests in flight at all times; SIGKILL lands on the
    // KILL_AFTER_CREATED-th 201, with the others still in flight. Nothing is sent after it.
    const first = gateway;
    let created = 0;
    let killed = false;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (!killed && next < attempts.length) {
        const attempt = attempts[next] as Attempt;
        next += 1;
        try {
          const answer = await postIntercept(first.url, apiKey, attempt);
          attempt.status = answer.status;
          attempt.reply = answer.reply;
          if (answer.status === 201) {
            created += 1;
            if (created >= KILL_AFTER_CREATED && !killed) {
              killed = true;
              first.child.kill("SIGKILL");
            }
          }
        } catch (error) {
          attempt.error = String((error as Error).cause ?? error);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    const death = await first.exited;
    expect(death.signal, JSON.stringify(death)).toBe("SIGKILL");

    const answered = attempts.filter((attempt) => attempt.status !== undefined);
    const unanswered = attempts.filter((attempt) => attempt.status === undefined);
    const summary = () =>
      JSON.stringify(
        attempts.map(({ index, trackingNumber, key, status, reply, error, retry }) => ({
          index,
          trackingNumber,
          key,
          status,
          id: reply?.id,
          firstStatus: reply?.status,
          error,
          retry: retry && {
            status: retry.status,
            id: retry.reply.id,
            replayed: retry.replayed,
            tries: retry.tries,
          },
        })),
        null,
        1,
      );
    // Every answer before the kill was a 201 (anything else is a bug the crash did not cause).
    expect(
      answered.every((attempt) => attempt.status === 201),
      summary(),
    ).toBe(true);
    expect(answered.length, summary()).toBeGreaterThanOrEqual(KILL_AFTER_CREATED);
    // The kill landed mid-stream: some requests were in flight or never sent.
    expect(unanswered.length, summary()).toBeGreaterThan(0);

    // Restart on the same database and port.
    gateway = start();
    await waitReady(gateway);
    const second = gateway;

    // The client retries every request that got no answer, same key and body. A key whose
    // owner died may still be locked for a while: 409 request_in_progress means retry later.
    const retryDeadline = Date.now() + 30_000;
    await Promise.all(
      unanswered.map(async (attempt) => {
        for (let tries = 1; ; tries += 1) {
          let answer: { status: number; reply: JsonBody; replayed: boolean } | undefined;
          try {
            answer = await postIntercept(second.url, apiKey, attempt);
          } catch (error) {
            attempt.error = `${attempt.error ?? ""} | retry ${tries}: ${String(error)}`;
          }
          if (answer && answer.status !== 409) {
            attempt.retry = { ...answer, tries };
            return;
          }
          if (Date.now() > retryDeadline) {
            if (answer) {
              attempt.retry = { ...answer, tries };
            }
            return;
          }
          await sleep(250);
        }
      }),
    );
    for (const attempt of unanswered) {
      expect(attempt.retry?.status, `retry of ${attempt.key}: ${summary()}`).toBe(201);
    }

    // Every interception answered 201 (before the kill or on retry) reaches a terminal state.
    const ids = attempts.map((attempt) => ({
      attempt,
      id: (attempt.reply?.id ?? attempt.retry?.reply.id) as string | undefined,
    }));
    expect(
      ids.every(({ id }) => typeof id === "string"),
      summary(),
    ).toBe(true);
    const finals = new Map<string, JsonBody>();
    const terminalDeadline = Date.now() + 15_000;
    for (;;) {
      for (const { id } of ids) {
        const key = id as string;
        if (TERMINAL.includes(finals.get(key)?.status)) {
          continue;
        }
        const read = await http("GET", `${second.url}/v1/interceptions/${key}`, undefined, {
          authorization: `Bearer ${apiKey}`,
        });
        expect(read.status, read.text).toBe(200);
        finals.set(key, read.body);
      }
      const open = [...finals.values()].filter((each) => !TERMINAL.includes(each.status));
      if (open.length === 0 || Date.now() > terminalDeadline) {
        break;
      }
      await sleep(200);
    }
    const notTerminal = ids
      .map(({ attempt, id }) => ({ attempt, record: finals.get(id as string) }))
      .filter(({ record }) => !TERMINAL.includes(record?.status));
    // The sandbox pushes each outcome once; a push that hit the dead gateway is listed with its
    // transport error, so a stuck `submitted` here shows whether its only push was lost.
    const pushes = await http("GET", `${sandboxUrl}/_sandbox/pushes`);
    const notSucceeded = ids
      .map(({ attempt, id }) => ({ key: attempt.key, status: finals.get(id as string)?.status }))
      .filter(({ status }) => TERMINAL.includes(status) && status !== "succeeded");
    expect
      .soft(notSucceeded, `every parcel could be intercepted; all attempts: ${summary()}`)
      .toEqual([]);
    expect
      .soft(
        notTerminal.map(({ attempt, record }) => ({
          key: attempt.key,
          trackingNumber: attempt.trackingNumber,
          answeredBeforeKill: attempt.status === 201,
          record,
          pushes: (pushes.body.pushes as JsonBody[]).filter(
            (push) => push.trackingNumber === attempt.trackingNumber,
          ),
        })),
        `interceptions answered 201 that never became terminal; all attempts: ${summary()}`,
      )
      .toEqual([]);

    // What SF received: at most one intercept call per parcel, repeats included, carrying the
    // interception's id as its reference.
    const carrierViolations: JsonBody[] = [];
    for (const { attempt, id } of ids) {
      const seen = await http(
        "GET",
        `${sandboxUrl}/_sandbox/parcels/sf-express/${attempt.trackingNumber}`,
      );
      expect(seen.status, seen.text).toBe(200);
      const calls = (seen.body.calls as SandboxCall[]).filter(
        (call) => call.operation === "intercept",
      );
      const final = finals.get(id as string);
      const ok =
        calls.length <= 1 &&
        calls.every((call) => call.body?.cusId === id) &&
        (final?.status !== "succeeded" || calls.length === 1);
      if (!ok) {
        carrierViolations.push({ key: attempt.key, id, final: final?.status, calls });
      }
    }
    expect
      .soft(carrierViolations, `carrier calls per parcel; all attempts: ${summary()}`)
      .toEqual([]);

    // The gateway holds exactly one interception per parcel (no duplicate from a retry).
    for (const attempt of attempts) {
      const list = await http(
        "GET",
        `${second.url}/v1/interceptions?trackingNumber=${attempt.trackingNumber}`,
        undefined,
        { authorization: `Bearer ${apiKey}` },
      );
      expect(list.status, list.text).toBe(200);
      expect.soft(list.body.data, `${attempt.key}: ${list.text}`).toHaveLength(1);
    }
  }, 60_000);
});
