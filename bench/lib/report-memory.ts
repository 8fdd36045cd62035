/** BENCHMARKS.md's memory parts: a Summary row per store and the section with the series. */
import type { MemoryResult, StoreMemory } from "../scenarios/memory.ts";
import { cpuCell, int, ms, pct, signed, verdict } from "./format.ts";
import type { Results } from "./report.ts";

const storeLabel = { sqlite: "SQLite", postgres: "PostgreSQL" } as const;

function ends(points: [number, number][]): { first: number; last: number } {
  return { first: points[0]?.[1] ?? Number.NaN, last: points.at(-1)?.[1] ?? Number.NaN };
}

/** Intercepts answered per second over the run. */
function answeredRate(store: StoreMemory, result: MemoryResult): number {
  return store.ok / result.durationS;
}

/** What the heap kept per intercept, had the trend gone on: the leak's size, measured. */
function retainedPerIntercept(store: StoreMemory, result: MemoryResult): number {
  return ((store.heapSlopeMiBPerMin / 60) * 1024 * 1024) / answeredRate(store, result);
}

export function memorySummaryRows(results: Results): string[] {
  const result = results.memory;
  const target = results.targets.heapSlopeMiBPerMin;
  if (!result) {
    return [
      `| Memory over 10 min of intercept load, both stores | flat: heap after GC trend ≤ ${target} MiB/min | not measured: ${(results.errors.memory ?? results.errors.postgres)?.split("\n")[0] ?? "skipped"} | n/a | |`,
    ];
  }
  const minutes = result.durationS / 60;
  return result.stores.map((store) => {
    const heap = ends(store.heapAfterGc);
    const rss = ends(store.rss);
    const pass = store.heapSlopeMiBPerMin <= target && store.heapAfterGc.length >= 3;
    const missed = pass
      ? ""
      : store.heapAfterGc.length < 3
        ? `too few heap samples (${store.heapAfterGc.length}) for a trend.`
        : `${ms(store.heapSlopeMiBPerMin - target)} MiB/min over: the live heap kept ≈ ${int(retainedPerIntercept(store, result))} bytes per intercept (${int(store.ok)} intercepts, ${ms(answeredRate(store, result), 1)}/s of the ${result.rate}/s offered; gateway loop busy ${pct(store.elu)}, ${int(store.failed + store.unanswered)} not answered 201, ${int(store.skipped)} skipped). The series in "Memory under intercept load" shows whether it levels off.`;
    // A verdict taken under less load than offered says less: the row says so, and why.
    const sustained = answeredRate(store, result) >= 0.9 * result.rate;
    const shortOfLoad = sustained
      ? ""
      : ` The store answered ${ms(answeredRate(store, result), 1)}/s of the ${result.rate}/s offered: gateway loop busy ${pct(store.elu)}; CPU over the run (% of one core): ${cpuCell(result.cpu)}.`;
    return `| Memory over ${ms(minutes, minutes < 1 ? 1 : 0)} min of intercept load, ${storeLabel[store.store]} (${result.rate}/s offered, ${ms(answeredRate(store, result), 1)}/s answered) | flat: heap after GC trend ≤ ${target} MiB/min | heap after GC ${ms(heap.first, 1)} → ${ms(heap.last, 1)} MiB (trend ${signed(store.heapSlopeMiBPerMin)} MiB/min); RSS ${ms(rss.first, 0)} → ${ms(rss.last, 0)} MiB (trend ${signed(store.rssSlopeMiBPerMin, 1)} MiB/min) | ${verdict(pass)} | ${missed}${shortOfLoad} |`;
  });
}

export function memorySection(results: Results): string[] {
  const result = results.memory;
  if (!result) {
    return [];
  }
  const lines = [
    "## Memory under intercept load",
    "",
    `Both stores at once for ${int(result.durationS)} s, after a ${int(result.warmupS)} s warm-up: a gateway on a SQLite file and a gateway on a PostgreSQL database (the run's server, fsync on), each with its own SF sandbox, each taking ${result.rate} intercepts/s open loop (a fresh parcel and key each; an intercept that falls due while 5 s worth are unanswered is skipped, so a store that cannot keep up still has load for the whole run, and the skipped count shows it). The sandbox pushes each outcome ${ms(result.outcomeDelayMs / 1000, 0)} s after the intercept, so interceptions also reach their final status and their jobs go, as in production (the carrier's polling fallback starts after 15 min, beyond the run). Every ${result.gcEveryS} s the probe in each gateway (\`--expose-gc\`) runs a full GC and reports the heap still in use; RSS is read from /proc every ${result.rssEveryS} s. A trend is the least-squares slope of the samples, per minute. The heap after a full GC is what the gateway keeps alive, so it is the measure of a leak; RSS also moves with the allocator, SQLite's page cache and the code V8 compiles, so it is reported, not judged.`,
    "",
    "| Store | Intercepts ok / failed / unanswered / skipped | p50 ms | p99 ms | Event loop busy | Heap after GC, start → end MiB | Heap trend MiB/min | RSS start → end MiB | RSS trend MiB/min |",
    "|---|---|---:|---:|---:|---|---:|---|---:|",
  ];
  for (const store of result.stores) {
    const heap = ends(store.heapAfterGc);
    const rss = ends(store.rss);
    lines.push(
      `| ${storeLabel[store.store]} | ${int(store.ok)} / ${int(store.failed)} / ${int(store.unanswered)} / ${int(store.skipped)} | ${ms(store.summary.p50, 1)} | ${ms(store.summary.p99, 1)} | ${pct(store.elu)} | ${ms(heap.first, 1)} → ${ms(heap.last, 1)} (${signed(heap.last - heap.first, 1)}) | ${signed(store.heapSlopeMiBPerMin)} | ${ms(rss.first, 1)} → ${ms(rss.last, 1)} | ${signed(store.rssSlopeMiBPerMin, 1)} |`,
    );
  }
  lines.push("", `CPU over the run, % of one core: ${cpuCell(result.cpu)}.`, "");
  const failures = result.stores.filter((store) => store.firstError);
  if (failures.length > 0) {
    lines.push(
      `First failure: ${failures.map((store) => `${storeLabel[store.store]}: ${store.firstError}`).join("; ")}.`,
      "",
    );
  }
  // About one RSS point a minute (or every sample of a short run) keeps the line readable.
  const rssStep = Math.max(1, Math.round(60 / result.rssEveryS));
  for (const store of result.stores) {
    lines.push(
      `${storeLabel[store.store]}, heap after a full GC (s: MiB): ${store.heapAfterGc.map(([second, value]) => `${Math.round(second)}: ${value.toFixed(2)}`).join(", ")}.`,
      "",
      `${storeLabel[store.store]}, RSS (s: MiB): ${store.rss
        .filter((_, index) => index % rssStep === 0 || index === store.rss.length - 1)
        .map(([second, value]) => `${Math.round(second)}: ${value.toFixed(1)}`)
        .join(", ")}.`,
      "",
    );
  }
  return lines;
}
