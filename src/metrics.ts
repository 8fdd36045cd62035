/**
 * A small Prometheus text-format registry: counters with labels and gauges read at scrape time.
 * Enough for a handful of series; no client library needed.
 */

type Labels = Record<string, string>;

interface CounterSeries {
  help: string;
  values: Map<string, { labels: Labels; value: number }>;
}

export class Metrics {
  private readonly counters = new Map<string, CounterSeries>();
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
