import { describe, expect, it } from 'vitest';
import { cutJobText, segmentSpeech } from './job-segments.js';

const dialogue = [
  '‘Who are you?’ said the Caterpillar.',
  'Alice replied, rather shyly, ‘I hardly know, sir, just at present.’',
  '‘What do you mean by that?’ said the Caterpillar sternly. ‘Explain yourself!’',
  '‘I can’t explain myself, I’m afraid, sir,’ said Alice, ‘because I’m not myself, you see.’',
].join('\n\n');

describe('cutJobText', () => {
  it('merges short paragraphs up to the maximum, and the engine hears one paragraph', () => {
    const segments = cutJobText(dialogue, { maxCharacters: 160, minCharacters: 100 });
    expect(segments.length).toBeLessThan(4);
    for (const segment of segments) expect(segment.end - segment.start).toBeLessThanOrEqual(160);
    // Every sentence is in exactly one segment, in order, and nothing else is.
    expect(segments.map((segment) => dialogue.slice(segment.start, segment.end)).join('\n\n')).toBe(dialogue);
    const first = segments[0] as { start: number; end: number };
    expect(dialogue.slice(first.start, first.end)).toContain('\n\n');
    expect(segmentSpeech(dialogue, first)).toBe(
      '‘Who are you?’ said the Caterpillar. Alice replied, rather shyly, ‘I hardly know, sir, just at present.’',
    );
  });

  it('keeps long paragraphs apart', () => {
    const long = `${'The river ran on and on through the valley. '.repeat(6).trim()}\n\n${'Night fell over the hills. '.repeat(6).trim()}`;
    const segments = cutJobText(long, { maxCharacters: 300, minCharacters: 40 });
    expect(segments.every((segment) => !long.slice(segment.start, segment.end).includes('\n'))).toBe(true);
  });
});
