import { describe, expect, it } from 'vitest';
import {
  carriedWordLimit,
  carryOverTerms,
  contentWords,
  dependsOnConversation,
} from './question-rewrite-carry-over.js';

describe('carryOverTerms', () => {
  it.each([
    ['Who is Captain Ahab?', 'What ship does he command?', 'What ship does he command? (Captain Ahab)'],
    ['Who is Captain Ahab?', 'And Queequeg?', 'And Queequeg? (Captain Ahab)'],
    ['Who is Captain Ahab?', 'Why?', 'Why? (Captain Ahab)'],
    ['Who is Captain Ahab?', 'What about his leg?', 'What about his leg? (Captain Ahab)'],
    [
      'Qui est le capitaine Achab ?',
      'Quel navire commande-t-il ?',
      'Quel navire commande-t-il ? (capitaine Achab)',
    ],
    [
      "Qu'enseignait Pangloss à Candide ?",
      'Et où vivait-il ?',
      'Et où vivait-il ? (enseignait Pangloss Candide)',
    ],
    // The previous question's carried words are carried again, within the limit.
    [
      'What ship does he command? (Captain Ahab)',
      'Who built it?',
      'Who built it? (ship command Captain Ahab)',
    ],
    // A word the follow-up has already (by stem) is not carried twice.
    ['Why does Ahab hunt the whale?', 'Where does he hunt whales?', 'Where does he hunt whales? (Ahab)'],
  ])('after %j, %j becomes %j', (previous, question, standalone) => {
    expect(carryOverTerms(previous, question)).toBe(standalone);
  });

  it.each([
    // Stands alone: a question of its own, with no word pointing back.
    ['Who is Captain Ahab?', 'Who is Candide?'],
    ['Who is Captain Ahab?', 'Where is the Pequod going?'],
    ['Qui est le capitaine Achab ?', 'Qui est Candide ?'],
    // Points back, but the previous question had nothing to carry.
    ['Why?', 'And then?'],
  ])('after %j, %j is searched as asked', (previous, question) => {
    expect(carryOverTerms(previous, question)).toBeNull();
  });

  it(`carries at most ${carriedWordLimit} words`, () => {
    const previous = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo';
    expect(carryOverTerms(previous, 'and this?')).toBe(
      'and this? (alpha bravo charlie delta echo foxtrot golf hotel)',
    );
  });
});

describe('dependsOnConversation', () => {
  it.each([
    ['What ship does he command?', true],
    ['Et elle ?', true],
    ['Why?', true],
    ['Pourquoi ?', true],
    ['Then what happened?', true],
    ['Who is Candide?', false],
    ['Combien de marins compte le Pequod ?', false],
  ])('%j → %s', (question, expected) => {
    expect(dependsOnConversation(question)).toBe(expected);
  });
});

describe('contentWords', () => {
  it('keeps the words as written, without stop words, question words or elisions', () => {
    expect(contentWords("Qu'enseignait Pangloss à l'Île de Candide ?")).toEqual([
      'enseignait',
      'Pangloss',
      'Île',
      'Candide',
    ]);
    expect(contentWords('Who is Captain Ahab, and who is AHAB?')).toEqual(['Captain', 'Ahab']);
  });
});
