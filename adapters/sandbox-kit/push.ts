/**
 * How a sandbox delivers a push: like a real carrier, it re-sends a push its receiver did not
 * acknowledge, a bounded number of times. What counts as an acknowledgement and when to try
 * again are each carrier's own (its `PushRetryPolicy`, declared in its sandbox.ts); the attempts
 * are listed in `world.pushes` (`GET /_sandbox/pushes`).
 */
import type { z } from "zod";
import type { CarrierId } from "../../contracts/carrier-adapter.ts";
import type { PushAttempt, PushReply, SandboxPushRecord, World } from "./world.ts";

/** One carrier's push protocol, as data: when it re-sends and what stops it. */
export interface PushRetryPolicy {
  /**
   * Waits before each re-send of an unacknowledged push, counted from the attempt before; their
   * number bounds the re-sends.
   */
  retryDelaysMs: readonly number[];
  /** Whether the receiver's answer acknowledges the push in this carrier's protocol. */
  acknowledged(reply: PushReply): boolean;
}

/** One push as the carrier sends it. */
export interface RenderedPush {
  contentType: string;
  body: string;
  /** Where to send it; absent: the carrier's registered push URL (`world.pushUrls`). */
  url?: string;
  /** Extra headers the carrier sends with its push (e.g. UPS's `x-api-key`). */
  headers?: Record<string, string>;
  retry: PushRetryPolicy;
}

/** Pushes kept in `world.pushes`. */
const maxPushLog = 1_000;

/**
 * Sends a push, then re-sends it on the carrier's schedule until the receiver acknowledges it or
 * the schedule runs out. Each attempt is rendered afresh, as a carrier signs each request it
 * sends; `render` answers null for a carrier that pushes nothing. A re-send is a timer in
 * `world.timers`, so a reset or the sandbox's close cancels it. Never throws: a transport error
 * is an attempt that was not acknowledged.
 */
export function deliverPush(
  world: World,
  push: { carrier: CarrierId; trackingNumber: string },
  render: () => RenderedPush | null,
): void {
  let record: SandboxPushRecord | undefined;

  const attempt = async (): Promise<void> => {
    const send = world.sendPush;
    const rendered = render();
    const url = rendered?.url ?? world.pushUrls[push.carrier];
    if (send === null || rendered === null || url === undefined) {
      // The sandbox closed, the carrier pushes nothing, or nobody registered where it pushes.
      return;
    }
    const at = new Date().toISOString();
    const outcome = await send({
      url,
      contentType: rendered.contentType,
      body: rendered.body,
      ...(rendered.headers ? { headers: rendered.headers } : {}),
    }).then(
      (reply): PushAttempt => ({
        at,
        result: reply.status,
        acknowledged: rendered.retry.acknowledged(reply),
      }),
      (error: unknown): PushAttempt => ({
        at,
        result: error instanceof Error ? error.message : String(error),
        acknowledged: false,
      }),
    );
    if (record === undefined) {
      record = {
        carrier: push.carrier,
        trackingNumber: push.trackingNumber,
        url,
        at,
        result: outcome.result,
        acknowledged: outcome.acknowledged,
        attempts: [outcome],
        nextAttemptAt: null,
      };
      world.pushes.push(record);
      // A log for tests and people, not an archive: long runs (benchmarks) keep the latest.
      if (world.pushes.length > maxPushLog) {
        world.pushes.splice(0, world.pushes.length - maxPushLog);
      }
    } else {
      record.attempts.push(outcome);
      record.url = url;
      record.result = outcome.result;
      record.acknowledged = outcome.acknowledged;
      record.nextAttemptAt = null;
    }
    const delay = rendered.retry.retryDelaysMs[record.attempts.length - 1];
    if (outcome.acknowledged || delay === undefined || world.sendPush === null) {
      return;
    }
    record.nextAttemptAt = new Date(Date.now() + delay).toISOString();
    const timer = setTimeout(() => {
      world.timers.delete(timer);
      void attempt();
    }, delay);
    timer.unref();
    world.timers.add(timer);
  };

  void attempt();
}

/**
 * The acknowledgement test of a carrier whose receiver answers JSON: HTTP 200 and a body that
 * `schema` accepts (the fields that say "received").
 */
export function jsonAcknowledgement(schema: z.ZodType): PushRetryPolicy["acknowledged"] {
  return (reply) => {
    if (reply.status !== 200) {
      return false;
    }
    try {
      return schema.safeParse(JSON.parse(reply.body)).success;
    } catch {
      return false;
    }
  };
}
