import { describe, expect, it } from 'vitest';
import {
  type AnswerOutcome,
  answerFigures,
  figuresByGroup,
  holdsKeyword,
  thresholdSweep,
} from './answer-metrics.js';

const outcome = (overrides: Partial<AnswerOutcome>): AnswerOutcome => ({
  id: 'q',
  split: 'tuning',
  language: 'en',
  kind: 'fact',
  family: 'books',
  answerable: true,
  refused: false,
  evidence: 0.6,
  evidenceVariants: {},
  relevantRank: 1,
  holdsFact: true,
  rightBook: true,
  citationsValid: true,
  mode: 'extractive',
  fallback: null,
  seconds: 0.1,
  answer: 'The Pequod. [1]',
  ...overrides,
});

describe('answer figures', () => {
  it('finds a keyword whatever its case and accents', () => {
    expect(holdsKeyword('Il avala de l’ARSÉNIC. [1]', ['arsenic'])).toBe(true);
    expect(holdsKeyword('Il avala du poison. [1]', ['arsenic', 'cyanure'])).toBe(false);
  });

  it('counts false refusals, those with the answer in the three best passages, and wrong answers', () => {
    const figures = answerFigures([
      outcome({}),
      outcome({ refused: true, holdsFact: false, relevantRank: 2 }),
      outcome({ refused: true, holdsFact: false, relevantRank: 7 }),
      outcome({ answerable: false, refused: false, holdsFact: false, rightBook: false, relevantRank: null }),
      outcome({ answerable: false, refused: true, holdsFact: false, rightBook: false, relevantRank: null }),
    ]);
    expect(figures).toMatchObject({
      questions: 5,
      answerable: 3,
      unanswerable: 2,
      falseRefusals: 2,
      refusedWithAnswerInTop3: 1,
      wrongAnswers: 1,
      holdsFact: 0.333,
      rightBook: 0.333,
      citationsValid: 1,
      'recall@5': 0.667,
    });
  });

  it('groups by half over the books and unanswerable questions, and each other family apart', () => {
    const groups = figuresByGroup([
      outcome({ split: 'tuning', language: 'en' }),
      outcome({ split: 'report', language: 'fr' }),
      outcome({ split: 'report', language: 'fr', family: 'unanswerable', answerable: false, refused: true }),
      outcome({ split: 'report', family: 'cross-lingual' }),
    ]);
    expect(Object.keys(groups)).toEqual([
      'tuning',
      'tuning en',
      'report',
      'report fr',
      'report cross-lingual',
    ]);
    expect(groups.report?.questions).toBe(2);
  });

  it('says what a threshold would refuse', () => {
    const outcomes = [
      outcome({ evidence: 0.4 }),
      outcome({ evidence: 0.7 }),
      outcome({ answerable: false, evidence: 0.5 }),
    ];
    expect(thresholdSweep(outcomes, [0.45, 0.6])).toEqual([
      { threshold: 0.45, falseRefusals: 1, wrongAnswers: 1, errors: 2 },
      { threshold: 0.6, falseRefusals: 1, wrongAnswers: 0, errors: 1 },
    ]);
  });
});
