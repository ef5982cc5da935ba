// A finished request's record: its row, log line, token counters and speed, from the answer's chunks.
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './gateway-metrics.js';
import { RequestActivity } from './request-activity.js';
import { RequestRecord } from './request-record.js';
import { TokenMetrics } from './token-metrics.js';

function recordWithSinks() {
  const sinks = {
    metrics: new GatewayMetrics(),
    tokens: new TokenMetrics(),
    activity: new RequestActivity(10),
    lines: [] as Array<[string, Record<string, unknown> | undefined]>,
  };
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) => sinks.lines.push([message, fields]),
    warn: () => undefined,
    error: () => undefined,
  };
  const started = performance.now() - 50;
  const record = new RequestRecord(
    { ...sinks, logger },
    { requestId: 'r-1', model: 'story-alias', worker: 'story', route: 'chat/completions', started },
  );
  return { sinks, record, started };
}

describe('a request record', () => {
  it('divides by llama-server’s own generation time when the answer carries its timings', () => {
    const { sinks, record, started } = recordWithSinks();
    record.slotHeld();
    record.usage.push(
      Buffer.from(
        JSON.stringify({
          choices: [{ index: 0, message: { role: 'assistant', content: 'a story' } }],
          usage: { prompt_tokens: 12, completion_tokens: 16, total_tokens: 28 },
          timings: { prompt_n: 12, prompt_ms: 30.1, predicted_n: 16, predicted_ms: 140.237 },
        }),
      ),
    );
    record.finish('completed', 200, started + 40);
    const [row] = sinks.activity.list();
    expect(row).toMatchObject({
      requestId: 'r-1',
      model: 'story-alias',
      worker: 'story',
      status: 200,
      outcome: 'completed',
      tokensIn: 12,
      tokensOut: 16,
      tokensPerSecond: 114.1,
      firstByteMs: 40,
    });
    expect(sinks.lines).toEqual([['relayed request', expect.objectContaining({ tokensPerSecond: 114.1 })]]);
    const text = sinks.tokens.render();
    expect(text).toContain('klody_gateway_tokens_total{worker="story",direction="in"} 12');
    expect(text).toContain('klody_gateway_tokens_total{worker="story",direction="out"} 16');
    expect(text).toContain('klody_gateway_generation_tokens_per_second_bucket{worker="story",le="150"} 1');
    expect(text).toContain('klody_gateway_generation_tokens_per_second_bucket{worker="story",le="100"} 0');
  });

  it('is recorded once, however many paths end it', () => {
    const { sinks, record } = recordWithSinks();
    record.finish('rejected', 429, null);
    record.finish('completed', 200, null);
    expect(sinks.activity.list()).toHaveLength(1);
    expect(sinks.activity.list()[0]).toMatchObject({ outcome: 'rejected', status: 429, queueWaitMs: null });
    expect(sinks.lines).toHaveLength(1);
  });

  it('gives no speed to a request that did not complete, and still counts the tokens it reported', () => {
    const { sinks, record, started } = recordWithSinks();
    record.slotHeld();
    record.usage.push(
      Buffer.from(
        'data: {"choices":[{"delta":{"content":"a"}}],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n',
      ),
    );
    record.finish('client_aborted', 200, started + 10);
    expect(sinks.activity.list()[0]).toMatchObject({ tokensIn: 3, tokensOut: 1, tokensPerSecond: null });
    expect(sinks.tokens.render()).not.toContain('generation_tokens_per_second_count');
    expect(sinks.tokens.render()).toContain('klody_gateway_tokens_total{worker="story",direction="in"} 3');
  });
});
