/**
 * A small Prometheus text-format registry: counters and histograms with labels, and gauges read
 * at scrape time. Enough for a handful of series; no client library needed.
 */

type Labels = Record<string, string>;

interface CounterSeries {
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

interface HistogramSeries {
  help: string;
  /** Upper bounds, ascending; `+Inf` is implied. */
  buckets: readonly number[];
  values: Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>;
}

export class Metrics {
  private readonly counters = new Map<string, CounterSeries>();
  private readonly histograms = new Map<string, HistogramSeries>();
  private readonly gauges = new Map<
    string,
    { help: string; read: () => Array<{ labels: Labels; value: number }> }
  >();

  /** Adds `by` to a counter series, creating it on first use. */
  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    let series = this.counters.get(name);
    if (!series) {
      series = { help, values: new Map() };
      this.counters.set(name, series);
    }
    const key = JSON.stringify(labels);
    const current = series.values.get(key);
    if (current) {
      current.value += by;
    } else {
      series.values.set(key, { labels, value: by });
    }
  }

  /**
   * Records one observation (seconds, by Prometheus convention) in a histogram, created on first
   * use with these bucket bounds; later calls keep the first bounds.
   */
  observe(
    name: string,
    help: string,
    buckets: readonly number[],
    value: number,
    labels: Labels = {},
  ): void {
    let series = this.histograms.get(name);
    if (!series) {
      series = { help, buckets, values: new Map() };
      this.histograms.set(name, series);
    }
    const key = JSON.stringify(labels);
    let current = series.values.get(key);
    if (!current) {
      current = { labels, counts: series.buckets.map(() => 0), sum: 0, count: 0 };
      series.values.set(key, current);
    }
    const bucket = series.buckets.findIndex((bound) => value <= bound);
    if (bucket >= 0) {
      current.counts[bucket] = (current.counts[bucket] ?? 0) + 1;
    }
    current.sum += value;
    current.count += 1;
  }

  /** Registers a gauge whose values are read at every scrape. */
  gauge(name: string, help: string, read: () => Array<{ labels: Labels; value: number }>): void {
    this.gauges.set(name, { help, read });
  }

  /** Renders every series in the Prometheus text exposition format. */
  render(): string {
    const lines: string[] = [];
    for (const [name, series] of this.counters) {
      lines.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} counter`);
      for (const { labels, value } of series.values.values()) {
        lines.push(`${name}${formatLabels(labels)} ${value}`);
      }
    }
    for (const [name, series] of this.histograms) {
      lines.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} histogram`);
      for (const { labels, counts, sum, count } of series.values.values()) {
        // Exposition buckets are cumulative: each counts every observation up to its bound.
        let cumulative = 0;
        series.buckets.forEach((bound, index) => {
          cumulative += counts[index] ?? 0;
          lines.push(
            `${name}_bucket${formatLabels({ ...labels, le: String(bound) })} ${cumulative}`,
          );
        });
        lines.push(`${name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${count}`);
        lines.push(`${name}_sum${formatLabels(labels)} ${sum}`);
        lines.push(`${name}_count${formatLabels(labels)} ${count}`);
      }
    }
    for (const [name, gauge] of this.gauges) {
      lines.push(`# HELP ${name} ${gauge.help}`, `# TYPE ${name} gauge`);
      for (const { labels, value } of gauge.read()) {
        lines.push(`${name}${formatLabels(labels)} ${value}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) =>
      `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
}
