import { describe, expect, it } from 'vitest';
import { chapterNumber, detectWholeBookIntent, romanNumeral } from './whole-book-intent.js';

describe('detectWholeBookIntent', () => {
  it.each([
    ['List the chapters', { kind: 'chapters', language: 'en', bookReference: null }],
    ['list the chapters of Moby Dick', { kind: 'chapters', language: 'en', bookReference: 'moby dick' }],
    [
      'Can you list all the chapters in Candide?',
      { kind: 'chapters', language: 'en', bookReference: 'candide' },
    ],
    [
      'What are the chapters of Pride and Prejudice?',
      { kind: 'chapters', bookReference: 'pride and prejudice' },
    ],
    ['table of contents of Alice in Wonderland', { kind: 'chapters', bookReference: 'alice in wonderland' }],
    ['How many chapters does Moby Dick have?', { kind: 'chapters', bookReference: 'moby dick' }],
    ['liste les chapitres', { kind: 'chapters', language: 'fr', bookReference: null }],
    ['Liste les chapitres de Candide', { kind: 'chapters', language: 'fr', bookReference: 'candide' }],
    ['Quels sont les chapitres de Madame Bovary ?', { kind: 'chapters', bookReference: 'madame bovary' }],
    ['Donne-moi la table des matières du livre Candide', { kind: 'chapters', bookReference: 'candide' }],
    ['Summarise chapter 3', { kind: 'chapter_summary', chapter: 3, part: null, language: 'en' }],
    [
      'summarize chapter III of Moby Dick',
      { kind: 'chapter_summary', chapter: 3, bookReference: 'moby dick' },
    ],
    [
      'Please sum up chapter twelve in Alice',
      { kind: 'chapter_summary', chapter: 12, bookReference: 'alice' },
    ],
    [
      'Summarise the third chapter of Candide',
      { kind: 'chapter_summary', chapter: 3, bookReference: 'candide' },
    ],
    ['Give me a summary of chapter 42 of Moby Dick.', { kind: 'chapter_summary', chapter: 42 }],
    ['What happens in chapter 5?', { kind: 'chapter_summary', chapter: 5, bookReference: null }],
    [
      'Summarise chapter 2 of book the second of A Tale of Two Cities',
      { kind: 'chapter_summary', chapter: 2, part: 2, bookReference: 'a tale of two cities' },
    ],
    ['résume le chapitre 3', { kind: 'chapter_summary', chapter: 3, language: 'fr', bookReference: null }],
    ['Résume le chapitre III de Candide', { kind: 'chapter_summary', chapter: 3, bookReference: 'candide' }],
    ['Résume-moi le troisième chapitre de Candide', { kind: 'chapter_summary', chapter: 3 }],
    ['Fais-moi un résumé du chapitre dix-sept', { kind: 'chapter_summary', chapter: 17 }],
    [
      'Résume le chapitre 2 de la deuxième partie de Madame Bovary',
      { kind: 'chapter_summary', chapter: 2, part: 2, bookReference: 'madame bovary' },
    ],
    ['Que se passe-t-il dans le chapitre 4 ?', { kind: 'chapter_summary', chapter: 4, language: 'fr' }],
    ['Who are the main characters?', { kind: 'main_characters', language: 'en', bookReference: null }],
    ['who are the main characters in Moby Dick', { kind: 'main_characters', bookReference: 'moby dick' }],
    ['List the characters of Candide', { kind: 'main_characters', bookReference: 'candide' }],
    [
      'Quels sont les personnages principaux ?',
      { kind: 'main_characters', language: 'fr', bookReference: null },
    ],
    [
      'Qui sont les principaux personnages de Madame Bovary ?',
      { kind: 'main_characters', language: 'fr', bookReference: 'madame bovary' },
    ],
    // Follow-ups made standalone without a chat model: the previous question's words in brackets.
    [
      'And chapter 4? (Summarise 3 Alice)',
      { kind: 'chapter_summary', chapter: 4, part: null, language: 'en', bookReference: 'alice' },
    ],
    [
      'What about chapter V? (summarize Moby Dick)',
      { kind: 'chapter_summary', chapter: 5, bookReference: 'moby dick' },
    ],
    [
      'Et le chapitre 4 ? (Résume 3 Candide)',
      { kind: 'chapter_summary', chapter: 4, language: 'fr', bookReference: 'candide' },
    ],
  ])('%s', (question, expected) => {
    expect(detectWholeBookIntent(question)).toMatchObject(expected);
  });

  it.each([
    'Who is the main character of Moby Dick?',
    "Who is the main character's brother?",
    'What does Alice drink in chapter 1?',
    'Why does Ishmael go to sea?',
    'Qui est Candide ?',
    'Quel est le personnage que Candide rencontre au chapitre 3 ?',
    'And chapter 4? (What Alice drink 3)',
    'And chapter 4?',
    'And the Hatter? (Summarise 3 Alice)',
    'list',
    'Summarise chapter',
    '',
  ])('%s is not a whole-book question', (question) => {
    expect(detectWholeBookIntent(question)).toBeNull();
  });
});

describe('chapterNumber', () => {
  it.each([
    ['3', 3],
    ['III', 3],
    ['xiv', 14],
    ['three', 3],
    ['third', 3],
    ['trois', 3],
    ['troisième', 3],
    ['premier', 1],
    ['dix-neuf', 19],
    ['3rd', 3],
    ['3e', 3],
    ['banana', null],
  ])('%s → %s', (word, expected) => {
    expect(chapterNumber(word)).toBe(expected);
  });

  it('reads subtractive Roman numerals', () => {
    expect(romanNumeral('XLIV')).toBe(44);
    expect(romanNumeral('cxxxv')).toBe(135);
    expect(romanNumeral('hello')).toBeNull();
  });
});
