import { describe, expect, it } from 'vitest';
import type { RetrievedChunk, Retriever } from '../retriever/retriever.js';
import { createAnswerer } from './answerer.js';

const text = 'The keeper climbed the tower every evening.';
const chunk: RetrievedChunk = {
  chunkId: 1,
  sourceId: 1,
  sourceUri: 'doc://lighthouse',
  sourceTitle: 'The Lighthouse',
  ordinal: 0,
  start: 0,
  end: text.length,
  text,
  heading: null,
  score: 1,
  ranks: { lexical: null, vector: 1 },
  neighbour: false,
};

// A fake retriever that finds the passage whatever the question (as a vector search does).
const fakeRetriever: Retriever = { retrieve: async () => [chunk] };

describe('createAnswerer without a generator', () => {
  it('refuses rather than answer with no sentence when none holds the question’s words', async () => {
    // Evidence let through (threshold 0), but the passage shares no word with the question.
    const answerer = createAnswerer({ retriever: fakeRetriever, refusalThreshold: 0 });
    const shown: string[] = [];
    const answer = await answerer.answer('Quel est le prix du pain ?', {
      onText: (piece) => shown.push(piece),
    });
    expect(answer).toMatchObject({ mode: 'refusal', refused: true, citations: [] });
    expect(answer.text).toMatch(/sources ne contiennent pas/);
    expect(shown).toEqual([answer.text]);
    // A question whose words the passage holds is answered from it.
    const answered = await answerer.answer('Who climbed the tower?');
    expect(answered).toMatchObject({ mode: 'extractive', refused: false });
    expect(answered.text).toBe(`${text} [1]`);
  });
});
