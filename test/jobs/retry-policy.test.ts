/**
 * The one retry policy every job follows: when a failed job runs again, when it gives up, and
 * when polling a submitted interception has gone on past its carrier's horizon.
 */

import { describe, expect, it } from "vitest";
import type { InterceptionStatus } from "../../contracts/normalized.ts";
import { gatewayActor } from "../../src/domain/actors.ts";
import { newJob } from "../../src/jobs/new-job.ts";
import {
  acceptedAt,
  attemptsUsed,
  pollHorizonPassed,
  retryAt,
} from "../../src/jobs/retry-policy.ts";

const start = Date.parse("2026-03-01T08:00:00.000Z");
const clockAt = (ms: number) => ({ now: () => new Date(start + ms) });
const jobAfter = (attempts: number) => ({ ...newJob("icp_1", "submit", "t"), attempts });
const event = (at: number, status: InterceptionStatus) => ({
  at: new Date(start + at).toISOString(),
  status,
  detail: status,
  carrierEventId: null,
  actor: gatewayActor,
});

describe("giving up", () => {
  it("gives up on the attempt that uses the last of maxJobAttempts, not before", () => {
    expect(attemptsUsed(jobAfter(0), 3), "first attempt failed").toBe(false);
    expect(attemptsUsed(jobAfter(1), 3), "second attempt failed").toBe(false);
    expect(attemptsUsed(jobAfter(2), 3), "third attempt failed").toBe(true);
    expect(attemptsUsed(jobAfter(0), 1), "one attempt allowed").toBe(true);
  });
});

describe("when a failed job runs again", () => {
  const delay = (attempts: number, retryAfterMs?: number) =>
    Date.parse(retryAt(clockAt(0), jobAfter(attempts), retryAfterMs)) - start;

  it("backs off from 1 s, doubling, up to 5 min", () => {
    expect([0, 1, 2, 8, 9, 20].map((attempts) => delay(attempts))).toEqual([
      1_000, 2_000, 4_000, 256_000, 300_000, 300_000,
    ]);
  });

  it("waits for the carrier's Retry-After when it is longer than the backoff, never shorter", () => {
    expect(delay(0, 30_000)).toBe(30_000);
    expect(delay(5, 1_000)).toBe(32_000);
  });
});

describe("the poll horizon", () => {
  const horizonMs = 60_000;
  const accepted = {
    createdAt: new Date(start).toISOString(),
    // Accepted 10 s after it was stored; a later event in `submitted` (the parcel moved) does
    // not move the horizon.
    events: [event(0, "pending"), event(10_000, "submitted"), event(50_000, "submitted")],
  };

  it("counts from the carrier's acceptance, its first event in submitted", () => {
    expect(acceptedAt(accepted)).toBe(new Date(start + 10_000).toISOString());
    expect(pollHorizonPassed(clockAt(70_000), accepted, horizonMs), "at the horizon").toBe(false);
    expect(pollHorizonPassed(clockAt(70_001), accepted, horizonMs), "past it").toBe(true);
  });

  it("has passed when no carrier is left to poll (its horizon unknown)", () => {
    expect(pollHorizonPassed(clockAt(0), accepted, undefined)).toBe(true);
  });
});
