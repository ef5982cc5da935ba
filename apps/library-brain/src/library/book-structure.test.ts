import { readFileSync } from 'node:fs';
import { normalizeText } from '@klody/memory';
import { testDataPath } from '@klody/test-helpers';
import { describe, expect, it } from 'vitest';
import { findChapter, readBookStructure } from './book-structure.js';

const body = (words: number, seed: string) =>
  Array.from({ length: words }, (_, index) => `${seed}${index % 7}`).join(' ');

function sharedBook(path: string): string {
  return normalizeText(readFileSync(testDataPath(`books/${path}`), 'utf8'));
}

describe('readBookStructure', () => {
  it('reads numbered chapters and skips the table of contents', () => {
    const text = [
      'CONTENTS',
      'CHAPTER I. The Start',
      'CHAPTER II. The End',
      'CHAPTER I. The Start',
      body(80, 'alpha'),
      'CHAPTER II. The End',
      body(80, 'beta'),
    ].join('\n\n');
    const { chapters, parts } = readBookStructure(text);
    expect(parts).toEqual([]);
    expect(chapters.map((chapter) => [chapter.number, chapter.title])).toEqual([
      [1, 'CHAPTER I. The Start'],
      [2, 'CHAPTER II. The End'],
    ]);
    const first = chapters[0];
    expect(text.slice(first?.headingStart, first?.headingEnd)).toBe('CHAPTER I. The Start');
    expect(text.slice(first?.start, first?.end)).toContain('alpha0');
    expect(text.slice(first?.start, first?.end)).not.toContain('beta0');
    expect(chapters[1]?.end).toBe(text.length);
  });

  it('reads bare Roman numerals with their title line, in parts whose numbering starts again', () => {
    const text = [
      'PREMIÈRE PARTIE',
      'I\nLe départ',
      body(60, 'un'),
      'II\nLa route',
      body(60, 'deux'),
      'DEUXIÈME PARTIE',
      'I\nLe retour',
      body(60, 'trois'),
    ].join('\n\n');
    const structure = readBookStructure(text);
    expect(structure.parts.map((part) => [part.number, part.title])).toEqual([
      [1, 'PREMIÈRE PARTIE'],
      [2, 'DEUXIÈME PARTIE'],
    ]);
    expect(structure.chapters.map((chapter) => [chapter.part, chapter.number, chapter.title])).toEqual([
      [1, 1, 'I Le départ'],
      [1, 2, 'II La route'],
      [2, 1, 'I Le retour'],
    ]);
    expect(findChapter(structure, 1, null)).toMatchObject({ ambiguous: [{ part: 1 }, { part: 2 }] });
    expect(findChapter(structure, 1, 2)).toMatchObject({ found: { title: 'I Le retour' } });
    expect(findChapter(structure, 2, null)).toMatchObject({ found: { title: 'II La route' } });
    expect(findChapter(structure, 9, null)).toEqual({ missing: true });
  });

  it('takes a subtitle under bare headings only when the book writes them so', () => {
    const withSubtitles = [
      'CHAPITRE I.',
      'Comment tout commença.',
      body(60, 'un'),
      'CHAPITRE II.',
      'Ce qui suivit.',
      body(60, 'deux'),
    ].join('\n\n');
    expect(readBookStructure(withSubtitles).chapters.map((chapter) => chapter.title)).toEqual([
      'CHAPITRE I. Comment tout commença.',
      'CHAPITRE II. Ce qui suivit.',
    ]);
    const withoutSubtitles = [
      'Chapter 1',
      'It is a truth universally acknowledged.',
      body(60, 'one'),
      'Chapter 2',
      body(60, 'two'),
      'Chapter 3',
      body(60, 'three'),
    ].join('\n\n');
    expect(readBookStructure(withoutSubtitles).chapters.map((chapter) => chapter.title)).toEqual([
      'Chapter 1',
      'Chapter 2',
      'Chapter 3',
    ]);
  });

  it('numbers Markdown headings by their place', () => {
    const text = ['# Introduction', body(40, 'intro'), '# Methods', body(40, 'method')].join('\n\n');
    const structure = readBookStructure(text);
    expect(structure.chapters.map((chapter) => [chapter.number, chapter.ordinal, chapter.title])).toEqual([
      [null, 1, 'Introduction'],
      [null, 2, 'Methods'],
    ]);
    expect(findChapter(structure, 2, null)).toMatchObject({ found: { title: 'Methods' } });
  });

  it('finds no chapters in a text without headings', () => {
    expect(readBookStructure(body(500, 'plain')).chapters).toEqual([]);
  });

  it("reads the shared books' chapters", () => {
    const alice = readBookStructure(sharedBook('en/11-0.txt'));
    expect(alice.chapters).toHaveLength(12);
    expect(alice.chapters[2]?.title).toBe('CHAPTER III. A Caucus-Race and a Long Tale');
    const mobyDick = readBookStructure(sharedBook('en/2701-0.txt'));
    expect(mobyDick.chapters[0]?.title).toBe('CHAPTER 1. Loomings.');
    expect(mobyDick.chapters.filter((chapter) => chapter.number !== null)).toHaveLength(135);
    const twoCities = readBookStructure(sharedBook('en/98-0.txt'));
    expect(twoCities.parts.map((part) => part.title)).toEqual([
      'Book the First--Recalled to Life',
      'Book the Second--the Golden Thread',
      'Book the Third--the Track of a Storm',
    ]);
    expect(findChapter(twoCities, 1, 2)).toMatchObject({ found: { title: 'I. Five Years Later' } });
    const bovary = readBookStructure(sharedBook('fr/Madame_Bovary_GustaveFlaubert.txt'));
    expect(bovary.parts).toHaveLength(3);
    expect(findChapter(bovary, 3, null)).toMatchObject({ ambiguous: [{}, {}, {}] });
    const candide = readBookStructure(sharedBook('fr/Candide.txt'));
    expect(candide.chapters).toHaveLength(30);
    expect(candide.chapters[0]?.title).toMatch(/^CHAPITRE I\. Comment Candide fut élevé/);
  });
});
