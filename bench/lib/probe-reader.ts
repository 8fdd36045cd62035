/** Reads the lines `probe.ts` wrote, and asks it for a sample after a full GC. */
import { existsSync, readFileSync } from "node:fs";
import { sleep } from "./procs.ts";

export interface ProbeSample {
  at: number;
  afterGc: boolean;
  elu: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** How late the probe's 2 ms timer fired in the interval, ms (p99 and worst). */
  stall: { p99Ms: number; maxMs: number };
  /** Main-thread GC pauses in the interval. */
  gc: { pauses: number; pausedMs: number; maxMs: number };
}

export function readProbe(file: string): ProbeSample[] {
  if (!existsSync(file)) {
    return [];
  }
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ProbeSample);
}

/** The periodic samples taken in (from, to] (Date.now()), forced-GC lines left out. */
function samplesIn(file: string, from: number, to: number): ProbeSample[] {
  return readProbe(file).filter((sample) => !sample.afterGc && sample.at > from && sample.at <= to);
}

/** Mean event-loop utilisation (%) of the periodic samples taken in [from, to] (Date.now()). */
export function meanElu(file: string, from: number, to: number): number {
  const inWindow = samplesIn(file, from, to);
  if (inWindow.length === 0) {
    return Number.NaN;
  }
  return (inWindow.reduce((sum, sample) => sum + sample.elu, 0) / inWindow.length) * 100;
}

export interface LoopStalls {
  /** The worst interval's p99 of how late a 2 ms timer fired, ms. */
  worstP99Ms: number;
  /** The latest the timer fired in the whole window, ms. */
  maxMs: number;
  gcPauses: number;
  gcPausedMs: number;
  gcMaxMs: number;
  /** Seconds the samples cover. */
  seconds: number;
}

/** Event-loop stalls and GC pauses over the samples taken in (from, to]. */
export function loopStalls(file: string, from: number, to: number): LoopStalls | null {
  const inWindow = samplesIn(file, from, to);
  if (inWindow.length === 0) {
    return null;
  }
  return {
    worstP99Ms: Math.max(...inWindow.map((sample) => sample.stall.p99Ms)),
    maxMs: Math.max(...inWindow.map((sample) => sample.stall.maxMs)),
    gcPauses: inWindow.reduce((sum, sample) => sum + sample.gc.pauses, 0),
    gcPausedMs: inWindow.reduce((sum, sample) => sum + sample.gc.pausedMs, 0),
    gcMaxMs: Math.max(...inWindow.map((sample) => sample.gc.maxMs)),
    seconds: (to - from) / 1000,
  };
}

/**
 * Signals the probe in `pid` (SIGUSR2) to run a full GC and write a marked sample; resolves to
 * that sample, or null when none came within 5 s. The process must run with `--expose-gc`.
 */
export async function gcSample(
  file: string,
  pid: number,
  after: number,
): Promise<ProbeSample | null> {
  process.kill(pid, "SIGUSR2");
  for (let tries = 0; tries < 50; tries++) {
    await sleep(100);
    const found = readProbe(file).filter((sample) => sample.afterGc && sample.at >= after);
    if (found.length > 0) {
      return found.at(-1) ?? null;
    }
  }
  return null;
}
