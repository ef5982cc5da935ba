import { describe, expect, it } from 'vitest';
import type { GateQuestion } from './question-set.js';
import { sampleQuestions } from './sample-questions.js';

function question(id: string, kind: 'book' | 'none' | 'xquad'): GateQuestion {
  return {
    id,
    language: 'en',
    question: `question ${id}`,
    source: kind === 'book' ? 'en/11-0.txt' : null,
    evidence: [],
    keywords: [],
    ...(kind === 'xquad' ? { passage: `xquad-${id}` } : {}),
  };
}

const set = [
  ...Array.from({ length: 4 }, (_, index) => question(`b${index}`, 'book')),
  ...Array.from({ length: 2 }, (_, index) => question(`u${index}`, 'none')),
  ...Array.from({ length: 20 }, (_, index) => question(`x${index}`, 'xquad')),
];

describe('sampleQuestions', () => {
  it('takes an equal share of each group, a small group giving its rest to the others', () => {
    const chosen = sampleQuestions(set, 9);
    expect(chosen).toHaveLength(9);
    const ids = chosen.map((item) => item.id);
    // 9 over 3 groups: the 2 unanswerable ones, then 3 books (7 left over 2 groups), then 4 xquad.
    expect(ids.filter((id) => id.startsWith('u'))).toEqual(['u0', 'u1']);
    expect(ids.filter((id) => id.startsWith('b'))).toHaveLength(3);
    expect(ids.filter((id) => id.startsWith('x'))).toHaveLength(4);
  });

  it('spreads the choice evenly, keeps the set order, and is the same on every run', () => {
    const chosen = sampleQuestions(set, 9).map((item) => item.id);
    expect(chosen.filter((id) => id.startsWith('x'))).toEqual(['x2', 'x7', 'x12', 'x17']);
    expect(chosen).toEqual(
      [...chosen].sort(
        (left, right) =>
          set.findIndex((item) => item.id === left) - set.findIndex((item) => item.id === right),
      ),
    );
    expect(sampleQuestions(set, 9).map((item) => item.id)).toEqual(chosen);
  });

  it('returns the whole set when asked for as many or more', () => {
    expect(sampleQuestions(set, 26)).toEqual(set);
    expect(sampleQuestions(set, 100)).toEqual(set);
  });
});
