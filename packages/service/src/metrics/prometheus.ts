// Prometheus text exposition (format 0.0.4), written by hand: the few counters and histograms Klody's
// services expose do not need a metrics library.

/** A label value as the exposition format wants it: backslashes, newlines and quotes escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** `{name="value",…}`, or '' without labels. */
export function prometheusLabels(values: Record<string, string>): string {
  const parts = Object.entries(values).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** A histogram with cumulative buckets, one series per set of label values. */
export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Record<string, string>; counts: number[]; sum: number; count: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labelValues: Record<string, string>, value: number): void {
    const key = Object.values(labelValues).join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      series = { labels: labelValues, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    for (let index = 0; index < this.buckets.length; index++) {
      if (value <= (this.buckets[index] as number))
        series.counts[index] = (series.counts[index] as number) + 1;
    }
    series.sum += value;
    series.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const series of this.series.values()) {
      this.buckets.forEach((bound, index) => {
        lines.push(
          `${this.name}_bucket${prometheusLabels({ ...series.labels, le: String(bound) })} ${series.counts[index]}`,
        );
      });
      lines.push(`${this.name}_bucket${prometheusLabels({ ...series.labels, le: '+Inf' })} ${series.count}`);
      lines.push(`${this.name}_sum${prometheusLabels(series.labels)} ${series.sum}`);
      lines.push(`${this.name}_count${prometheusLabels(series.labels)} ${series.count}`);
    }
    return lines.join('\n');
  }
}
