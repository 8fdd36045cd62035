/**
 * What bounds a measured phase, in words, from its own measurements: shared by the report's
 * sections (CPU shares, event-loop busy, stalls).
 */
import { ms, pct } from "./format.ts";
import type { LoopStalls } from "./probe-reader.ts";

/** "machine 180 % of 200 %, steal 0 %": how busy the whole box was. */
export function machineFacts(cpu: Record<string, number>, cores: number): string {
  return `machine ${pct(cpu.machine ?? Number.NaN)} of ${cores * 100} %, steal ${pct(cpu.steal ?? Number.NaN)}`;
}

/**
 * The resource that was saturated, if one was: every core (and how much of that was load from
 * outside the benchmark), or the gateway's single event loop.
 */
export function saturated(cpu: Record<string, number>, elu: number, cores: number): string | null {
  const machine = cpu.machine ?? Number.NaN;
  if (machine >= 0.9 * cores * 100) {
    const ours = Object.entries(cpu)
      .filter(([name]) => name !== "machine" && name !== "steal")
      .reduce((sum, [, value]) => sum + value, 0);
    return `every core was busy (machine ${pct(machine)} of ${cores * 100} %, ${pct(Math.max(0, machine - ours))} of it processes outside the bench)`;
  }
  if (elu >= 90) {
    return `the gateway's event loop was saturated (busy ${pct(elu)})`;
  }
  return null;
}

/** Stalls of the gateway's event loop and GC pauses, as one phrase. */
export function stallFacts(loop: LoopStalls): string {
  return `timers up to ${ms(loop.maxMs, 1)} ms late (${ms(loop.worstP99Ms, 1)} ms at p99 in the worst sample), GC pauses up to ${ms(loop.gcMaxMs, 1)} ms (${ms(loop.gcPausedMs / loop.seconds, 1)} ms per second)`;
}
