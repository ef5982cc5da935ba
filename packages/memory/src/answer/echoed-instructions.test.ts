import { describe, expect, it } from 'vitest';
import { echoesInstructions } from './echoed-instructions.js';

const messages = [
  {
    role: 'system' as const,
    content:
      'You answer questions using only the numbered sources.\nCite every statement, e.g. [1] or [2][3].\nBe brief.',
  },
  {
    role: 'user' as const,
    content: 'Sources:\n\n[1] The keeper lit the lamp.\n\nQuestion: who lit the lamp?',
  },
];

describe('echoesInstructions', () => {
  it('is true for an answer holding a whole line of the system instructions, spacing and case aside', () => {
    expect(
      echoesInstructions('Sure.  CITE every statement,\ne.g. [1] or [2][3]. The keeper [1].', messages),
    ).toBe(true);
  });

  it('is false for an answer sharing words, a short line, or text of the user message only', () => {
    expect(echoesInstructions('The keeper lit the lamp [1]. Be brief.', messages)).toBe(false);
    expect(echoesInstructions('Using only the numbered sources: the keeper [1].', messages)).toBe(false);
    expect(echoesInstructions('Question: who lit the lamp? The keeper lit the lamp.', messages)).toBe(false);
  });
});
