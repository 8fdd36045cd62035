/**
 * Preloaded into every benchmarked gateway (`node --import <probe.mjs> dist/src/main.js`: the bench
 * transpiles this file on its own, see build.ts, so it imports only `node:` modules): every
 * BENCH_PROBE_INTERVAL_MS it appends one JSON line to BENCH_PROBE_FILE with, since the previous
 * line:
 * - `process.memoryUsage()`;
 * - the event-loop utilisation (the share of time the loop was busy, including time blocked in
 *   synchronous calls such as SQLite's fsync);
 * - the event-loop stalls: how late a 2 ms timer fired (p99 and max, ms beyond its 2 ms), so
 *   a request that arrived then waited at least that long before anything ran;
 * - the GC pauses of the main thread (count, total and longest, ms).
 * On SIGUSR2 it runs a full GC first (when started with --expose-gc) and writes a marked line.
 * Nothing in src/ knows about it.
 */
import { appendFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver, performance } from "node:perf_hooks";

const file = process.env.BENCH_PROBE_FILE;
const intervalMs = Number(process.env.BENCH_PROBE_INTERVAL_MS ?? 500);
let last = performance.eventLoopUtilization();

const timerResolutionMs = 2;
// The histogram records the whole interval between timer runs, the resolution included.
const loopDelay = monitorEventLoopDelay({ resolution: timerResolutionMs });
const lateMs = (ns: number) => Math.max(0, ns / 1e6 - timerResolutionMs);

let gc = { pauses: 0, pausedMs: 0, maxMs: 0 };
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.pauses += 1;
    gc.pausedMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
});

function sample(afterGc: boolean): void {
  if (!file) {
    return;
  }
  const now = performance.eventLoopUtilization();
  const elu = performance.eventLoopUtilization(now, last).utilization;
  last = now;
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const stall = { p99Ms: lateMs(loopDelay.percentile(99)), maxMs: lateMs(loopDelay.max) };
  loopDelay.reset();
  const line = { at: Date.now(), afterGc, elu, rss, heapUsed, heapTotal, external, arrayBuffers };
  appendFileSync(file, `${JSON.stringify({ ...line, stall, gc })}\n`);
  gc = { pauses: 0, pausedMs: 0, maxMs: 0 };
}

if (file) {
  loopDelay.enable();
  gcObserver.observe({ entryTypes: ["gc"] });
  setInterval(() => sample(false), intervalMs).unref();
  process.on("SIGUSR2", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    sample(gc !== undefined);
  });
}
