/** Runs a load phase against a gateway started with `--cpu-prof` and summarises the profile. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type ProfileSummary, summarizeProfile } from "./cpuprofile.ts";
import { type Child, stop } from "./procs.ts";

export interface ProfiledPhase<T> {
  result: T;
  summary: ProfileSummary;
  file: string;
}

/** `node` flags that make the child write its profile into `directory` on exit. */
export function cpuProfArgs(directory: string): string[] {
  return ["--cpu-prof", `--cpu-prof-dir=${directory}`, "--cpu-prof-interval=500"];
}

/**
 * Runs `load` with the sampling window around it (monotonic µs, the clock V8 stamps samples
 * with), stops the child so it writes the profile, and summarises the window only.
 */
export async function profilePhase<T>(
  child: Child,
  directory: string,
  load: () => Promise<T>,
): Promise<ProfiledPhase<T>> {
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  const result = await load();
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await stop(child);
  // One file per thread (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`): the application
  // runs on thread 0.
  const name = readdirSync(directory).find((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (!name) {
    throw new Error(`${child.name} wrote no .cpuprofile in ${directory}:\n${child.output()}`);
  }
  const file = join(directory, name);
  return { result, summary: summarizeProfile(file, { fromUs, toUs, top: 15 }), file };
}
