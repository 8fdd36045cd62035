/**
 * A gateway clock the test moves by hand, for tests whose subject is time: it starts at the real
 * time (carrier calls still run on real timers) and stands still until `advance` moves it.
 */
import type { Clock } from "../../src/clock.ts";

export interface ManualClock {
  now: Clock;
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let at = start.getTime();
  return {
    now: () => new Date(at),
    advance: (ms) => {
      at += ms;
    },
  };
}
