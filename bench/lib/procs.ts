/**
 * Child processes for the benchmarks: spawn (compiled JavaScript, or TypeScript through tsx), wait
 * until ready, sample CPU and memory from /proc, stop. Every child is tracked so `stopAll()` can
 * end them on error.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  /** Last lines of stdout + stderr, for error messages. */
  output(): string;
  exited: Promise<number | null>;
}

const running = new Set<Child>();

/**
 * Starts `node [nodeArgs] [--import tsx] [--import each preload] <script>` from the repository
 * root, with a clean environment (only PATH, HOME, TMPDIR are inherited). `tsx: false` runs
 * compiled JavaScript as shipped, with no loader in the process.
 */
export function spawnNode(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { nodeArgs?: string[]; preload?: string[]; tsx?: boolean } = {},
): Child {
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.tsx === false ? [] : ["--import", "tsx"]),
    ...(options.preload ?? []).flatMap((file) => ["--import", file]),
    script,
  ];
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) {
      inherited[name] = value;
    }
  }
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${name}`);
  }
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      running.delete(handle);
      resolve(code);
    });
  });
  const handle: Child = { name, process: child, pid: child.pid, output: () => tail, exited };
  running.add(handle);
  return handle;
}

/** Polls `url` until it answers 2xx; fails with the child's output if it exits or times out. */
export async function waitReady(child: Child, url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < until) {
    if (exitCode !== undefined) {
      throw new Error(`${child.name} exited (${exitCode}) before ready:\n${child.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms:\n${child.output()}`);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
export async function stop(child: Child, graceMs = 15_000): Promise<void> {
  if (!running.has(child)) {
    return;
  }
  child.process.kill("SIGTERM");
  const timer = setTimeout(() => child.process.kill("SIGKILL"), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** Stops every child still running (used in `finally` and on signals). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stop(child, 5_000)));
}

/** Synchronous last resort on process exit. */
export function killAllNow(): void {
  for (const child of running) {
    child.process.kill("SIGKILL");
  }
}

const clockTicksPerSecond = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3 is index 0); null if gone. */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // utime (14) and stime (15) are indexes 11 and 12.
  return fields ? (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond : Number.NaN;
}

/**
 * CPU seconds of a process and every descendant, live or gone: each live process's own time plus
 * what its reaped children used (cutime and cstime, 16 and 17). PostgreSQL forks a backend per
 * connection and helper processes, and reaps them, so this is the whole server's CPU.
 */
export function treeCpuSeconds(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    const parent = Number.isInteger(pid) ? Number(statFields(pid)?.[1]) : Number.NaN;
    if (Number.isInteger(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), pid]);
    }
  }
  let ticks = 0;
  const pending = [root];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    const fields = statFields(pid);
    if (fields) {
      ticks += [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
    }
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / clockTicksPerSecond;
}

/**
 * The local ports of a process's TCP sockets (IPv4 and IPv6), from its open files and the kernel's
 * socket table: a server that sees the client's port (PostgreSQL's `client_port`) can tell which
 * process a connection belongs to.
 */
export function tcpLocalPorts(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith("socket:[")) {
          inodes.add(target.slice("socket:[".length, -1));
        }
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return new Set();
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    // Columns: sl, local_address (hex ip:port), rem_address, st, …, inode (the tenth).
    for (const line of text.split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      const inode = columns[9];
      const local = columns[1];
      if (inode && local && inodes.has(inode)) {
        ports.add(Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16));
      }
    }
  }
  return ports;
}

/** Resident set size in MiB (VmRSS, what `ps -o rss=` shows). */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Machine-wide jiffies from /proc/stat: busy (all but idle and iowait), steal, total. */
function machineJiffies(): { busy: number; steal: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  return {
    busy,
    steal: steal ?? 0,
    total: busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0),
  };
}

/**
 * CPU use of several processes over a phase, in % of one core, plus `machine` (every process
 * on the box, % of one core) and `steal` (time the hypervisor gave to others, % of one core),
 * so load from outside the benchmark shows up. `trees` are counted with all their descendants
 * (PostgreSQL's server: the postmaster and every backend, see `treeCpuSeconds`).
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private readonly selfStart = process.cpuUsage();
  private readonly at = performance.now();
  private readonly machineStart = machineJiffies();
  private readonly readers: [string, () => number][];

  constructor(processes: Record<string, number>, trees: Record<string, number> = {}) {
    this.readers = [
      ...Object.entries(processes).map(([name, pid]): [string, () => number] => [
        name,
        () => cpuSeconds(pid),
      ]),
      ...Object.entries(trees).map(([name, pid]): [string, () => number] => [
        name,
        () => treeCpuSeconds(pid),
      ]),
    ];
    for (const [name, read] of this.readers) {
      this.start.set(name, read());
    }
  }

  /** `{ name: percent of one core }`, plus `bench` for this process (the load generator). */
  read(): Record<string, number> {
    const seconds = (performance.now() - this.at) / 1000;
    const out: Record<string, number> = {};
    for (const [name, read] of this.readers) {
      out[name] = ((read() - (this.start.get(name) ?? 0)) / seconds) * 100;
    }
    const self = process.cpuUsage(this.selfStart);
    out.bench = ((self.user + self.system) / 1e6 / seconds) * 100;
    const machine = machineJiffies();
    const perCore = (jiffies: number) => (jiffies / clockTicksPerSecond / seconds) * 100;
    out.machine = perCore(machine.busy - this.machineStart.busy);
    out.steal = perCore(machine.steal - this.machineStart.steal);
    return out;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
