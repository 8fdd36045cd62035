import { describe, expect, it } from "vitest";
import { Metrics } from "../src/metrics.ts";

describe("Metrics histograms", () => {
  it("renders cumulative buckets, +Inf, sum and count per label set", () => {
    const metrics = new Metrics();
    // Binary fractions, so the sum is exact.
    const buckets = [0.125, 0.5, 2];
    for (const seconds of [0.0625, 0.125, 0.25, 4]) {
      metrics.observe("commit_seconds", "Commit time.", buckets, seconds, { db: "main" });
    }
    metrics.observe("commit_seconds", "Commit time.", buckets, 1, { db: "other" });

    const lines = metrics.render().split("\n");
    expect(lines).toContain("# TYPE commit_seconds histogram");
    // 0.125 is inside its bucket (le means "less than or equal").
    expect(lines).toContain('commit_seconds_bucket{db="main",le="0.125"} 2');
    expect(lines).toContain('commit_seconds_bucket{db="main",le="0.5"} 3');
    expect(lines).toContain('commit_seconds_bucket{db="main",le="2"} 3');
    expect(lines).toContain('commit_seconds_bucket{db="main",le="+Inf"} 4');
    expect(lines).toContain('commit_seconds_sum{db="main"} 4.4375');
    expect(lines).toContain('commit_seconds_count{db="main"} 4');
    expect(lines).toContain('commit_seconds_bucket{db="other",le="0.5"} 0');
    expect(lines).toContain('commit_seconds_bucket{db="other",le="2"} 1');
    expect(lines).toContain('commit_seconds_count{db="other"} 1');
  });
});
