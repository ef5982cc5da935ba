import { describe, expect, it } from 'vitest';
import { playedText } from './played-text.js';

const timeline = [
  { text: 'Achab commande le Pequod.', startsAt: 1000, endsAt: 3000 },
  { text: 'Il poursuit la baleine blanche.', startsAt: 3000, endsAt: 5000 },
];

describe('what the user heard', () => {
  it('is nothing before the first audio', () => {
    expect(playedText(timeline, 900)).toBe('');
  });

  it('is every sentence played to its end, and the share of words of the one playing', () => {
    expect(playedText(timeline, 3000)).toBe('Achab commande le Pequod.');
    expect(playedText(timeline, 4000)).toBe('Achab commande le Pequod. Il poursuit…');
    expect(playedText(timeline, 9000)).toBe('Achab commande le Pequod. Il poursuit la baleine blanche.');
  });

  it('leaves out a sentence whose first word was not heard', () => {
    expect(playedText(timeline, 1100)).toBe('');
  });
});
