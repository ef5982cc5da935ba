import { describe, expect, it } from 'vitest';
import { capText, joinLinesWithin, oneLine } from './tool-text.js';

describe('capText', () => {
  it('keeps a short text whole', () => {
    expect(capText('The keeper lit the lamp.', 100)).toBe('The keeper lit the lamp.');
  });

  it('cuts a long text on a word boundary and says how much was left out', () => {
    const text = 'word '.repeat(100).trim(); // 499 characters
    const capped = capText(text, 52);
    expect(capped).toMatch(/^word( word)*… \[truncated: \d+ more characters\]$/);
    const kept = capped.slice(0, capped.indexOf('…'));
    expect(kept.length).toBeLessThanOrEqual(52);
    expect(capped).toContain(`[truncated: ${text.length - kept.length} more characters]`);
  });

  it('cuts inside a word when no space is near', () => {
    expect(capText('x'.repeat(30), 10)).toBe(`${'x'.repeat(10)}… [truncated: 20 more characters]`);
  });
});

describe('joinLinesWithin', () => {
  it('joins every line that fits', () => {
    expect(joinLinesWithin(['a', 'b', 'c'], 100)).toBe('a\nb\nc');
  });

  it('stops at the budget and counts the entries left out', () => {
    const lines = ['heading', 'x'.repeat(40), 'y'.repeat(40), 'z'.repeat(40)];
    expect(joinLinesWithin(lines, 60)).toBe(
      `heading\n${'x'.repeat(40)}\n[truncated: 2 more entries left out]`,
    );
    expect(joinLinesWithin(lines.slice(0, 3), 60)).toContain('[truncated: 1 more entry left out]');
  });

  it('cuts a first line that alone passes the budget', () => {
    expect(joinLinesWithin(['x'.repeat(50)], 20)).toMatch(/^x{20}… \[truncated: 30 more characters\]$/);
  });
});

it('puts a passage on one line', () => {
  expect(oneLine('  CHAPTER I.\n\n  Down the\tRabbit-Hole ')).toBe('CHAPTER I. Down the Rabbit-Hole');
});
