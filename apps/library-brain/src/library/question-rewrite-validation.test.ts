import { describe, expect, it } from 'vitest';
import { checkRewrite } from './question-rewrite-validation.js';

const context = {
  question: 'What ship does he command?',
  history: [
    {
      question: 'Who is Captain Ahab?',
      answer: 'Ahab is the captain of the Pequod, a whaling ship from Nantucket [1].',
    },
  ],
};

describe('checkRewrite', () => {
  it.each([
    ['What ship does Captain Ahab command?', 'What ship does Captain Ahab command?'],
    ['Standalone question: What ship does Ahab command?', 'What ship does Ahab command?'],
    ['"What ship does Captain Ahab command?"\nAnswer: the Pequod', 'What ship does Captain Ahab command?'],
    ['**Which ship does Ahab command?**', 'Which ship does Ahab command?'],
  ])('accepts %j as %j', (raw, question) => {
    expect(checkRewrite(raw, context)).toEqual({ ok: true, question });
  });

  it.each([
    ['', 'empty'],
    ['\n  \n', 'empty'],
    [`What ship does Captain Ahab command? ${'and then '.repeat(30)}`, 'too_long'],
    ['Rewrite the question so that it stands alone: what ship does he command?', 'echoed_instructions'],
    ['Conversation: Question: Who is Captain Ahab? Answer: Ahab', 'echoed_instructions'],
    ['He commands the Pequod [1].', 'answered_instead'],
    ['Who is Captain Ahab?', 'dropped_question_words'],
    ['What ship does Captain Nemo command from Vulcania?', 'invented_words'],
    ['What ship does he command?', 'unchanged'],
  ])('refuses %j (%s)', (raw, reason) => {
    const check = checkRewrite(raw, context);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason).toBe(reason);
      expect(check.message.length).toBeGreaterThan(10);
    }
  });

  it('accepts a follow-up that stood alone, left as it was', () => {
    expect(checkRewrite('Who is Queequeg?', { ...context, question: 'Who is Queequeg?' })).toEqual({
      ok: true,
      question: 'Who is Queequeg?',
    });
  });

  it('checks a French rewrite against the French conversation', () => {
    const french = {
      question: 'Quel navire commande-t-il ?',
      history: [{ question: 'Qui est le capitaine Achab ?', answer: 'Achab commande le Pequod [1].' }],
    };
    expect(checkRewrite('Quel navire commande le capitaine Achab ?', french)).toEqual({
      ok: true,
      question: 'Quel navire commande le capitaine Achab ?',
    });
    expect(checkRewrite('Quel navire commande le capitaine Nemo à Paris ?', french)).toMatchObject({
      ok: false,
      reason: 'invented_words',
    });
  });
});
