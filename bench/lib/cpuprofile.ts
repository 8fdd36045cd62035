/**
 * A small summariser of V8 `.cpuprofile` files (`node --cpu-prof`): self time per function,
 * inclusive time of our own code (src/, adapters/), and self time per area (a package, Node
 * internals, GC). Samples can be restricted to a window of `process.hrtime` microseconds:
 * V8 stamps samples with the same monotonic clock, so the benchmark passes the timed phase's
 * window and start-up (module loading, migrations) stays out of the numbers.
 *
 * CLI: `npx tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  name: string;
  /** `file:line`, shortened to the repository or the package. */
  location: string;
  area: string;
  /** Share of the busy (non-idle) samples, %. */
  percent: number;
  ms: number;
}

export interface ProfileSummary {
  windowMs: number;
  /** The profile's own span and the sampled span inside the window (monotonic µs). */
  profileUs: { start: number; end: number; firstInWindow: number; lastInWindow: number };
  /** Share of the window the process was busy on the main thread (not idle), %. */
  busyPercent: number;
  topSelf: FunctionCost[];
  /** Inclusive time of functions in src/ and adapters/, biggest first. */
  topOwnInclusive: FunctionCost[];
  areas: { area: string; percent: number; ms: number }[];
}

/** The share (% of busy samples, self time) of the areas `match` picks. */
export function areaShare(summary: ProfileSummary, match: (area: string) => boolean): number {
  return summary.areas.filter((entry) => match(entry.area)).reduce((sum, e) => sum + e.percent, 0);
}

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf("/node_modules/");
  if (nodeModules >= 0) {
    return url.slice(nodeModules + "/node_modules/".length);
  }
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  return path.startsWith(repoRoot) ? path.slice(repoRoot.length) : path;
}

/** Which part of the stack a frame belongs to: a package, our code, Node, V8. */
function areaOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (url === "") {
    if (functionName === "(garbage collector)") {
      return "V8: garbage collector";
    }
    if (functionName === "(program)") {
      return "V8/native: (program)";
    }
    if (functionName === "(idle)") {
      return "(idle)";
    }
    return "native (C++ builtins, bindings)";
  }
  if (url.startsWith("node:")) {
    const module = url.slice("node:".length).replace(/^internal\//, "");
    const head = module.split("/")[0] ?? module;
    return `node: ${["deps", "http", "streams", "net", "timers", "async_hooks"].includes(head) ? head : module.split("/").slice(0, 2).join("/")}`;
  }
  const nodeModules = url.lastIndexOf("/node_modules/");
  if (nodeModules >= 0) {
    const rest = url.slice(nodeModules + "/node_modules/".length).split("/");
    const name = rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : (rest[0] ?? "?");
    return `pkg: ${name}`;
  }
  // The gateway runs compiled: dist/src/x.js is src/x.ts's code.
  const short = shortUrl(url).replace(/^dist\//, "");
  const parts = short.split("/");
  if (parts[0] === "src" || parts[0] === "adapters" || parts[0] === "contracts") {
    return `ours: ${parts.slice(0, Math.min(2, parts.length - 1)).join("/") || short}`;
  }
  return short;
}

function label(frame: ProfileNode["callFrame"]): { name: string; location: string } {
  const name = frame.functionName || "(anonymous)";
  const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
  return { name, location };
}

/** A `.cpuprofile` with its nodes by id and each node's parent, for walking a sample's stack. */
export function readProfile(file: string): {
  profile: CpuProfile;
  byId: Map<number, ProfileNode>;
  parent: Map<number, number>;
} {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  return { profile, byId, parent };
}

/**
 * Each node's self time (µs) from the samples inside [from, to] (monotonic µs). Sample i happened
 * at startTime + sum(timeDeltas[0..i]) and stands for the time since the previous sample.
 */
export function selfTimeInWindow(
  profile: CpuProfile,
  from: number,
  to: number,
): { selfUs: Map<number, number>; windowUs: number; firstUs: number; lastUs: number } {
  const selfUs = new Map<number, number>();
  let windowUs = 0;
  let at = profile.startTime;
  let previous = profile.startTime;
  let firstUs = Number.NaN;
  let lastUs = Number.NaN;
  for (let index = 0; index < profile.samples.length; index++) {
    at += profile.timeDeltas[index] ?? 0;
    const span = Math.max(0, at - previous);
    previous = at;
    if (at < from || at > to) {
      continue;
    }
    if (Number.isNaN(firstUs)) {
      firstUs = at;
    }
    lastUs = at;
    const id = profile.samples[index] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + span);
    windowUs += span;
  }
  return { selfUs, windowUs, firstUs, lastUs };
}

export function summarizeProfile(
  file: string,
  options: { fromUs?: number; toUs?: number; top?: number } = {},
): ProfileSummary {
  const { profile, byId, parent } = readProfile(file);
  const from = options.fromUs ?? Number.NEGATIVE_INFINITY;
  const to = options.toUs ?? Number.POSITIVE_INFINITY;
  const top = options.top ?? 15;
  const { selfUs, windowUs, firstUs, lastUs } = selfTimeInWindow(profile, from, to);
  const selfByFunction = new Map<string, FunctionCost & { us: number }>();
  const inclusiveByFunction = new Map<string, FunctionCost & { us: number }>();
  const byArea = new Map<string, number>();
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) {
      continue;
    }
    const area = areaOf(node.callFrame);
    if (area === "(idle)") {
      idleUs += us;
      continue;
    }
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const { name, location } = label(node.callFrame);
    const key = `${name}@${location}`;
    const entry = selfByFunction.get(key) ?? { name, location, area, percent: 0, ms: 0, us: 0 };
    entry.us += us;
    selfByFunction.set(key, entry);

    // Inclusive: every distinct function of ours on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const frame = byId.get(cursor)?.callFrame;
      if (!frame) {
        break;
      }
      const frameArea = areaOf(frame);
      if (!frameArea.startsWith("ours:")) {
        continue;
      }
      const own = label(frame);
      const ownKey = `${own.name}@${own.location}`;
      if (seen.has(ownKey)) {
        continue;
      }
      seen.add(ownKey);
      const total = inclusiveByFunction.get(ownKey) ?? {
        ...own,
        area: frameArea,
        percent: 0,
        ms: 0,
        us: 0,
      };
      total.us += us;
      inclusiveByFunction.set(ownKey, total);
    }
  }
  const busyUs = windowUs - idleUs;
  const finish = (entries: Iterable<FunctionCost & { us: number }>): FunctionCost[] =>
    [...entries]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map(({ us, ...rest }) => ({
        ...rest,
        ms: us / 1000,
        percent: busyUs > 0 ? (us / busyUs) * 100 : 0,
      }));
  return {
    windowMs: windowUs / 1000,
    profileUs: {
      start: profile.startTime,
      end: profile.endTime,
      firstInWindow: firstUs,
      lastInWindow: lastUs,
    },
    busyPercent: windowUs > 0 ? (busyUs / windowUs) * 100 : 0,
    topSelf: finish(selfByFunction.values()),
    topOwnInclusive: finish(inclusiveByFunction.values()),
    areas: [...byArea]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({
        area,
        ms: us / 1000,
        percent: busyUs > 0 ? (us / busyUs) * 100 : 0,
      })),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: tsx bench/lib/cpuprofile.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const summary = summarizeProfile(file, { top: Number(top ?? 25) });
  process.stdout.write(
    `window ${summary.windowMs.toFixed(0)} ms, busy ${summary.busyPercent.toFixed(1)} %\n\nself time:\n`,
  );
  for (const entry of summary.topSelf) {
    process.stdout.write(
      `${entry.percent.toFixed(1).padStart(6)} %  ${entry.name}  ${entry.location}\n`,
    );
  }
  process.stdout.write("\nby area:\n");
  for (const entry of summary.areas.slice(0, 25)) {
    process.stdout.write(`${entry.percent.toFixed(1).padStart(6)} %  ${entry.area}\n`);
  }
  process.stdout.write("\nour code, inclusive:\n");
  for (const entry of summary.topOwnInclusive) {
    process.stdout.write(
      `${entry.percent.toFixed(1).padStart(6)} %  ${entry.name}  ${entry.location}\n`,
    );
  }
}
