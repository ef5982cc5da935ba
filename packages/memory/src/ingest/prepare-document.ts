import { detectLanguage, type Language } from '../analysis/analyser.js';
import type { Chunk, Chunker } from '../chunker/chunker.js';
import { type AnalysedChunk, analyseChunk } from '../store/sources.js';
import { contentHash } from '../text/content-hash.js';
import { normalizeText } from '../text/normalize.js';

export interface PreparedDocument {
  language: Language | null;
  chunks: Chunk[];
  analysed: AnalysedChunk[];
}

/** A source's text as stored (normalized) and the hash that tells whether it changed. */
export interface NormalizedSource {
  text: string;
  hash: string;
}

/** Normalizes a raw text and hashes it with its title: equal hashes mean an unchanged source. */
export function normalizeSource(raw: {
  text: string;
  title?: string | null;
  stripGutenberg?: boolean;
}): NormalizedSource {
  const text = normalizeText(raw.text, { stripGutenberg: raw.stripGutenberg ?? true });
  return { text, hash: contentHash(`${raw.title ?? ''}\u0000${text}`) };
}

/** The CPU-bound part of ingesting one normalized text: language, chunks, analysed shadow terms, hashes. */
export function prepareDocument(text: string, title: string | null, chunker: Chunker): PreparedDocument {
  const language = detectLanguage(text, 2_000);
  const chunks = chunker.chunk(text);
  return { language, chunks, analysed: chunks.map((chunk) => analyseChunk({ title, language }, chunk)) };
}

/**
 * What crosses the thread boundary: offsets instead of chunk texts (the main thread slices them from
 * the text it already has) and each chunk's shadow text as one string, so cloning stays cheap.
 */
export interface CompactPreparedDocument {
  language: Language | null;
  chunks: { ordinal: number; start: number; end: number; heading: string | null; tokens: number }[];
  shadowTexts: string[];
  termCounts: number[];
  hashes: string[];
}

export function compact(prepared: PreparedDocument): CompactPreparedDocument {
  return {
    language: prepared.language,
    chunks: prepared.chunks.map(({ ordinal, start, end, heading, tokens }) => ({
      ordinal,
      start,
      end,
      heading,
      tokens,
    })),
    shadowTexts: prepared.analysed.map((entry) => entry.shadowText),
    termCounts: prepared.analysed.map((entry) => entry.termCount),
    hashes: prepared.analysed.map((entry) => entry.contentHash),
  };
}

export function expand(text: string, prepared: CompactPreparedDocument): PreparedDocument {
  return {
    language: prepared.language,
    chunks: prepared.chunks.map((chunk) => ({ ...chunk, text: text.slice(chunk.start, chunk.end) })),
    analysed: prepared.shadowTexts.map((shadowText, index) => ({
      shadowText,
      termCount: prepared.termCounts[index] as number,
      contentHash: prepared.hashes[index] as string,
    })),
  };
}
