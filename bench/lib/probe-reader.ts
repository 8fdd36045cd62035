/** Reads the lines `probe.ts` wrote. */
import { existsSync, readFileSync } from "node:fs";

export interface ProbeSample {
  at: number;
  afterGc: boolean;
  elu: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
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

/** Mean event-loop utilisation (%) of the periodic samples taken in [from, to] (Date.now()). */
export function meanElu(file: string, from: number, to: number): number {
  const inWindow = readProbe(file).filter(
    (sample) => !sample.afterGc && sample.at > from && sample.at <= to,
  );
  if (inWindow.length === 0) {
    return Number.NaN;
  }
  return (inWindow.reduce((sum, sample) => sum + sample.elu, 0) / inWindow.length) * 100;
}
