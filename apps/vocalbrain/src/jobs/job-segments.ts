// How a job's text is cut into segments, the unit of progress, cancel, resume and of one engine run.
import { type SegmentTextOptions, segmentTextForSpeech } from '@klody/voice';

export interface SegmentSpan {
  start: number;
  end: number;
}

/**
 * Sentences from @klody/voice's segmenter (never across a line break, at most `maxCharacters`), then
 * short neighbours merged up to `maxCharacters` even across paragraphs: dialogue runs in many short
 * paragraphs, and each segment is one engine process (espeak-ng) and one database write. A merged
 * segment is spoken as one paragraph (`segmentSpeech`); whole paragraphs between segments keep their
 * longer pause.
 */
export function cutJobText(text: string, options: SegmentTextOptions): SegmentSpan[] {
  const maxCharacters = options.maxCharacters ?? 1_000;
  const minCharacters = options.minCharacters ?? 400;
  const merged: SegmentSpan[] = [];
  for (const { start, end } of segmentTextForSpeech(text, options)) {
    const previous = merged.at(-1);
    if (
      previous &&
      (previous.end - previous.start < minCharacters || end - start < minCharacters) &&
      end - previous.start <= maxCharacters
    ) {
      previous.end = end;
    } else {
      merged.push({ start, end });
    }
  }
  return merged;
}

/** What the engine is given for a segment: its text with line breaks as spaces (one engine run). */
export function segmentSpeech(text: string, segment: SegmentSpan): string {
  return text.slice(segment.start, segment.end).replace(/\s*[\r\n\u2028\u2029\u0085]+\s*/gu, ' ');
}
