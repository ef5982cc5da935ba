import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createSegmentedTextToSpeech } from './segmented-text-to-speech.js';

// A slow engine written for this test: each segment takes `delayMs` and the log says what ran when.
function slowEngine(delayMs: number) {
  const log: string[] = [];
  const aborted: string[] = [];
  const tts = createSegmentedTextToSpeech<null>({
    id: 'slow-test-engine',
    languages: async () => ['fr'],
    voices: async () => [],
    prepare: async () => null,
    async synthesizeSegment(text, _prepared, signal) {
      log.push(`start ${text}`);
      await sleep(delayMs, undefined, { signal }).catch((error: unknown) => {
        aborted.push(text);
        throw error;
      });
      log.push(`end ${text}`);
      return { samples: new Float32Array(text.length), sampleRate: 1000 };
    },
  });
  return { tts, log, aborted };
}

const text = 'Première phrase assez longue.\nDeuxième phrase assez longue.\nTroisième phrase assez longue.';

describe('segmented streaming', () => {
  it('is strictly on demand by default', async () => {
    const { tts, log } = slowEngine(5);
    const iterator = tts.stream(text)[Symbol.asyncIterator]();
    await iterator.next();
    await sleep(30);
    expect(log).toEqual(['start Première phrase assez longue.', 'end Première phrase assez longue.']);
    await iterator.return?.();
  });

  it('with prefetch, starts the next segment once the first chunk is ready, never before', async () => {
    const { tts, log } = slowEngine(20);
    const chunks: string[] = [];
    for await (const chunk of tts.stream(text, { prefetch: 1 })) {
      chunks.push(chunk.text);
      await sleep(25); // the "player" takes a while; the engine works meanwhile
    }
    expect(chunks).toHaveLength(3);
    expect(log.slice(0, 3)).toEqual([
      'start Première phrase assez longue.',
      'end Première phrase assez longue.',
      'start Deuxième phrase assez longue.',
    ]);
  });

  it('cancels the segments started ahead when the consumer stops', async () => {
    const { tts, aborted } = slowEngine(50);
    for await (const chunk of tts.stream(text, { prefetch: 2 })) {
      expect(chunk.index).toBe(0);
      break;
    }
    await sleep(10);
    expect(aborted).toEqual(['Deuxième phrase assez longue.', 'Troisième phrase assez longue.']);
  });

  it('refuses a nonsensical prefetch', async () => {
    const { tts } = slowEngine(1);
    await expect(tts.synthesize(text, { prefetch: -1 })).rejects.toMatchObject({ code: 'invalid_options' });
  });
});
