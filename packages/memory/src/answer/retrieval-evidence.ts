import { coverage, type EvidenceTerms } from './evidence.js';

/** The part of a retrieved chunk the evidence reads. */
export interface EvidenceChunk {
  text: string;
}

/**
 * The evidence the books hold for a question, in [0, 1], from its retrieved chunks (best first):
 * what the refusal threshold is compared with.
 */
export function retrievalEvidence(evidence: EvidenceTerms, chunks: readonly EvidenceChunk[]): number {
  return chunks.slice(0, 3).reduce((best, chunk) => Math.max(best, coverage(evidence, chunk.text)), 0);
}
