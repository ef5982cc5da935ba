import { describe, expect, it } from 'vitest';
import type { GenerationFigures } from './gate-metrics.js';
import { type Baseline, compareWithBaseline, type GateFigures, invariantBreaches } from './run-gate.js';

const answers = (keywordCoverage: number, questions = 20, invalidCitations = 0): GenerationFigures => ({
  questions,
  keywordCoverage,
  refusalAccuracy: 0.9,
  invalidCitations,
});

const measured = (group: GenerationFigures): GateFigures => ({
  configuration: 'lexical, extractive',
  retrieval: {},
  generation: null,
  answersByGroup: { 'books-report-fr': group },
});

const baseline: Baseline = { ...measured(answers(0.5)), tolerance: 0.02 };

describe('the gate on the hand-written groups', () => {
  it('names a group whose answers fell below the baseline', () => {
    expect(compareWithBaseline(measured(answers(0.49)), baseline)).toEqual([]);
    expect(compareWithBaseline(measured(answers(0.4)), baseline)).toEqual([
      'books-report-fr keywordCoverage: 0.4 < baseline 0.5 − 0.02',
    ]);
  });

  it('does not compare answers measured on a sample with the whole group', () => {
    expect(compareWithBaseline(measured(answers(0.1, 5)), baseline)).toEqual([]);
  });

  it('compares retrieval only for a group whose questions are the same in number', () => {
    const retrieval = (recall: number, questions: number) => ({
      ...measured(answers(0.5)),
      retrieval: { 'books-report-en': { questions, 'recall@5': recall, 'mrr@10': recall } },
    });
    const before: Baseline = { ...retrieval(0.8, 40), tolerance: 0.02 };
    expect(compareWithBaseline(retrieval(0.7, 40), before)).toEqual([
      'books-report-en recall@5: 0.7 < baseline 0.8 − 0.02',
      'books-report-en mrr@10: 0.7 < baseline 0.8 − 0.02',
    ]);
    expect(compareWithBaseline(retrieval(0.7, 45), before)).toEqual([]);
  });

  it('fails on an invalid citation in any group, whatever the baseline', () => {
    expect(invariantBreaches(measured(answers(0.6, 20, 1)))).toEqual([
      'books-report-fr: 1 invalid citations (must be 0)',
    ]);
  });
});
