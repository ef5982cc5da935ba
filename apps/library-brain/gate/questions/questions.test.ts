// Proves the hand-written questions honest against the real books: every evidence string and keyword
// is in the source book, the evidence strings of a question sit close together, the answer passage
// is the book's own text, and the halves are the ones question-split.ts decides.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDataDir } from '@klody/test-helpers';
import { describe, expect, it } from 'vitest';
import { fold } from '../../src/gate/gate-metrics.js';
import { type BookQuestion, loadQuestionFiles, normalizedBookText } from './question-files.js';
import { assignSplits } from './question-split.js';

const here = dirname(fileURLToPath(import.meta.url));
const booksFolder = join(testDataDir(), 'books');
const files = loadQuestionFiles(here);
const all = files.flatMap((file) => file.questions.map((question) => ({ file: file.name, question })));
const bookSources = [
  'en/11-0.txt',
  'en/2701-0.txt',
  'en/74-0.txt',
  'en/98-0.txt',
  'en/Pride_and_Prejudice_JaneAusten.txt',
  'fr/20000-Lieues-sous-les-mers.txt',
  'fr/Candide.txt',
  'fr/La-reine-Margot---Tome-I.txt',
  'fr/Le-tour-du-mond-quatre-vingts-jours.txt',
  'fr/Madame_Bovary_GustaveFlaubert.txt',
  'fr/Voyage-au-Centre-de-la-Terre-.txt',
];

const normalized = new Map<string, string>();
function bookText(source: string): string {
  const known = normalized.get(source);
  if (known !== undefined) return known;
  const text = normalizedBookText(booksFolder, source);
  normalized.set(source, text);
  return text;
}
const foldedBooks = new Map<string, string>();
function foldedBook(source: string): string {
  const known = foldedBooks.get(source);
  if (known !== undefined) return known;
  const text = fold(bookText(source));
  foldedBooks.set(source, text);
  return text;
}

function positions(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) {
    found.push(index);
  }
  return found;
}

/** Whether one occurrence of each string lies within `window` characters of the first string's. */
function withinWindow(text: string, strings: readonly string[], window: number): boolean {
  const [first, ...rest] = strings.map(fold);
  if (first === undefined) return false;
  const others = rest.map((needle) => positions(text, needle));
  return positions(text, first).some((anchor) =>
    others.every((found) => found.some((position) => Math.abs(position - anchor) <= window)),
  );
}

/** The book's own title and author, as Library Brain reads them (Project Gutenberg header, first lines). */
function bookHeader(source: string): { title: string; author: string } {
  const head = readFileSync(join(booksFolder, source), 'utf8')
    .replace(/^\uFEFF/, '')
    .slice(0, 5000);
  const lines = head
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const title = /^Title:\s*(.+)$/m.exec(head)?.[1]?.trim() ?? lines[0] ?? '';
  const author =
    /^Author:\s*(.+)$/m.exec(head)?.[1]?.trim() ??
    lines.find((line) => /^par\s/i.test(line))?.replace(/^par\s+/i, '') ??
    '';
  return { title, author };
}

const answerable = all.filter(({ question }) => question.source !== null);
const inBooks = all.filter(({ file }) => file.startsWith('books/'));
const ofFile = (name: string) => all.filter(({ file }) => file === name).map(({ question }) => question);

describe('the hand-written book questions', () => {
  it('find the shared books', () => {
    for (const source of bookSources) {
      expect(existsSync(join(booksFolder, source)), `${source} (set KLODY_TEST_DATA)`).toBe(true);
    }
  });

  it('have unique ids, also against the gate’s first book questions', () => {
    const gate = JSON.parse(readFileSync(join(here, '..', 'book-questions.json'), 'utf8')) as {
      questions: { id: string }[];
    };
    const ids = [...all.map(({ question }) => question.id), ...gate.questions.map((question) => question.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('meet the counts: book questions, unanswerable, cross-lingual, filters, conversations', () => {
    const language = (list: readonly { question: BookQuestion }[], code: string) =>
      list.filter(({ question }) => question.language === code).length;
    expect(inBooks.length).toBeGreaterThanOrEqual(170);
    expect(language(inBooks, 'en')).toBeGreaterThanOrEqual(75);
    expect(language(inBooks, 'fr')).toBeGreaterThanOrEqual(75);
    for (const source of bookSources) {
      const count = inBooks.filter(({ question }) => question.source === source).length;
      expect(count, source).toBeGreaterThanOrEqual(14);
    }
    const unanswerable = ofFile('unanswerable.json');
    expect(unanswerable.length).toBeGreaterThanOrEqual(30);
    expect(unanswerable.filter((question) => question.language === 'fr').length).toBeGreaterThanOrEqual(12);
    expect(unanswerable.filter((question) => question.language === 'en').length).toBeGreaterThanOrEqual(12);
    const crossLingual = ofFile('cross-lingual.json');
    expect(crossLingual.length).toBeGreaterThanOrEqual(24);
    expect(crossLingual.filter((question) => question.language === 'fr').length).toBeGreaterThanOrEqual(12);
    expect(crossLingual.filter((question) => question.language === 'en').length).toBeGreaterThanOrEqual(12);
    expect(ofFile('filters.json').length).toBeGreaterThanOrEqual(12);
    const turns = ofFile('follow-ups.json');
    const conversations = new Set(turns.map((question) => question.conversation));
    expect(conversations.size).toBeGreaterThanOrEqual(10);
  });

  it('hold every evidence string and keyword in the source book, evidence within 1,000 characters', () => {
    expect(answerable.length).toBeGreaterThan(0);
    for (const { file, question } of answerable) {
      const source = question.source as string;
      expect(bookSources, `${file} ${question.id}`).toContain(source);
      const text = foldedBook(source);
      expect(question.evidence.length, `${question.id} evidence`).toBeGreaterThanOrEqual(2);
      expect(question.keywords.length, `${question.id} keywords`).toBeGreaterThanOrEqual(1);
      for (const needle of [...question.evidence, ...question.keywords]) {
        expect(text.includes(fold(needle)), `${question.id}: "${needle}" in ${source}`).toBe(true);
      }
      expect(withinWindow(text, question.evidence, 1000), `${question.id}: evidence close together`).toBe(
        true,
      );
    }
  });

  it('quote an answer passage that is the book’s own text and holds the keywords', () => {
    for (const { question } of answerable) {
      const passage = question.answer_passage;
      expect(passage, `${question.id} answer_passage`).toBeDefined();
      const normalizedPassage = (passage as string).replace(/\s+/g, ' ');
      expect(bookText(question.source as string).includes(normalizedPassage), `${question.id} verbatim`).toBe(
        true,
      );
      for (const keyword of question.keywords) {
        expect(
          fold(normalizedPassage).includes(fold(keyword)),
          `${question.id}: "${keyword}" in passage`,
        ).toBe(true);
      }
    }
  });

  it('ask unanswerable questions about terms that occur in no shared book', () => {
    const unanswerable = ofFile('unanswerable.json');
    for (const question of unanswerable) {
      expect(question.source).toBeNull();
      expect(question.keywords).toEqual([]);
      expect(question.absent?.length ?? 0, question.id).toBeGreaterThan(0);
      for (const term of question.absent ?? []) {
        const word = new RegExp(`\\b${fold(term).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
        for (const source of bookSources) {
          expect(word.test(foldedBook(source)), `${question.id}: "${term}" absent from ${source}`).toBe(
            false,
          );
        }
      }
    }
  });

  it('ask cross-lingual questions in the other language than the book’s', () => {
    for (const question of ofFile('cross-lingual.json')) {
      const bookLanguage = (question.source as string).split('/')[0];
      expect(question.bookLanguage, question.id).toBe(bookLanguage);
      expect(question.language, question.id).not.toBe(bookLanguage);
    }
  });

  it('filter by the source book’s own title, author or language', () => {
    for (const question of ofFile('filters.json')) {
      const filter = question.filter;
      expect(filter, question.id).toBeDefined();
      const source = question.source as string;
      const header = bookHeader(source);
      if (filter?.books) expect(filter.books, question.id).toContain(header.title);
      if (filter?.author) expect(header.author, question.id).toContain(filter.author);
      if (filter?.language) expect(filter.language, question.id).toBe(source.split('/')[0]);
    }
  });

  it('keep a conversation’s turns in order, in one half', () => {
    const turns = ofFile('follow-ups.json');
    const byConversation = new Map<string, BookQuestion[]>();
    for (const question of turns) {
      const conversation = question.conversation as string;
      byConversation.set(conversation, [...(byConversation.get(conversation) ?? []), question]);
    }
    for (const [conversation, list] of byConversation) {
      expect(list.length, conversation).toBeGreaterThanOrEqual(2);
      expect(
        list.map((question) => question.turn),
        conversation,
      ).toEqual(list.map((_, index) => index + 1));
      expect(new Set(list.map((question) => question.split)).size, conversation).toBe(1);
    }
  });

  it('hold the halves question-split.ts decides, balanced by language', () => {
    const halves = assignSplits(files, (source, passage) => {
      const start = bookText(source).indexOf(passage);
      return start === -1 ? null : { start, end: start + passage.length };
    });
    for (const { question } of all) expect(question.split, question.id).toBe(halves.get(question.id));
    for (const language of ['en', 'fr']) {
      const list = inBooks.filter(({ question }) => question.language === language);
      const tuning = list.filter(({ question }) => question.split === 'tuning').length;
      // Book files have no overlapping passages: each splits tuning, report, … (one apart at most).
      expect(Math.abs(tuning - (list.length - tuning)), language).toBeLessThanOrEqual(6);
    }
    for (const file of files.filter((entry) => !entry.name.startsWith('books/'))) {
      for (const language of ['en', 'fr']) {
        const list = file.questions.filter((question) => question.language === language);
        const units = new Map(list.map((question) => [question.conversation ?? question.id, question.split]));
        const tuning = [...units.values()].filter((half) => half === 'tuning').length;
        expect(Math.abs(tuning - (units.size - tuning)), `${file.name} ${language}`).toBeLessThanOrEqual(
          Math.max(2, Math.ceil(units.size / 3)),
        );
      }
    }
  });
});
