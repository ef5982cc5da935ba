import { describe, expect, it } from 'vitest';
import { citationValidity, ndcgAt, refusalAccuracy, retrievalMetrics } from './metrics.js';

describe('retrieval metrics (CONTRACTS.md definitions)', () => {
  it('computes recall@k as hit rate, MRR@10 and nDCG@10 with graded gains', () => {
    const metrics = retrievalMetrics([
      { retrieved: ['a', 'b'], relevance: new Map([['a', 1]]) },
      { retrieved: [null, 'x', 'c', 'c'], relevance: new Map([['c', 1]]) },
      {
        retrieved: Array.from({ length: 12 }, (_, index) => (index === 10 ? 'd' : null)),
        relevance: new Map([['d', 1]]),
      },
    ]);
    expect(metrics['recall@1']).toBeCloseTo(1 / 3);
    expect(metrics['recall@5']).toBeCloseTo(2 / 3);
    expect(metrics['recall@10']).toBeCloseTo(2 / 3);
    expect(metrics['mrr@10']).toBeCloseTo((1 + 1 / 3) / 3);
    expect(metrics['ndcg@10']).toBeCloseTo((1 + 1 / Math.log2(4)) / 3);
  });

  it('uses 2^rel − 1 gains, counts a passage once, and takes the ideal from the judgements', () => {
    const relevance = new Map([
      ['best', 4],
      ['weak', 1],
    ]);
    const ideal = 15 + 1 / Math.log2(3);
    expect(ndcgAt({ retrieved: ['weak', 'weak', 'best'], relevance })).toBeCloseTo(
      (1 + 15 / Math.log2(4)) / ideal,
    );
    expect(ndcgAt({ retrieved: ['best', 'weak'], relevance })).toBeCloseTo(1);
    expect(ndcgAt({ retrieved: [], relevance: new Map() })).toBe(0);
  });

  it('computes citation validity and refusal accuracy', () => {
    expect(citationValidity([{ valid: true }, { valid: false }])).toBe(0.5);
    expect(
      refusalAccuracy([
        { refused: true, answerable: false },
        { refused: false, answerable: true },
        { refused: true, answerable: true },
      ]),
    ).toBeCloseTo(2 / 3);
  });
});
