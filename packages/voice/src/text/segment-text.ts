import { VoiceError } from '../errors/index.js';

/** A piece of text to synthesise in one go. `input.slice(start, end) === text` always holds. */
export interface TextSegment {
  text: string;
  /** UTF-16 offsets into the input text. */
  start: number;
  end: number;
  /** 0-based index of the line/paragraph it comes from (segments never span a newline). */
  paragraph: number;
}

export interface SegmentTextOptions {
  /** Language tag for the sentence rules of `Intl.Segmenter` (default: language-neutral). */
  language?: string;
  /** Longest segment in characters; longer sentences are cut at a clause, else a space (default 250). */
  maxCharacters?: number;
  /** Segments shorter than this are merged with a neighbour of the same paragraph (default 24; 0 = never). */
  minCharacters?: number;
}

export const defaultMaxCharacters = 250;
export const defaultMinCharacters = 24;

// Words followed by a full stop that never end a sentence (titles and reference abbreviations, FR + EN).
// "etc." is not here: it often ends a sentence; a lowercase continuation joins it instead.
const nonTerminalAbbreviations = new Set(
  [
    'm',
    'mm',
    'mme',
    'mmes',
    'mlle',
    'mlles',
    'me',
    'mgr',
    'dr',
    'drs',
    'pr',
    'prof',
    'mr',
    'mrs',
    'ms',
    'messrs',
    'st',
    'ste',
    'sr',
    'gen',
    'col',
    'capt',
    'lt',
    'sgt',
    'rev',
    'hon',
    'cf',
    'p',
    'pp',
    'chap',
    'ch',
    'fig',
    'vol',
    'no',
    'nos',
    'art',
    'al',
    'env',
    'av',
    'apr',
    'vs',
    'approx',
    'ca',
    'ex',
    'réf',
    'ref',
    'jan',
    'janv',
    'feb',
    'févr',
    'fév',
    'mar',
    'aug',
    'sept',
    'sep',
    'oct',
    'nov',
    'dec',
    'déc',
    'bd',
    'boul',
    'ave',
  ].map((word) => word.normalize('NFC')),
);

// Dotted abbreviations ("e.g.", "p.m.", "U.S.A.") need no rule of their own: followed by lowercase they
// join by the continuation rule, ending in a capital ("J.-C.", "O.N.U.") they join as initials, and
// "10 a.m. They…" is a real sentence end.
// A single capital followed by a full stop: an initial ("J. R. R. Tolkien", "J.-P. Sartre").
const initial = /(?:^|[\s(«"“'.-])\p{Lu}\.$/u;
const closingPunctuation = /^[»”’)\]}›]/u;
const lowercaseStart = /^[\s«“"'‹([—–-]*\p{Ll}/u;
const digitStart = /^[\s]*\p{N}/u;

function lastWord(text: string): string {
  const match = /([\p{L}]+)\.$/u.exec(text);
  return match?.[1] ? match[1].toLowerCase().normalize('NFC') : '';
}

/**
 * Whether the sentence break the segmenter put between `before` and `after` is false: a title or
 * abbreviation, an initial, a decimal or ordinal, a closing quote that belongs to the previous
 * sentence, or a continuation in lowercase (after "etc.", an ellipsis, « … » dit-il).
 */
export function isFalseSentenceBreak(before: string, after: string): boolean {
  const left = before.trimEnd();
  const right = after.trimStart();
  if (left.length === 0 || right.length === 0) return true;
  if (closingPunctuation.test(right)) return true;
  if (lowercaseStart.test(right)) return true;
  if (!left.endsWith('.')) return false;
  if (nonTerminalAbbreviations.has(lastWord(left))) return true;
  if (initial.test(left)) return true;
  // A list marker or ordinal alone ("1.", "12.") introduces what follows.
  if (/^\p{N}{1,3}\.$/u.test(left)) return true;
  // "3. 14" or "le 14. 7" — a number cut in two by a stray space; a number then a number never starts a sentence.
  if (/\p{N}\.$/u.test(left) && digitStart.test(right)) return true;
  return false;
}

interface Span {
  start: number;
  end: number;
}

const segmenters = new Map<string, Intl.Segmenter>();
function sentenceSegmenter(language: string | undefined): Intl.Segmenter {
  const key = language ?? '';
  let segmenter = segmenters.get(key);
  if (!segmenter) {
    let locales: string | undefined;
    try {
      locales = language ? Intl.getCanonicalLocales(language)[0] : undefined;
    } catch {
      locales = undefined; // an invalid tag only loses language-specific rules, not the split
    }
    segmenter = new Intl.Segmenter(locales, { granularity: 'sentence' });
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

function trimSpan(text: string, span: Span): Span | null {
  let { start, end } = span;
  while (start < end && /\s/u.test(text[start] ?? '')) start += 1;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end -= 1;
  return end > start ? { start, end } : null;
}

function sentencesOfLine(text: string, line: Span, language: string | undefined): Span[] {
  const pieces: Span[] = [];
  for (const piece of sentenceSegmenter(language).segment(text.slice(line.start, line.end))) {
    const start = line.start + piece.index;
    pieces.push({ start, end: start + piece.segment.length });
  }
  const sentences: Span[] = [];
  for (const original of pieces) {
    const piece = { ...original };
    const previous = sentences.at(-1);
    // The segmenter may start a piece with the quote or bracket that closes the previous sentence
    // ("« Non. » Puis…"): that mark goes back to the previous sentence, the rest is judged on its own.
    const closers = previous ? /^\s*[»”’)\]}›]+/u.exec(text.slice(piece.start, piece.end)) : null;
    if (previous && closers) {
      previous.end = piece.start + closers[0].length;
      piece.start = previous.end;
      if (text.slice(piece.start, piece.end).trim().length === 0) {
        previous.end = piece.end;
        continue;
      }
    }
    if (
      previous &&
      isFalseSentenceBreak(text.slice(previous.start, previous.end), text.slice(piece.start, piece.end))
    ) {
      previous.end = piece.end;
    } else {
      sentences.push({ ...piece });
    }
  }
  return sentences.map((span) => trimSpan(text, span)).filter((span): span is Span => span !== null);
}

// Where a too-long sentence may be cut, best first: after clause punctuation, or before an opening
// bracket, quote or dash (the mark opens the next piece: "ici (" then "avec…" read badly); else at a space.
const clauseBreak = /[,;:)\]»—–]\s+|\s+(?=[—–(«])/gu;

function cutLongSpan(text: string, span: Span, maxCharacters: number): Span[] {
  const parts: Span[] = [];
  let start = span.start;
  while (span.end - start > maxCharacters) {
    const limit = start + maxCharacters;
    const window = text.slice(start, limit + 1);
    let cut = -1;
    // Prefer a clause boundary in the second half so that pieces stay reasonably long.
    for (const match of window.matchAll(clauseBreak)) {
      const position = start + (match.index ?? 0) + match[0].trimEnd().length;
      if (position - start >= maxCharacters / 2 && position <= limit) cut = position;
    }
    if (cut < 0) {
      const space = window.lastIndexOf(' ');
      if (space > 0) cut = start + space;
    }
    if (cut <= start) {
      cut = limit;
      // Never split a surrogate pair.
      const code = text.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    const piece = trimSpan(text, { start, end: cut });
    if (piece) parts.push(piece);
    // The next piece starts at its first character: a space left in front would take a place in its
    // window, and where a piece is cut would depend on whether the text before it is still there.
    start = cut;
    while (start < span.end && /\s/u.test(text[start] ?? '')) start += 1;
  }
  const rest = trimSpan(text, { start, end: span.end });
  if (rest) parts.push(rest);
  return parts;
}

function mergeShortSpans(spans: Span[], minCharacters: number, maxCharacters: number): Span[] {
  const merged: Span[] = [];
  for (const span of spans) {
    const previous = merged.at(-1);
    if (
      previous &&
      (previous.end - previous.start < minCharacters || span.end - span.start < minCharacters) &&
      span.end - previous.start <= maxCharacters
    ) {
      previous.end = span.end;
    } else {
      merged.push({ ...span });
    }
  }
  return merged;
}

/**
 * Cuts text for TTS: newlines first (one line never becomes one endless utterance), then sentences
 * with `Intl.Segmenter` corrected for abbreviations, initials, decimals, ellipses and « », then
 * sentences longer than `maxCharacters` at a clause or a space; short pieces are merged.
 */
export function segmentText(text: string, options: SegmentTextOptions = {}): TextSegment[] {
  const maxCharacters = options.maxCharacters ?? defaultMaxCharacters;
  const minCharacters = options.minCharacters ?? defaultMinCharacters;
  if (!Number.isInteger(maxCharacters) || maxCharacters < 8) {
    throw new VoiceError(
      'invalid_options',
      `maxCharacters must be an integer of at least 8, got ${maxCharacters}`,
    );
  }
  if (!Number.isInteger(minCharacters) || minCharacters < 0 || minCharacters > maxCharacters) {
    throw new VoiceError(
      'invalid_options',
      `minCharacters must be an integer between 0 and maxCharacters (${maxCharacters}), got ${minCharacters}`,
    );
  }
  const segments: TextSegment[] = [];
  const lineBreak = /\r\n|[\n\r\u2028\u2029\u0085]/gu;
  let lineStart = 0;
  let paragraph = 0;
  const lines: Span[] = [];
  for (const match of text.matchAll(lineBreak)) {
    lines.push({ start: lineStart, end: match.index ?? 0 });
    lineStart = (match.index ?? 0) + match[0].length;
  }
  lines.push({ start: lineStart, end: text.length });
  for (const line of lines) {
    const trimmed = trimSpan(text, line);
    if (!trimmed || !/[\p{L}\p{N}]/u.test(text.slice(trimmed.start, trimmed.end))) continue;
    const pieces = sentencesOfLine(text, trimmed, options.language).flatMap((span) =>
      cutLongSpan(text, span, maxCharacters),
    );
    for (const span of mergeShortSpans(pieces, minCharacters, maxCharacters)) {
      segments.push({ text: text.slice(span.start, span.end), start: span.start, end: span.end, paragraph });
    }
    paragraph += 1;
  }
  return segments;
}

/** `segmentText`, failing with `empty_text` when nothing speakable is left. */
export function segmentTextForSpeech(text: string, options: SegmentTextOptions = {}): TextSegment[] {
  if (typeof text !== 'string') throw new VoiceError('empty_text', 'the text to speak must be a string');
  const segments = segmentText(text, options);
  if (segments.length === 0) {
    throw new VoiceError(
      'empty_text',
      text.trim().length === 0
        ? 'the text to speak is empty'
        : 'the text to speak holds no letters or digits, only punctuation or symbols',
    );
  }
  return segments;
}
