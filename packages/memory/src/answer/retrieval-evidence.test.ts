import { describe, expect, it } from 'vitest';
import type { EvidenceTerms } from './evidence.js';
import { type EvidenceChunk, retrievalEvidence } from './retrieval-evidence.js';

// Four equally weighted terms: each one found is a quarter of the evidence.
const terms: EvidenceTerms = {
  terms: ['ahab', 'quadrant', 'deck', 'curs'],
  weights: [1, 1, 1, 1],
  language: 'en',
};

const chunk = (sourceId: number, start: number, text: string): EvidenceChunk => ({
  sourceId,
  start,
  end: start + 900,
  text,
});

describe('retrievalEvidence', () => {
  it('reads a chunk with the other retrieved chunks of its source', () => {
    const chunks = [
      chunk(1, 10_000, 'Ahab seized the quadrant.'),
      chunk(1, 90_000, 'He dashed it to the deck and cursed it.'),
    ];
    expect(retrievalEvidence(terms, chunks)).toBe(1);
    // Each alone holds half of the question; a window of 2,000 characters does not reach the other.
    expect(retrievalEvidence(terms, chunks, { windowCharacters: 2_000 })).toBe(0.5);
    expect(
      retrievalEvidence(
        terms,
        [chunks[0] as EvidenceChunk, { ...(chunks[1] as EvidenceChunk), start: 11_500 }],
        {
          windowCharacters: 2_000,
        },
      ),
    ).toBe(1);
  });

  it('never adds up chunks of different sources', () => {
    const otherBook = [chunk(1, 10_000, 'Ahab seized the quadrant.'), chunk(2, 10_900, 'The deck, cursed.')];
    expect(retrievalEvidence(terms, otherBook)).toBe(0.5);
  });

  it('reads the sources of the three best chunks only (anchors)', () => {
    const chunks = [
      chunk(1, 0, 'Ahab.'),
      chunk(2, 0, 'Nothing here.'),
      chunk(3, 0, 'Nothing either.'),
      chunk(4, 0, 'Ahab, the quadrant, the deck: cursed.'),
    ];
    expect(retrievalEvidence(terms, chunks)).toBe(0.25);
    expect(retrievalEvidence(terms, chunks, { anchors: 4 })).toBe(1);
  });
});
