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
   * The retrieved chunks of the anchor's source lying at most this many characters from it count
   * with it (default 20,000: about a chapter); 0 counts only the chunks it overlaps or touches.
   */
  windowCharacters?: number;
}

/** Characters between two spans of one source (0 when they overlap or touch). */
const gap = (left: EvidenceChunk, right: EvidenceChunk) =>
  Math.max(0, right.start - left.end, left.start - right.end);

/**
 * The evidence the books hold for a question, in [0, 1], from its retrieved chunks (best first):
 * what the refusal threshold is compared with. Each of the best chunks is read together with the
 * other retrieved chunks of its source within about a chapter of it: a book often says what a
 * question asks over several passages (the question's names in one, the rest in the next). Chunks
 * of different sources never add up, nor chunks far apart in one: words scattered over unrelated
 * books, or over a whole long book ("won", "cup", "country" somewhere in Alice for "Which country
 * won the World Cup?"), are what an unanswerable question finds, and they do not make evidence.
 * The settings and the refusal threshold were chosen together on the tuning half of Library
 * Brain's hand-written book questions (apps/library-brain/eval).
 */
export function retrievalEvidence(
  evidence: EvidenceTerms,
  chunks: readonly EvidenceChunk[],
  options: RetrievalEvidenceOptions = {},
): number {
  const windowCharacters = options.windowCharacters ?? 20_000;
  let best = 0;
  for (const anchor of chunks.slice(0, options.anchors ?? 5)) {
    const window = chunks.filter(
      (chunk) => chunk.sourceId === anchor.sourceId && gap(anchor, chunk) <= windowCharacters,
    );
    best = Math.max(best, coverage(evidence, window.map((chunk) => chunk.text).join('\n')));
  }
  return best;
}
