import { expect, it } from 'vitest';
import { quoteForMessage } from './quote-for-message.js';

it('quotes a short text whole and cuts a long one, saying how long it was', () => {
  expect(quoteForMessage('gpt-99')).toBe('"gpt-99"');
  expect(quoteForMessage('x'.repeat(100_000))).toBe(`"${'x'.repeat(80)}"… (100000 characters)`);
  expect(quoteForMessage('abcdef', 3)).toBe('"abc"… (6 characters)');
});
