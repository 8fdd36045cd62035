/**
 * The load generator: open loop (requests scheduled by the wall clock, latency counted from the
 * scheduled time, so a slow server cannot slow the offered rate down) and closed loop (N workers,
 * each sending its next request when the previous one answered). Both are bounded in count and
 * time. `fire` returns whether the answer was the expected one.
 */
import { sleep } from "./procs.ts";

export interface LoadResult {
  /** Latencies of every answered request, ms, sorted ascending. */
  latencies: Float64Array;
  ok: number;
  failed: number;
  /** Requests that had not answered when the drain timeout ran out. */
  unanswered: number;
  elapsedMs: number;
  /** Answered requests per second over the phase. */
  throughput: number;
  /** Open loop: the latest a request left after its scheduled time, ms (generator lag). */
  maxLagMs: number;
  /** Open loop: requests sent (fewer than planned when the server fell too far behind). */
  offered: number;
  /** Open loop: `maxInFlight` requests were unanswered at some point (sending stopped, or skipped). */
  overloaded: boolean;
  /** Open loop with `whenFull: "skip"`: scheduled requests not sent, the in-flight cap reached. */
  skipped?: number;
  firstError?: string;
}

export type Fire = (index: number) => Promise<boolean>;

function finish(
  latencies: number[],
  counts: { ok: number; failed: number; unanswered: number; offered: number },
  elapsedMs: number,
  maxLagMs: number,
  overloaded: boolean,
  firstError: string | undefined,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  return {
    latencies: sorted,
    ...counts,
    elapsedMs,
    throughput: (counts.ok + counts.failed) / (elapsedMs / 1000),
    maxLagMs,
    overloaded,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/**
 * `rate` requests per second for `durationMs` (at most `maxRequests`), scheduled by clock.
 * When `maxInFlight` requests are unanswered the server has fallen hopelessly behind: sending
 * stops (`overloaded`), so the backlog it leaves stays bounded, and the phase waits up to
 * `drainTimeoutMs` for the answers. With `whenFull: "skip"` a request that falls due while
 * `maxInFlight` are unanswered is skipped instead (counted in `skipped`), so a long run keeps its
 * load on for its whole duration.
 */
export async function openLoop(options: {
  rate: number;
  durationMs: number;
  maxRequests: number;
  maxInFlight?: number;
  whenFull?: "stop" | "skip";
  drainTimeoutMs?: number;
  fire: Fire;
}): Promise<LoadResult> {
  const planned = Math.min(
    options.maxRequests,
    Math.floor((options.rate * options.durationMs) / 1000),
  );
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let answered = 0;
  let maxLagMs = 0;
  let overloaded = false;
  let firstError: string | undefined;
  const maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
  const skip = options.whenFull === "skip";
  const start = performance.now();
  // `next` is the next scheduled slot; `sent` the requests actually sent (fewer when skipping).
  let next = 0;
  let sent = 0;
  let skipped = 0;
  let total = planned;
  let sending = true;
  let settle: () => void = () => {};
  const allAnswered = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const record = (scheduled: number, success: boolean, error?: unknown) => {
    latencies.push(performance.now() - scheduled);
    if (success) {
      ok += 1;
    } else {
      failed += 1;
      firstError ??= error === undefined ? "unexpected answer" : String(error);
    }
    answered += 1;
    if (!sending && answered === sent) {
      settle();
    }
  };
  while (next < total) {
    const now = performance.now();
    // Send everything that is due (catching up after a late wake-up), then sleep to the next.
    if (!skip && sent - answered >= maxInFlight) {
      overloaded = true;
      total = next;
      break;
    }
    while (next < total && start + next * interval <= now) {
      const scheduled = start + next * interval;
      const index = next;
      next += 1;
      if (sent - answered >= maxInFlight) {
        if (!skip) {
          next -= 1;
          break;
        }
        overloaded = true;
        skipped += 1;
        continue;
      }
      maxLagMs = Math.max(maxLagMs, now - scheduled);
      sent += 1;
      options.fire(index).then(
        (success) => record(scheduled, success),
        (error: unknown) => record(scheduled, false, error),
      );
    }
    if (next < total) {
      await sleep(Math.max(0, start + next * interval - performance.now()));
    }
  }
  sending = false;
  if (answered === sent) {
    settle();
  }
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    allAnswered,
    new Promise<void>((resolve) => {
      drainTimer = setTimeout(resolve, options.drainTimeoutMs ?? 15_000);
    }),
  ]);
  clearTimeout(drainTimer);
  return {
    ...finish(
      latencies,
      { ok, failed, unanswered: sent - answered, offered: sent },
      performance.now() - start,
      maxLagMs,
      overloaded,
      firstError,
    ),
    skipped,
  };
}

/** `concurrency` workers for `durationMs` (at most `maxRequests` in all). */
export async function closedLoop(options: {
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  fire: Fire;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let issued = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const until = start + options.durationMs;
  const worker = async () => {
    while (issued < options.maxRequests && performance.now() < until) {
      const index = issued;
      issued += 1;
      const sent = performance.now();
      let success = false;
      try {
        success = await options.fire(index);
      } catch (error) {
        firstError ??= String(error);
      }
      latencies.push(performance.now() - sent);
      if (success) {
        ok += 1;
      } else {
        failed += 1;
        firstError ??= "unexpected answer";
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return finish(
    latencies,
    { ok, failed, unanswered: 0, offered: issued },
    performance.now() - start,
    0,
    false,
    firstError,
  );
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(sorted: Float64Array): Summary {
  let sum = 0;
  for (const value of sorted) {
    sum += value;
  }
  return {
    count: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Least-squares slope of y over x (a trend: MiB per second of heap, say). */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) {
    return Number.NaN;
  }
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
