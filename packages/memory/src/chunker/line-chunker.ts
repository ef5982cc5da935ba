import { estimateTokens } from '../text/tokens.js';
import type { Chunk, Chunker } from './chunker.js';

export interface LineChunkerOptions {
  /** Most estimated tokens in a chunk (default 400). A single longer line is cut by characters. */
  maxTokens?: number;
  /** Lines repeated at the start of the next chunk (default 2), so a statement cut in two is whole once. */
  overlapLines?: number;
}

/** A range of whole lines of a text: `[start, end)`, trimmed of blank lines at both ends. */
export interface LineRangePiece {
  start: number;
  end: number;
  tokens: number;
}

/**
 * Splits `text.slice(start, end)` into pieces of whole lines within the token budget. Blank lines at a
 * piece's edges are left out; a line longer than the budget on its own (generated code, a long string)
 * is cut every `maxTokens * 4` characters, about the budget in code tokens.
 */
export function splitLines(
  text: string,
  start: number,
  end: number,
  maxTokens: number,
  overlapLines: number,
): LineRangePiece[] {
  const lines: { start: number; end: number; tokens: number }[] = [];
  let position = start;
  while (position < end) {
    const newline = text.indexOf('\n', position);
    const lineEnd = newline < 0 || newline >= end ? end : newline;
    const tokens = estimateTokens(text.slice(position, lineEnd));
    if (tokens > maxTokens) {
      const width = maxTokens * 4;
      for (let cut = position; cut < lineEnd; cut += width) {
        const cutEnd = Math.min(cut + width, lineEnd);
        lines.push({ start: cut, end: cutEnd, tokens: estimateTokens(text.slice(cut, cutEnd)) });
      }
    } else {
      lines.push({ start: position, end: lineEnd, tokens });
    }
    position = lineEnd + 1;
  }
  const pieces: LineRangePiece[] = [];
  let index = 0;
  while (index < lines.length) {
    let last = index;
    let tokens = (lines[index] as (typeof lines)[number]).tokens;
    while (
      last + 1 < lines.length &&
      tokens + (lines[last + 1] as (typeof lines)[number]).tokens <= maxTokens
    ) {
      last++;
      tokens += (lines[last] as (typeof lines)[number]).tokens;
    }
    let from = index;
    let to = last;
    while (from < to && isBlank(text, lines[from] as (typeof lines)[number])) from++;
    while (to > from && isBlank(text, lines[to] as (typeof lines)[number])) to--;
    const first = lines[from] as (typeof lines)[number];
    if (!isBlank(text, first)) {
      const pieceStart = first.start;
      const pieceEnd = (lines[to] as (typeof lines)[number]).end;
      pieces.push({
        start: pieceStart,
        end: pieceEnd,
        tokens: estimateTokens(text.slice(pieceStart, pieceEnd)),
      });
    }
    if (last + 1 >= lines.length) break;
    // Overlap, unless the repeated lines and the next new one together exceed the budget: every
    // chunk then holds at least one line that no chunk before it held.
    let next = Math.max(index + 1, last + 1 - overlapLines);
    let carried = 0;
    for (let line = next; line <= last + 1; line++) carried += (lines[line] as (typeof lines)[number]).tokens;
    if (carried > maxTokens) next = last + 1;
    index = next;
  }
  return pieces;
}

function isBlank(text: string, line: { start: number; end: number }): boolean {
  return text.slice(line.start, line.end).trim().length === 0;
}

/**
 * Chunks by lines: for code in a language without a kept grammar (JSON, YAML, TOML, SQL…), where
 * paragraphs and sentences mean nothing. Chunks are slices of the input with exact offsets.
 */
export function createLineChunker(options: LineChunkerOptions = {}): Chunker {
  const maxTokens = options.maxTokens ?? 400;
  const overlapLines = Math.max(0, Math.floor(options.overlapLines ?? 2));
  return {
    chunk(text) {
      return splitLines(text, 0, text.length, maxTokens, overlapLines).map(
        (piece, ordinal): Chunk => ({
          ordinal,
          start: piece.start,
          end: piece.end,
          text: text.slice(piece.start, piece.end),
          heading: null,
          tokens: piece.tokens,
        }),
      );
    },
  };
}
