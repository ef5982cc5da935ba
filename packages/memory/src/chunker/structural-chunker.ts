import { estimateTokens } from '../text/tokens.js';
import type { Chunk, Chunker } from './chunker.js';

export interface StructuralChunkerOptions {
  /** Most estimated tokens in a chunk (default 300). A single longer word is the only exception. */
  maxTokens?: number;
  /** Tokens of trailing sentences repeated at the start of the next chunk of the same section (default 40). */
  overlapTokens?: number;
  /** Locale for sentence segmentation (default 'en'; French and English segment alike). */
  locale?: string;
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** A heading opens a new chunk and names the chunks below it. */
  heading: boolean;
  /** First unit of a paragraph (overlap never reaches back over a section break). */
  sectionBreak: boolean;
}

const markdownHeading = /^#{1,6}\s+\S/;
// Plain-text books mark chapters with short standalone lines: "CHAPTER IV.", "Chapitre 3", "I".
const chapterHeading =
  /^(?:chapter|chapitre|book|livre|part|partie|volume|tome)\b[^\n]{0,60}$|^[IVXLC]+\.?$/i;

function isHeading(paragraph: string): boolean {
  if (paragraph.includes('\n')) return false;
  if (markdownHeading.test(paragraph)) return true;
  return paragraph.length <= 80 && chapterHeading.test(paragraph.trim());
}

/**
 * Chunks by structure: headings open chunks, paragraphs are packed whole while they fit the budget,
 * longer paragraphs fall back to sentences (Intl.Segmenter), longer sentences to words. Chunks are
 * slices of the input, so `text.slice(chunk.start, chunk.end) === chunk.text` always holds.
 */
export function createStructuralChunker(options: StructuralChunkerOptions = {}): Chunker {
  const maxTokens = options.maxTokens ?? 300;
  const overlapTokens = Math.min(options.overlapTokens ?? 40, Math.floor(maxTokens / 2));
  const sentences = new Intl.Segmenter(options.locale ?? 'en', { granularity: 'sentence' });

  function splitLong(text: string, start: number, end: number, units: Unit[], sectionBreak: boolean): void {
    let first = sectionBreak;
    for (const segment of sentences.segment(text.slice(start, end))) {
      const trimmed = trimRange(text, start + segment.index, start + segment.index + segment.segment.length);
      if (!trimmed) continue;
      const tokens = estimateTokens(text.slice(trimmed[0], trimmed[1]));
      if (tokens <= maxTokens) {
        units.push({ start: trimmed[0], end: trimmed[1], tokens, heading: false, sectionBreak: first });
        first = false;
        continue;
      }
      // A "sentence" longer than the budget (a list, a table, no punctuation): cut between words.
      const wordPattern = /\S+/g;
      wordPattern.lastIndex = trimmed[0];
      let pieceStart = -1;
      let pieceEnd = -1;
      let pieceTokens = 0;
      for (
        let match = wordPattern.exec(text);
        match && match.index < trimmed[1];
        match = wordPattern.exec(text)
      ) {
        const wordTokens = estimateTokens(match[0]);
        if (pieceStart >= 0 && pieceTokens + wordTokens > maxTokens) {
          units.push({
            start: pieceStart,
            end: pieceEnd,
            tokens: pieceTokens,
            heading: false,
            sectionBreak: first,
          });
          first = false;
          pieceStart = -1;
          pieceTokens = 0;
        }
        if (pieceStart < 0) pieceStart = match.index;
        pieceEnd = Math.min(match.index + match[0].length, trimmed[1]);
        pieceTokens += wordTokens;
      }
      if (pieceStart >= 0) {
        units.push({
          start: pieceStart,
          end: pieceEnd,
          tokens: pieceTokens,
          heading: false,
          sectionBreak: first,
        });
        first = false;
      }
    }
  }

  function toUnits(text: string): Unit[] {
    const units: Unit[] = [];
    const separator = /\n[ \t]*\n\s*/g;
    let position = 0;
    const paragraphs: [number, number][] = [];
    for (let match = separator.exec(text); match; match = separator.exec(text)) {
      paragraphs.push([position, match.index]);
      position = match.index + match[0].length;
    }
    paragraphs.push([position, text.length]);
    for (const [rawStart, rawEnd] of paragraphs) {
      const range = trimRange(text, rawStart, rawEnd);
      if (!range) continue;
      const paragraph = text.slice(range[0], range[1]);
      const tokens = estimateTokens(paragraph);
      if (isHeading(paragraph)) {
        units.push({ start: range[0], end: range[1], tokens, heading: true, sectionBreak: true });
      } else if (tokens <= maxTokens) {
        units.push({ start: range[0], end: range[1], tokens, heading: false, sectionBreak: true });
      } else {
        splitLong(text, range[0], range[1], units, true);
      }
    }
    return units;
  }

  return {
    chunk(text) {
      const units = toUnits(text);
      const chunks: Chunk[] = [];
      let heading: string | null = null;
      let index = 0;
      while (index < units.length) {
        const first = units[index] as Unit;
        if (first.heading) heading = text.slice(first.start, first.end).replace(/^#+\s*/, '');
        let last = index;
        let tokens = first.tokens;
        while (last + 1 < units.length) {
          const next = units[last + 1] as Unit;
          if (next.heading || tokens + next.tokens > maxTokens) break;
          tokens += next.tokens;
          last++;
        }
        const start = first.start;
        const end = (units[last] as Unit).end;
        chunks.push({ ordinal: chunks.length, start, end, text: text.slice(start, end), heading, tokens });
        // Overlap: restart a few sentences back, within the same paragraph only, and always move on.
        let nextIndex = last + 1;
        const next = units[nextIndex];
        if (overlapTokens > 0 && next && !next.sectionBreak && !next.heading) {
          let carried = 0;
          let back = last;
          while (back > index && !(units[back] as Unit).sectionBreak) {
            const unit = units[back] as Unit;
            if (carried + unit.tokens > overlapTokens) break;
            carried += unit.tokens;
            back--;
          }
          if (back < last && carried > 0) nextIndex = back + 1;
        }
        index = nextIndex;
      }
      return chunks;
    },
  };
}

function trimRange(text: string, start: number, end: number): [number, number] | null {
  let from = start;
  let to = end;
  while (from < to && /\s/.test(text[from] as string)) from++;
  while (to > from && /\s/.test(text[to - 1] as string)) to--;
  return from < to ? [from, to] : null;
}
