/**
 * Push re-sends (push.ts): a sandbox re-sends an unacknowledged push on its carrier's schedule,
 * stops at the first acknowledgement or when the schedule runs out, and lists every attempt.
 * The clock is vitest's fake one and the receiver a scripted `sendPush`, so the carriers' real
 * schedules (minutes apart) run in no time. Each push carrier's acknowledgement test accepts the
 * answer the gateway's adapter gives and refuses that carrier's "not received".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CUT_NOTIFY_ACK } from "../cainiao/mapping.ts";
import { CAINIAO_PUSH_RETRY } from "../cainiao/sandbox.ts";
import { KUAIDI100_CALLBACK_ACK } from "../kuaidi100/mapping.ts";
import { KUAIDI100_PUSH_RETRY } from "../kuaidi100/sandbox.ts";
import { SF_CARRIER, sfMsgDigest } from "../sf-express/client.ts";
import { SF_PUSH_ACK } from "../sf-express/mapping.ts";
import {
  createSfExpressSandbox,
  SF_PUSH_RETRY,
  SF_SANDBOX_CHECKWORD,
  SF_SANDBOX_PARTNER_ID,
} from "../sf-express/sandbox.ts";
import { UPS_PUSH_RETRY } from "../ups/sandbox.ts";
import { deliverPush, type PushRetryPolicy } from "./push.ts";
import { createWorld, type PushReply, putParcel, resetWorld, type World } from "./world.ts";

const PUSH_URL = "http://127.0.0.1:9/v1/carriers/sf-express/callbacks?token=t";
const refused = (): Promise<PushReply> => Promise.reject(new Error("connect ECONNREFUSED"));
const answer = (body: unknown, status = 200): Promise<PushReply> =>
  Promise.resolve({ status, body: JSON.stringify(body) });

/** Minutes after the fake clock's start, as ISO text. */
const T0 = Date.parse("2026-12-01T08:00:00.000Z");
const minutes = (n: number): string => new Date(T0 + n * 60_000).toISOString();

describe("deliverPush", () => {
  let world: World;
  const policy: PushRetryPolicy = {
    retryDelaysMs: [60_000, 5 * 60_000],
    acknowledged: (reply) => reply.status === 200 && reply.body === '"ok"',
  };

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    world = createWorld({ "sf-express": PUSH_URL });
  });

  afterEach(() => {
    resetWorld(world);
    vi.useRealTimers();
  });

  it("re-sends on the schedule until acknowledged, listing every attempt", async () => {
    const send = vi
      .fn<NonNullable<World["sendPush"]>>()
      .mockImplementationOnce(refused)
      .mockImplementationOnce(() => answer("busy", 503))
      .mockImplementationOnce(() => answer("ok"));
    world.sendPush = send;
    let renders = 0;
    deliverPush(world, { carrier: "sf-express", trackingNumber: "SF1" }, () => {
      renders += 1;
      return { contentType: "application/json", body: `push ${renders}`, retry: policy };
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(world.pushes).toMatchObject([
      {
        trackingNumber: "SF1",
        url: PUSH_URL,
        at: minutes(0),
        result: "connect ECONNREFUSED",
        acknowledged: false,
        nextAttemptAt: minutes(1),
      },
    ]);

    await vi.advanceTimersByTimeAsync(60_000 - 1);
    expect(send, "not before its delay").toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(send).toHaveBeenCalledTimes(3);
    // Each attempt is rendered again (a carrier signs each request it sends).
    expect(send.mock.calls.map(([push]) => push.body)).toEqual(["push 1", "push 2", "push 3"]);
    expect(world.pushes).toEqual([
      {
        carrier: "sf-express",
        trackingNumber: "SF1",
        url: PUSH_URL,
        at: minutes(0),
        result: 200,
        acknowledged: true,
        nextAttemptAt: null,
        attempts: [
          { at: minutes(0), result: "connect ECONNREFUSED", acknowledged: false },
          { at: minutes(1), result: 503, acknowledged: false },
          { at: minutes(6), result: 200, acknowledged: true },
        ],
      },
    ]);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(send, "nothing after the acknowledgement").toHaveBeenCalledTimes(3);
  });

  it("gives up when the schedule runs out", async () => {
    const send = vi.fn<NonNullable<World["sendPush"]>>().mockImplementation(refused);
    world.sendPush = send;
    deliverPush(world, { carrier: "sf-express", trackingNumber: "SF1" }, () => ({
      contentType: "application/json",
      body: "{}",
      retry: policy,
    }));
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(send).toHaveBeenCalledTimes(1 + policy.retryDelaysMs.length);
    expect(world.pushes[0]).toMatchObject({ acknowledged: false, nextAttemptAt: null });
    expect(world.timers.size).toBe(0);
  });

  it("stops re-sending once the world is reset", async () => {
    const send = vi.fn<NonNullable<World["sendPush"]>>().mockImplementation(refused);
    world.sendPush = send;
    deliverPush(world, { carrier: "sf-express", trackingNumber: "SF1" }, () => ({
      contentType: "application/json",
      body: "{}",
      retry: policy,
    }));
    await vi.advanceTimersByTimeAsync(0);
    resetWorld(world);
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("re-sends an SF route push the receiver answered with return_code 1000", async () => {
    const send = vi
      .fn<NonNullable<World["sendPush"]>>()
      .mockImplementationOnce(() => answer({ return_code: "1000", return_msg: "失败" }))
      .mockImplementationOnce(() => answer(SF_PUSH_ACK));
    world.sendPush = send;
    const trackingNumber = "SF1234567890123";
    putParcel(world, { carrier: SF_CARRIER, trackingNumber, state: "in_transit" });
    const msgData = JSON.stringify({
      waybillNo: trackingNumber,
      serviceCode: "2",
      role: "1",
      payMode: "3",
      monthlyCardNo: "7551234567",
      cusId: "icp_1",
    });
    const timestamp = String(Date.now());
    const form = new URLSearchParams({
      partnerID: SF_SANDBOX_PARTNER_ID,
      requestID: "req-1",
      serviceCode: "EXP_RECE_WANTED_INTERCEPT",
      timestamp,
      msgDigest: sfMsgDigest(msgData, timestamp, SF_SANDBOX_CHECKWORD),
      msgData,
    });
    const accepted = await createSfExpressSandbox(world).request("/std/service", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    expect(await accepted.text()).toContain('\\"success\\":true');

    await vi.advanceTimersByTimeAsync(200);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(SF_PUSH_RETRY.retryDelaysMs[0] ?? 0);
    expect(send).toHaveBeenCalledTimes(2);
    const push = send.mock.calls[1]?.[0];
    expect(push?.url).toBe(PUSH_URL);
    expect(JSON.parse(push?.body ?? "{}").Body.WaybillRoute[0].mailno).toBe(trackingNumber);
    expect(world.pushes[0]?.attempts.map((attempt) => attempt.acknowledged)).toEqual([false, true]);
  });
});

/**
 * Per push carrier: the gateway's own answer (its adapter's acknowledgement) stops the re-sends;
 * a refusal (401 problem+json), a server error and the carrier's own "not received" do not.
 */
const carriers: {
  carrier: string;
  policy: PushRetryPolicy;
  gatewayAnswer: unknown;
  notReceived: unknown;
}[] = [
  {
    carrier: "sf-express",
    policy: SF_PUSH_RETRY,
    gatewayAnswer: SF_PUSH_ACK,
    notReceived: { return_code: "1000", return_msg: "失败" },
  },
  {
    carrier: "kuaidi100",
    policy: KUAIDI100_PUSH_RETRY,
    gatewayAnswer: KUAIDI100_CALLBACK_ACK,
    notReceived: { result: false, returnCode: "500", message: "失败" },
  },
  {
    carrier: "cainiao",
    policy: CAINIAO_PUSH_RETRY,
    gatewayAnswer: CUT_NOTIFY_ACK,
    notReceived: {
      logistics_express_delivery_cut_notify_response: { suc: false, retry: true },
    },
  },
  {
    carrier: "ups",
    policy: UPS_PUSH_RETRY,
    gatewayAnswer: {},
    notReceived: null,
  },
];

describe.each(carriers)(
  "$carrier push acknowledgement",
  ({ policy, gatewayAnswer, notReceived }) => {
    const reply = (body: unknown, status = 200): PushReply => ({
      status,
      body: JSON.stringify(body),
    });

    it("accepts the gateway's answer and nothing less", () => {
      expect(policy.acknowledged(reply(gatewayAnswer))).toBe(true);
      expect(policy.acknowledged(reply({ code: "unauthorized" }, 401))).toBe(false);
      expect(policy.acknowledged(reply(gatewayAnswer, 500))).toBe(false);
      if (notReceived !== null) {
        expect(policy.acknowledged(reply(notReceived))).toBe(false);
        expect(policy.acknowledged({ status: 200, body: "<html>" })).toBe(false);
      }
    });

    it("re-sends a bounded number of times, minutes apart", () => {
      expect(policy.retryDelaysMs.length).toBeGreaterThan(0);
      expect(policy.retryDelaysMs.length).toBeLessThanOrEqual(5);
      expect(Math.min(...policy.retryDelaysMs)).toBeGreaterThanOrEqual(60_000);
    });
  },
);
