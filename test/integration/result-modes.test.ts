/**
 * One interception through each way a carrier answers, to `succeeded` and to `failed`, on the
 * real server and sandboxes over loopback:
 * - reply, then push (SF Express): the reply accepts, a route push decides;
 * - callback only (Kuaidi100, Cainiao): the result arrives by a signed callback;
 * - polling (JD, UPS without Track Alert): the worker polls until the carrier decides;
 * - an immediate refusal: the carrier's own reply fails the interception at once;
 * - pickup cancel (ZTO): a parcel not collected is locked and its pickup cancelled;
 * - ZTO routed through Kuaidi100 for a collected parcel.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSandbox, startSandbox } from "../../adapters/sandbox-kit/server.ts";
import { getParcel } from "../../adapters/sandbox-kit/world.ts";
import { sandboxPushUrls } from "../../src/carriers/modules.ts";
import { loadConfig } from "../../src/config.ts";
import { type RunningGateway, startGateway } from "../../src/server.ts";
import { eventually, freePort, http } from "./loopback.ts";

const adminToken = "result-modes-admin-token-0123";

interface Running {
  sandbox: RunningSandbox;
  gateway: RunningGateway;
  apiKey: string;
  directory: string;
}

async function startAll(extraEnv: Record<string, string> = {}): Promise<Running> {
  const directory = mkdtempSync(join(tmpdir(), "gateway-modes-"));
  const sandbox = await startSandbox({ port: 0 });
  const port = await freePort();
  const config = loadConfig({
    GATEWAY_PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `file:${join(directory, "gateway.db")}`,
    ADMIN_TOKEN: adminToken,
    LOG_LEVEL: "error",
    WORKER_INTERVAL_MS: "25",
    POLL_INITIAL_DELAY_MS: "50",
    POLL_MAX_INTERVAL_MS: "100",
    CARRIER_RETRY_MIN_DELAY_MS: "10",
    CARRIER_RETRY_MAX_DELAY_MS: "50",
    ...extraEnv,
  });
  const gateway = await startGateway(config, sandbox);
  Object.assign(sandbox.world.pushUrls, sandboxPushUrls(gateway.url, sandbox.secret));
  const merchant = await http(
    "POST",
    `${gateway.url}/admin/merchants`,
    { name: "Modes merchant", pickupService: false },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(merchant.status, merchant.text).toBe(201);
  return { sandbox, gateway, apiKey: merchant.body.apiKey, directory };
}

async function stopAll(running: Running | undefined): Promise<void> {
  await running?.gateway.close();
  await running?.sandbox.close();
  if (running) {
    rmSync(running.directory, { recursive: true, force: true });
  }
}

let sequence = 0;
/** A fresh tracking number in each carrier's format. */
function trackingNumberFor(carrier: string): string {
  sequence += 1;
  const digits = `${Date.now() % 10_000_000}${String(sequence).padStart(5, "0")}`;
  switch (carrier) {
    case "ups":
      return `1Z${digits.padStart(16, "0")}`;
    case "jd":
      return `JDVA${digits.padStart(11, "0")}`;
    case "zto":
      return `7310${digits.padStart(10, "0")}`;
    case "sf-express":
      return `SF${digits.padStart(13, "0")}`;
    default:
      return `YT${digits.padStart(13, "0")}`;
  }
}

function requestFor(carrier: string, trackingNumber: string) {
  const usd = carrier === "ups";
  return {
    carrier,
    trackingNumber,
    orderId: `ORD-${trackingNumber}`,
    action: "intercept",
    reason: "buyer_cancelled",
    parcel: {
      declaredValue: { amount: usd ? "80.00" : "299.00", currency: usd ? "USD" : "CNY" },
      category: "apparel",
    },
  };
}

async function parcel(
  running: Running,
  carrier: string,
  state: string,
  interceptOutcome: "success" | "failure",
) {
  const trackingNumber = trackingNumberFor(carrier);
  const created = await http("POST", `${running.sandbox.url}/_sandbox/parcels`, {
    carrier,
    trackingNumber,
    state,
    interceptOutcome,
    outcomeDelayMs: 50,
  });
  expect(created.status, created.text).toBe(201);
  return trackingNumber;
}

async function intercept(running: Running, carrier: string, trackingNumber: string) {
  return http(
    "POST",
    `${running.gateway.url}/v1/interceptions`,
    requestFor(carrier, trackingNumber),
    {
      authorization: `Bearer ${running.apiKey}`,
      "idempotency-key": `modes-${carrier}-${trackingNumber}`,
    },
  );
}

async function settled(running: Running, id: string) {
  return eventually(
    () =>
      http("GET", `${running.gateway.url}/v1/interceptions/${id}`, undefined, {
        authorization: `Bearer ${running.apiKey}`,
      }),
    (reply) => ["succeeded", "failed", "cancelled"].includes(reply.body.status),
  );
}

describe("each result mode, to succeeded and to failed", () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startAll();
  });
  afterAll(async () => {
    await stopAll(running);
  });

  const modes = [
    { carrier: "sf-express", mode: "reply, then push" },
    { carrier: "kuaidi100", mode: "callback" },
    { carrier: "cainiao", mode: "callback" },
    { carrier: "jd", mode: "polling" },
    { carrier: "ups", mode: "polling" },
  ];
  for (const { carrier, mode } of modes) {
    for (const [interceptOutcome, expected] of [
      ["success", "succeeded"],
      ["failure", "failed"],
    ] as const) {
      it(`${carrier} (${mode}) → ${expected}`, async () => {
        const target = running as Running;
        const trackingNumber = await parcel(target, carrier, "in_transit", interceptOutcome);
        const created = await intercept(target, carrier, trackingNumber);
        expect(created.status, created.text).toBe(201);
        // The carrier decides 50 ms after accepting: on a loaded machine the worker may already
        // have polled (or the push come) before the answer was sent, and the 201 says so.
        expect(["submitted", "pending", expected], created.text).toContain(created.body.status);
        const outcome = await settled(target, created.body.id);
        expect(outcome.body.status, outcome.text).toBe(expected);
        if (expected === "failed") {
          expect(outcome.body.failure.advice, outcome.text).toMatch(/refuse delivery/);
        }
        const seen = await http(
          "GET",
          `${target.sandbox.url}/_sandbox/parcels/${carrier}/${trackingNumber}`,
        );
        const accepted = seen.body.calls.filter(
          (call: { operation: string; accepted?: boolean; repeat?: boolean }) =>
            call.operation === "intercept" && call.accepted !== false && call.repeat !== true,
        );
        expect(accepted, seen.text).toHaveLength(1);
      });
    }
  }

  it("immediate refusal: the carrier's own reply fails the interception at once", async () => {
    const target = running as Running;
    // The merchant already intercepted this parcel in the carrier's own portal: the gateway sees
    // it in transit, but the carrier holds an interception and refuses another.
    const trackingNumber = await parcel(target, "cainiao", "in_transit", "success");
    const held = getParcel(target.sandbox.world, "cainiao", trackingNumber);
    held?.instructions.push({
      id: "portal-1",
      kind: "intercept",
      status: "accepted",
      createdAt: new Date().toISOString(),
    });

    const created = await intercept(target, "cainiao", trackingNumber);
    expect(created.status, created.text).toBe(201);
    expect(created.body, created.text).toMatchObject({
      status: "failed",
      failure: { code: "carrier_already_intercepted" },
    });
  });

  it("pickup cancel: a ZTO parcel not collected is locked and its pickup cancelled at ZTO", async () => {
    const target = running as Running;
    const trackingNumber = await parcel(target, "zto", "not_collected", "success");
    const created = await intercept(target, "zto", trackingNumber);
    expect(created.body, created.text).toMatchObject({ status: "locked" });
    expect(created.body.events.at(-1).detail).toContain("Pickup cancelled");
    const seen = await http("GET", `${target.sandbox.url}/_sandbox/parcels/zto/${trackingNumber}`);
    expect(
      seen.body.calls.map((call: { operation: string }) => call.operation),
      seen.text,
    ).toEqual(["track", "cancel"]);
  });

  it("a collected ZTO parcel is refused with action_not_supported when ZTO is not routed", async () => {
    const target = running as Running;
    const trackingNumber = await parcel(target, "zto", "in_transit", "success");
    const refused = await intercept(target, "zto", trackingNumber);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.reasons).toEqual([
      expect.objectContaining({ code: "action_not_supported" }),
    ]);
  });

  it("lists every carrier with its capabilities and circuit state", async () => {
    const target = running as Running;
    const listed = await http("GET", `${target.gateway.url}/v1/carriers`, undefined, {
      authorization: `Bearer ${target.apiKey}`,
    });
    const byId = Object.fromEntries(
      listed.body.data.map((carrier: { id: string }) => [carrier.id, carrier]),
    );
    expect(Object.keys(byId).sort()).toEqual([
      "cainiao",
      "jd",
      "kuaidi100",
      "sf-express",
      "ups",
      "zto",
    ]);
    expect(byId.jd.capabilities).toMatchObject({ outcome: "poll", pickupCancel: true });
    expect(byId.zto).toMatchObject({ actions: [], capabilities: { pickupCancel: true } });
    expect(byId.kuaidi100.capabilities.outcome).toBe("push");
    expect(byId.ups.rules.countries).toEqual(["US", "PR"]);
  });
});

describe("ZTO routed through Kuaidi100", () => {
  let running: Running | undefined;
  beforeAll(async () => {
    running = await startAll({ ZTO_VIA_KUAIDI100: "true" });
  });
  afterAll(async () => {
    await stopAll(running);
  });

  it("intercepts a collected ZTO parcel through Kuaidi100 and takes the result by callback", async () => {
    const target = running as Running;
    const trackingNumber = await parcel(target, "zto", "in_transit", "success");
    const created = await intercept(target, "zto", trackingNumber);
    expect(created.body.status, created.text).toBe("submitted");
    const outcome = await settled(target, created.body.id);
    expect(outcome.body.status, outcome.text).toBe("succeeded");
    const seen = await http("GET", `${target.sandbox.url}/_sandbox/parcels/zto/${trackingNumber}`);
    expect(
      seen.body.calls.map((call: { operation: string }) => call.operation),
      seen.text,
    ).toContain("intercept");
  });
});
