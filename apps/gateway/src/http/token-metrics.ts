// Token accounting for /metrics, from the usage workers report (usage-observer.ts): prompt and
// generated tokens per worker, and the generation speed each answer reached.
import { escapeLabel, Histogram } from '@klody/service';

const speedBuckets = [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000, 2000];

export class TokenMetrics {
  private readonly totals = new Map<string, { in: number; out: number }>();
  private readonly speed = new Histogram(
    'klody_gateway_generation_tokens_per_second',
    "Generated tokens per second of each answer, by worker: the worker's own generation time when it reports one (llama-server's timings), else from the first response byte to the end.",
    speedBuckets,
  );

  observe(
    worker: string,
    tokensIn: number | null,
    tokensOut: number | null,
    tokensPerSecond: number | null,
  ): void {
    if (tokensIn !== null || tokensOut !== null) {
      const total = this.totals.get(worker) ?? { in: 0, out: 0 };
      total.in += tokensIn ?? 0;
      total.out += tokensOut ?? 0;
      this.totals.set(worker, total);
    }
    if (tokensPerSecond !== null) this.speed.observe({ worker }, tokensPerSecond);
  }

  render(): string {
    const lines = [
      '# HELP klody_gateway_tokens_total Tokens of the relayed requests whose worker reported its usage, by worker: prompt (in) and generated (out).',
      '# TYPE klody_gateway_tokens_total counter',
    ];
    for (const [worker, total] of this.totals) {
      const name = escapeLabel(worker);
      lines.push(`klody_gateway_tokens_total{worker="${name}",direction="in"} ${total.in}`);
      lines.push(`klody_gateway_tokens_total{worker="${name}",direction="out"} ${total.out}`);
    }
    lines.push(this.speed.render());
    return lines.join('\n');
  }
}
