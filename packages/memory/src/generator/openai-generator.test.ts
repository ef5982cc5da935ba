// The OpenAI generator against every fault of the shared fault table, on a real local HTTP server:
// it answers when the upstream is healthy, and otherwise fails with a clear generator_failed error
// within its time limits — never an empty answer, never a raw parser or socket error.
import { type FaultUpstream, faultCases, startFaultUpstream } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { createOpenAiGenerator } from './openai-generator.js';

const firstTokenTimeoutMs = 600;
const idleTimeoutMs = 400;
const messages = [{ role: 'user' as const, content: 'When did the keeper light the lamp?' }];

describe('createOpenAiGenerator against a fault upstream', () => {
  let upstream: FaultUpstream;
  beforeAll(async () => {
    upstream = await startFaultUpstream({ trickleIntervalMs: 100 });
  });
  afterAll(() => upstream.close());

  const generator = () =>
    createOpenAiGenerator({ baseUrl: upstream.url, model: 'brain', firstTokenTimeoutMs, idleTimeoutMs });

  async function outcome(run: () => Promise<string>) {
    const started = performance.now();
    try {
      const text = await run();
      return { text, error: null, milliseconds: performance.now() - started };
    } catch (error) {
      return { text: null, error, milliseconds: performance.now() - started };
    }
  }

  for (const row of faultCases) {
    for (const mode of ['stream', 'generate'] as const) {
      it(`${mode}: ${row.name}`, async () => {
        await upstream.setFault(row.fault);
        const result = await outcome(async () => {
          if (mode === 'generate') return generator().generate(messages);
          let text = '';
          for await (const piece of generator().stream(messages)) text += piece;
          return text;
        });
        if (row.accepted.includes('answer')) {
          expect(result.error).toBeNull();
          expect(result.text).toBe('The keeper lit the great lamp at dusk [1].');
        } else {
          expect(result.text).toBeNull();
          expect(MemoryError.isInstance(result.error)).toBe(true);
          expect((result.error as MemoryError).code).toBe('generator_failed');
          expect((result.error as MemoryError).message).toContain(upstream.url);
          if (row.fault.kind === 'hang' || row.fault.kind === 'slow-trickle')
            expect(((result.error as MemoryError).cause as Error).name).toBe('TimeoutError');
        }
        expect(result.milliseconds).toBeLessThan(firstTokenTimeoutMs + idleTimeoutMs + 1_000);
      });
    }
  }

  it('keeps streaming past the first-token limit while tokens keep coming', async () => {
    await upstream.setFault('ok');
    const slow = await startFaultUpstream({ trickleIntervalMs: 1 });
    try {
      await slow.setFault('slow-trickle', ['chat']);
      const patient = createOpenAiGenerator({
        baseUrl: slow.url,
        model: 'brain',
        firstTokenTimeoutMs: 1_000,
        idleTimeoutMs: 500,
      });
      let text = '';
      for await (const piece of patient.stream(messages)) text += piece;
      expect(text).toBe('The keeper lit the great lamp at dusk [1].');
    } finally {
      await slow.close();
    }
  });

  it('reports a cancelled request as aborted, not as a failure', async () => {
    await upstream.setFault('hang');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await generator()
      .generate(messages, { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect((error as MemoryError).code).toBe('aborted');
  });
});
