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
  it('reads a chunk with the retrieved chunks of its source within about a chapter of it', () => {
    const near = [
      chunk(1, 10_000, 'Ahab seized the quadrant.'),
      chunk(1, 25_000, 'He dashed it to the deck and cursed it.'),
    ];
    expect(retrievalEvidence(terms, near)).toBe(1);
    // Each alone holds half of the question.
    expect(retrievalEvidence(terms, near, { windowCharacters: 0 })).toBe(0.5);
  });

  it('never adds up chunks of different sources, nor chunks far apart in one', () => {
    const otherBook = [chunk(1, 10_000, 'Ahab seized the quadrant.'), chunk(2, 10_900, 'The deck, cursed.')];
    expect(retrievalEvidence(terms, otherBook)).toBe(0.5);
    const farApart = [chunk(1, 10_000, 'Ahab seized the quadrant.'), chunk(1, 90_000, 'The deck, cursed.')];
    expect(retrievalEvidence(terms, farApart)).toBe(0.5);
    expect(retrievalEvidence(terms, farApart, { windowCharacters: Number.POSITIVE_INFINITY })).toBe(1);
  });

  it('measures from the five best chunks only (anchors)', () => {
    const chunks = [
      chunk(1, 0, 'Ahab.'),
      chunk(2, 0, 'Nothing here.'),
      chunk(3, 0, 'Nothing either.'),
      chunk(4, 0, 'Nor here.'),
      chunk(5, 0, 'Nor there.'),
      chunk(6, 0, 'Ahab, the quadrant, the deck: cursed.'),
    ];
    expect(retrievalEvidence(terms, chunks)).toBe(0.25);
    expect(retrievalEvidence(terms, chunks, { anchors: 6 })).toBe(1);
  });
});
