import { detectLanguage } from '@klody/memory';
import { describe, expect, it } from 'vitest';
import { summarizeTurn } from './summarize-turn.js';

const at = Date.UTC(2026, 10, 30, 21, 0, 0);

describe('summarizeTurn', () => {
  it('keeps the date, the message and the start of the answer, word for word', () => {
    expect(
      summarizeTurn({
        sessionId: 's',
        turnId: 't',
        userMessage: 'Lis  Candide\n',
        answer: 'Voici le début.',
        at,
      }),
    ).toBe('[2026-11-30] User: Lis Candide\nAgent: Voici le début.');
  });

  it('adds no word that changes the language the memory stems it in', () => {
    const turns = [
      { userMessage: 'Lis Candide', answer: 'Voici le début.' },
      { userMessage: 'Bonjour', answer: 'Bonjour, que puis-je faire ?' },
      { userMessage: 'Read it', answer: 'Here is the start.' },
      { userMessage: 'Candide', answer: '' },
    ];
    for (const turn of turns) {
      const summary = summarizeTurn({ sessionId: 's', turnId: 't', at, ...turn });
      expect([summary, detectLanguage(summary)]).toEqual([
        summary,
        detectLanguage(`${turn.userMessage} ${turn.answer}`),
      ]);
    }
  });

  it('cuts a long message and a long answer at a word, with an ellipsis', () => {
    const summary = summarizeTurn({
      sessionId: 's',
      turnId: 't',
      userMessage: 'un '.repeat(300),
      answer: 'deux '.repeat(300),
      at,
    });
    const [asked, answered] = summary.split('\n') as [string, string];
    expect(asked.endsWith('un…')).toBe(true);
    expect(answered.endsWith('deux…')).toBe(true);
    expect(asked.length).toBeLessThanOrEqual('[2026-11-30] User: '.length + 401);
  });
});
