import { describe, expect, it } from 'vitest';
import type { Answer, Passage } from '../library/library.js';
import { firstRelevantRank, fold, generationFigures, retrievalFigures } from './gate-metrics.js';
import type { GateQuestion } from './question-set.js';

const bookQuestion: GateQuestion = {
  id: 'q',
  language: 'fr',
  question: 'Qui enseignait la métaphysique ?',
  source: 'fr/Candide.txt',
  evidence: ['Pangloss', 'enseignait'],
  keywords: ['métaphysico'],
};

function passage(path: string, text: string): Passage {
  return {
    book: 'b',
    bookId: 1,
    path,
    chapter: null,
    start: 0,
    end: text.length,
    score: 1,
    text,
    page: null,
  };
}

function answer(text: string, refused = false): Answer {
  return {
    answer: text,
    refused,
    citations: [],
    mode: 'extractive',
    language: 'fr',
    fallback: null,
    conversationId: 'c',
    standaloneQuestion: null,
    rewrite: null,
    translatedQuestion: null,
  };
}

describe('gate metrics', () => {
  it('folds case, accents and apostrophes', () => {
    expect(fold('MÉTAPHYSICO l’Été')).toBe("metaphysico l'ete");
  });

  it('finds the first passage from the right book holding every evidence string', () => {
    const ranks = firstRelevantRank(bookQuestion, [
      passage('/books/en/11-0.txt', 'Pangloss enseignait'),
      passage('/books/fr/Candide.txt', 'Pangloss dormait'),
      passage('/books/fr/Candide.txt', 'PANGLOSS ENSEIGNAIT la métaphysico'),
    ]);
    expect(ranks).toBe(3);
    expect(firstRelevantRank(bookQuestion, [passage('/books/fr/Candide.txt', 'rien')])).toBeNull();
  });

  it('computes recall@5 and MRR@10 as CONTRACTS.md defines them', () => {
    expect(retrievalFigures([1, 2, null, 6])).toEqual({
      questions: 4,
      'recall@5': 0.5,
      'mrr@10': round((1 + 0.5 + 0 + 1 / 6) / 4),
    });
  });

  it('scores keyword coverage, refusal accuracy, invalid citations, and counts what went wrong', () => {
    const unanswerable: GateQuestion = { ...bookQuestion, id: 'u', source: null, evidence: [], keywords: [] };
    const figures = generationFigures(
      [
        {
          question: bookQuestion,
          answer: { ...answer('Pangloss enseignait la metaphysico-théologie [1]'), mode: 'generated' },
          invalidCitations: 0,
        },
        { question: bookQuestion, answer: answer('Je ne sais pas', true), invalidCitations: 0 },
        {
          question: unanswerable,
          answer: { ...answer('Paris [1]'), mode: 'generated' },
          invalidCitations: 1,
        },
        {
          question: bookQuestion,
          answer: {
            ...answer('Pangloss enseignait [1]'),
            mode: 'extractive',
            fallback: { code: 'invalid_citation', message: 'cited [9]' },
          },
          invalidCitations: 0,
        },
      ],
      (question) => question.source !== null,
    );
    expect(figures).toEqual({
      questions: 4,
      keywordCoverage: round(1 / 3),
      refusalAccuracy: round(2 / 4),
      invalidCitations: 1,
      answered: 2,
      modelKeywordCoverage: round(1 / 3),
      refusedWrongly: 1,
      answeredWrongly: 1,
      fallbacks: { invalid_citation: 1 },
    });
  });
});

function round(value: number) {
  return Math.round(value * 10_000) / 10_000;
}
