/**
 * Preloaded into every benchmarked gateway (`--import ./bench/lib/probe.ts`, after tsx): every
 * BENCH_PROBE_INTERVAL_MS it appends one JSON line to BENCH_PROBE_FILE with
 * `process.memoryUsage()` and the event-loop utilisation since the previous line (the share of
 * time the loop was busy, including time blocked in synchronous calls such as SQLite's fsync).
 * On SIGUSR2 it runs a full GC first (when started with --expose-gc) and writes a marked line.
 * Nothing in src/ knows about it.
 */
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const file = process.env.BENCH_PROBE_FILE;
const intervalMs = Number(process.env.BENCH_PROBE_INTERVAL_MS ?? 500);
let last = performance.eventLoopUtilization();

function sample(afterGc: boolean): void {
  if (!file) {
    return;
  }
  const now = performance.eventLoopUtilization();
  const elu = performance.eventLoopUtilization(now, last).utilization;
  last = now;
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  appendFileSync(
    file,
    `${JSON.stringify({ at: Date.now(), afterGc, elu, rss, heapUsed, heapTotal, external, arrayBuffers })}\n`,
  );
}

if (file) {
  setInterval(() => sample(false), intervalMs).unref();
  process.on("SIGUSR2", () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    sample(gc !== undefined);
  });
}
