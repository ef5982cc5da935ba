import { readFileSync } from 'node:fs';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../text/normalize.js';
import type { Chunk } from './chunker.js';
import { createStructuralChunker } from './structural-chunker.js';

function expectExactOffsets(text: string, chunks: Chunk[]): void {
  for (const chunk of chunks) {
    expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  }
}

describe('createStructuralChunker', () => {
  it('keeps short paragraphs together and opens a chunk at each heading', () => {
    const text = '# Intro\n\nFirst paragraph.\n\nSecond one.\n\n## Details\n\nThird paragraph here.';
    const chunks = createStructuralChunker({ maxTokens: 50 }).chunk(text);
    expectExactOffsets(text, chunks);
    expect(chunks.map((chunk) => chunk.heading)).toEqual(['Intro', 'Details']);
    expect(chunks[0]?.text).toBe('# Intro\n\nFirst paragraph.\n\nSecond one.');
    expect(chunks[1]?.text).toBe('## Details\n\nThird paragraph here.');
  });

  it('splits a long paragraph by sentences within the budget, with overlap', () => {
    const sentence = (index: number) => `Sentence number ${index} says something about whales and ships.`;
    const text = Array.from({ length: 30 }, (_, index) => sentence(index)).join(' ');
    const chunks = createStructuralChunker({ maxTokens: 60, overlapTokens: 15 }).chunk(text);
    expectExactOffsets(text, chunks);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(60);
    // Consecutive chunks share their boundary sentence and cover everything.
    expect((chunks[1] as Chunk).start).toBeLessThan((chunks[0] as Chunk).end);
    expect(chunks.at(-1)?.end).toBe(text.length);
  });

  it('cuts a sentence with no punctuation between words', () => {
    const text = 'word '.repeat(500).trim();
    const chunks = createStructuralChunker({ maxTokens: 100, overlapTokens: 0 }).chunk(text);
    expectExactOffsets(text, chunks);
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(100);
  });

  it('keeps offsets exact with surrogate pairs and combining marks', () => {
    const text = `Émoji 😀 first.\n\nDeuxième paragraphe: e\u0301te\u0301 😀😀.\n\n${'Long 😀 phrase. '.repeat(80)}`;
    const chunks = createStructuralChunker({ maxTokens: 40 }).chunk(text);
    expectExactOffsets(text, chunks);
    expect(chunks.length).toBeGreaterThan(2);
  });

  it('returns nothing for blank text', () => {
    expect(createStructuralChunker().chunk('  \n\n \n')).toEqual([]);
  });
});

describeRequiring({ data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] }, 'chunking real books', () => {
  it('covers every paragraph of Alice and Candide with exact offsets', () => {
    for (const name of ['books/en/11-0.txt', 'books/fr/Candide.txt']) {
      const text = normalizeText(readFileSync(testDataPath(...name.split('/')), 'utf8'));
      const chunks = createStructuralChunker().chunk(text);
      expectExactOffsets(text, chunks);
      expect(chunks.length).toBeGreaterThan(50);
      const headings = new Set(chunks.map((chunk) => chunk.heading));
      expect(headings.size).toBeGreaterThan(5);
      for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(300);
    }
  });
});
