import { describe, expect, it } from 'vitest';
import { toSrt, toVtt } from './subtitles.js';

const segments = [
  { start: 0, end: 1.25, text: ' Hello there.' },
  { start: 1.25, end: 3_725.5, text: 'A long time later.' },
];

describe('subtitles', () => {
  it('writes SubRip cues with commas and numbers', () => {
    expect(toSrt(segments)).toBe(
      '1\n00:00:00,000 --> 00:00:01,250\nHello there.\n\n2\n00:00:01,250 --> 01:02:05,500\nA long time later.\n',
    );
  });

  it('writes WebVTT with its header and dotted times', () => {
    expect(toVtt(segments)).toBe(
      'WEBVTT\n\n00:00:00.000 --> 00:00:01.250\nHello there.\n\n00:00:01.250 --> 01:02:05.500\nA long time later.\n',
    );
    expect(toVtt([])).toBe('WEBVTT\n\n');
  });
});
