/** A profiled phase as BENCHMARKS.md shows it: top self time, time by area, our functions. */
import type { ProfileSummary } from "./cpuprofile.ts";
import { ms, pct } from "./format.ts";

export function profileTables(title: string, summary: ProfileSummary, lines: string[]): void {
  lines.push(
    `**${title}** — ${ms(summary.windowMs / 1000, 1)} s window, main thread busy ${pct(summary.busyPercent)} of it. ` +
      "Percentages are of the busy samples. V8 samples the main thread by wall clock, so time the " +
      "thread spends blocked inside a synchronous native call (SQLite's writes and COMMIT) is " +
      "charged to the JS function that made the call.",
    "",
    "| Self time | Function | Where |",
    "|---:|---|---|",
  );
  for (const entry of summary.topSelf) {
    lines.push(
      `| ${pct(entry.percent, 1)} | \`${entry.name}\` | ${entry.location || entry.area} |`,
    );
  }
  lines.push("", "| By area (self) | Area |", "|---:|---|");
  for (const entry of summary.areas.slice(0, 10)) {
    lines.push(`| ${pct(entry.percent, 1)} | ${entry.area} |`);
  }
  lines.push("", "| Inclusive | Our function | File |", "|---:|---|---|");
  for (const entry of summary.topOwnInclusive.slice(0, 10)) {
    lines.push(`| ${pct(entry.percent, 1)} | \`${entry.name}\` | ${entry.location} |`);
  }
  lines.push("");
}
