import {
  defaultMaxCharacters,
  defaultMinCharacters,
  type SegmentTextOptions,
  segmentText,
} from './segment-text.js';

/** Sentences out of text that arrives in pieces (a language model's deltas), for speech to start early. */
export interface SentenceStream {
  /** Adds `delta`; returns the sentences it completed (often none), in order. */
  push(delta: string): string[];
  /** The text ended: returns what is left. The stream is then empty, ready for a new text. */
  flush(): string[];
}

interface Span {
  start: number;
  end: number;
}

const lineBreak = /\r\n|[\n\r\u2028\u2029\u0085]/gu;
const letter = /\p{L}/u;

/**
 * Splits streamed text with `segmentText`'s rules (abbreviations, initials, decimals, ellipses, « »,
 * lines, the `maxCharacters` cap). A sentence is given out only once the text after it proves that it
 * ended: a line break, or the next sentence's first letter (which settles "etc. Puis" against
 * "etc. puis", "3. 14", "« Non. » dit-il"); never a piece of a word.
 *
 * The first sentence goes out alone as soon as it is complete, however short, so that speech starts at
 * once; later sentences shorter than `minCharacters` wait to be merged with the next ones of the same
 * line, as `segmentText` merges them. Concatenated, the output holds the same text as `segmentText` on
 * the whole text.
 */
export function createSentenceStream(options: SegmentTextOptions = {}): SentenceStream {
  const maxCharacters = options.maxCharacters ?? defaultMaxCharacters;
  const minCharacters = options.minCharacters ?? defaultMinCharacters;
  // Validates the options now rather than at the first push.
  segmentText('', options);
  const sentenceOptions = { language: options.language, maxCharacters, minCharacters: 0 };

  // The text not given out yet (from the held sentences on, if any): what is out is dropped.
  let text = '';
  // Offset in `text` up to which sentences were given out or held.
  let consumed = 0;
  // Short sentences of the current line waiting for the next one.
  let held: Span | null = null;
  let first = true;

  function release(output: string[]): void {
    if (held) output.push(text.slice(held.start, held.end));
    held = null;
  }

  function accept(span: Span, output: string[]): void {
    if (first) {
      first = false;
      output.push(text.slice(span.start, span.end));
      return;
    }
    if (held) {
      const between = text.slice(held.end, span.start);
      lineBreak.lastIndex = 0;
      if (lineBreak.test(between) || span.end - held.start > maxCharacters) release(output);
    }
    held = held ? { start: held.start, end: span.end } : { ...span };
    if (held.end - held.start >= minCharacters) release(output);
  }

  /** Gives out the sentences known to be complete (all of them at the end of the text). */
  function advance(ended: boolean): string[] {
    const output: string[] = [];
    const sentences = segmentText(text, sentenceOptions);
    let lastBreak: Span | null = null;
    for (const match of text.matchAll(lineBreak)) {
      lastBreak = { start: match.index ?? 0, end: (match.index ?? 0) + match[0].length };
    }
    for (const [index, sentence] of sentences.entries()) {
      if (sentence.end <= consumed) continue;
      const complete =
        ended ||
        (lastBreak !== null && sentence.end <= lastBreak.start) ||
        sentences.slice(index + 1).some((next) => letter.test(next.text));
      if (!complete) break;
      // Clipped in case later text moved a boundary into what was already given out: nothing is
      // ever said twice.
      let start = Math.max(sentence.start, consumed);
      while (start < sentence.end && /\s/u.test(text[start] ?? '')) start += 1;
      consumed = sentence.end;
      if (start < sentence.end) accept({ start, end: sentence.end }, output);
    }
    if (held && (ended || (lastBreak !== null && held.end <= lastBreak.start))) release(output);
    // Forget what is out (the decisions about it are taken), so that each push segments only the
    // current sentences, not the whole paragraph again: a long paragraph would cost quadratic time.
    const keep = held ? held.start : consumed;
    if (keep > 0) {
      text = text.slice(keep);
      consumed -= keep;
      if (held) held = { start: 0, end: held.end - keep };
    }
    return output;
  }

  return {
    push(delta) {
      if (delta.length === 0) return [];
      text += delta;
      return advance(false);
    },
    flush() {
      const output = advance(true);
      text = '';
      consumed = 0;
      held = null;
      first = true;
      return output;
    },
  };
}
