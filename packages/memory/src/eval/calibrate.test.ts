import { describe, expect, it } from 'vitest';
import { calibrateFusion } from './calibrate.js';
import type { LabelledQuestion } from './datasets.js';
import type { EvaluationCorpus } from './retrieval-evaluation.js';

// Chunk ids stand for passages of the same name: chunk 1 is passage "1", and so on.
function entry(id: string, gold: string, lexical: number[], vector: number[]) {
  const question: LabelledQuestion = { id, text: id, relevance: new Map([[gold, 1]]) };
  const passageOf = new Map([...lexical, ...vector].map((chunk) => [chunk, String(chunk)] as const));
  return { question, lexical, vector, passageOf };
}

const corpus = {} as EvaluationCorpus;
const bm25List = [1, 2, 3, 4, 5, 6, 7];

describe('fusion calibration', () => {
  it('never picks a weight below BM25 on recall@1, even one that wins on recall@5 and MRR', () => {
    const ranked = [
      // BM25 right at rank 1; the embedder prefers passage 2, so a weight of 0.02 or more loses it.
      entry('a', '1', bm25List, [2, 9, 8, 10]),
      // BM25 misses the gold passage 50; the embedder has it second, behind a wrong one: with a
      // large weight it reaches rank 2, never rank 1.
      entry('b', '50', bm25List, [60, 50, 61, 62]),
      entry('c', '50', bm25List, [63, 50, 64, 65]),
      entry('d', '50', bm25List, [66, 50, 67, 68]),
    ];
    const calibration = calibrateFusion(corpus, ranked);
    const best = Math.max(...calibration.grid.map((point) => point.objective));
    const unconstrained = calibration.grid.find((point) => point.objective === best);
    // Without the guard a large weight would win (recall@5 from 0.25 to 1) at recall@1's expense.
    expect(unconstrained?.vector).toBeGreaterThan(1);
    expect(unconstrained?.keepsUpWithBm25).toBe(false);
    expect(calibration.weights.vector).toBeLessThanOrEqual(0.01);
    expect(calibration.metrics['recall@1']).toBe(0.25);
  });

  it('gives a strong embedder a real weight when it loses nothing', () => {
    const ranked = [
      entry('a', '1', bm25List, [1, 9, 8, 10]),
      entry('b', '50', bm25List, [50, 60, 61, 62]),
      entry('c', '50', bm25List, [50, 63, 64, 65]),
    ];
    const calibration = calibrateFusion(corpus, ranked);
    expect(calibration.weights.vector).toBeGreaterThan(1);
    expect(calibration.metrics['recall@1']).toBe(1);
  });

  it('takes the smallest weight within one standard error of the best, not a gain of one question', () => {
    // Twenty questions BM25 and the embedder both get right; one where any weight above about 0.016
    // lifts the gold passage from BM25's rank 2 to rank 1. A gain of one question in 21 is within
    // noise, so the rule keeps weight 0; without it the calibration would pick 0.02.
    const ranked = Array.from({ length: 20 }, (_, index) =>
      entry(`agree-${index}`, '1', bm25List, [1, 9, 8]),
    );
    ranked.push(entry('lifted', '2', bm25List, [2, 9, 8]));
    const calibration = calibrateFusion(corpus, ranked);
    const best = Math.max(...calibration.grid.map((point) => point.objective));
    expect(calibration.grid.find((point) => point.objective === best)?.vector).toBe(0.02);
    expect(calibration.weights.vector).toBe(0);
  });
});
