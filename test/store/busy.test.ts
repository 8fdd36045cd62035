/** Retrying work that meets SQLITE_BUSY: on timers, within a bounded total wait. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { BusyBackoff, isBusy, retryWhileBusy, StoreBusyError } from "../../src/store/busy.ts";

afterEach(() => {
  vi.useRealTimers();
});

const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

describe("retryWhileBusy", () => {
  it("tries again on timers until the lock is free", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    let calls = 0;
    const result = retryWhileBusy(() => {
      calls += 1;
      if (calls < 3) {
        throw busy();
      }
      return "read";
    }, 1_000);
    expect(calls, "the first try is immediate").toBe(1);
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(10);
    await expect(result).resolves.toBe("read");
  });

  it("gives up with StoreBusyError once the waits add up to the bound", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    const result = retryWhileBusy(() => {
      throw busy();
    }, 200).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(200);
    const error = await result;
    expect(error).toBeInstanceOf(StoreBusyError);
    expect((error as StoreBusyError).retryable).toBe(true);
  });

  it("passes any other error straight through", async () => {
    await expect(
      retryWhileBusy(() => {
        throw new Error("no such table");
      }, 1_000),
    ).rejects.toThrow("no such table");
  });
});

describe("BusyBackoff", () => {
  it("doubles from 5 ms up to 100 ms and stops at the bound", () => {
    const backoff = new BusyBackoff(400);
    const delays: number[] = [];
    for (let delay = backoff.next(); delay !== null; delay = backoff.next()) {
      delays.push(delay);
    }
    expect(delays).toEqual([5, 10, 20, 40, 80, 100, 100, 45]);
    expect(backoff.waited).toBe(400);
  });

  it("knows SQLite's busy codes", () => {
    expect(isBusy(busy())).toBe(true);
    expect(isBusy(Object.assign(new Error(), { code: "SQLITE_BUSY_SNAPSHOT" }))).toBe(true);
    expect(isBusy(Object.assign(new Error(), { code: "SQLITE_CONSTRAINT" }))).toBe(false);
  });
});
