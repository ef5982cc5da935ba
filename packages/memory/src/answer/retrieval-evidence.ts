import { coverage, type EvidenceTerms } from './evidence.js';

/** The part of a retrieved chunk the evidence reads: its text and where it lies in its source. */
export interface EvidenceChunk {
  text: string;
  sourceId: number;
  start: number;
  end: number;
}

export interface RetrievalEvidenceOptions {
  /** The best chunks each read with their window (default 5). */
  anchors?: number;
  /**
   * Retrieved chunks of the same source lying at most this many characters from an anchor count
   * with it (default 2,000: about two chunks); 0 counts only the chunks it overlaps or touches.
   */
  windowCharacters?: number;
}

/** Characters between two spans of one source (0 when they overlap or touch). */
const gap = (left: EvidenceChunk, right: EvidenceChunk) =>
  Math.max(0, right.start - left.end, left.start - right.end);

/**
 * The evidence the books hold for a question, in [0, 1], from its retrieved chunks (best first):
 * what the refusal threshold is compared with. Each of the best chunks is read together with the
 * retrieved chunks of the same source around it, since a book often says what a question asks over
 * two neighbouring chunks (the question's words in one, the rest in the next); chunks of other
 * books, or far apart in one, never add up, so scattered single words do not make evidence.
 */
export function retrievalEvidence(
  evidence: EvidenceTerms,
  chunks: readonly EvidenceChunk[],
  options: RetrievalEvidenceOptions = {},
): number {
  const windowCharacters = options.windowCharacters ?? 2_000;
  let best = 0;
  for (const anchor of chunks.slice(0, options.anchors ?? 5)) {
    const window = chunks.filter(
      (chunk) => chunk.sourceId === anchor.sourceId && gap(anchor, chunk) <= windowCharacters,
    );
    best = Math.max(best, coverage(evidence, window.map((chunk) => chunk.text).join('\n')));
  }
  return best;
}
