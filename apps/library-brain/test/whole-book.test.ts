import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Generator } from '@klody/memory';
import { repositoryRoot, sourceArguments, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { openLibraryDatabase } from '../src/database/open-database.js';
import { createApp } from '../src/http/create-app.js';
import { createLibrary } from '../src/library/create-library.js';
import type { Answer, Library, WholeBookProgress } from '../src/library/library.js';
import { createWholeBookAnswerer } from '../src/library/whole-book.js';

/** Every citation's offsets give its text in the stored book, and every [n] names a citation. */
function expectCitationsHold(library: Library, answer: Answer): void {
  expect(answer.citations.length).toBeGreaterThan(0);
  for (const citation of answer.citations) {
    const passage = library.passage(citation.bookId, citation.start, citation.end, 0);
    expect(passage?.text).toBe(citation.text);
  }
  const numbers = new Set(answer.citations.map((citation) => citation.n));
  const markers = [...answer.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
  expect(markers.length).toBeGreaterThan(0);
  for (const marker of markers) expect(numbers.has(marker)).toBe(true);
}

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] },
  'whole-book questions on a real library (no chat model)',
  () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-whole-book-'));
    const reaper = useProcessReaper();
    let library: Library;
    let alice = 0;
    let candide = 0;

    beforeAll(async () => {
      const books = join(home, 'books');
      mkdirSync(books);
      copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(books, 'Candide.txt'));
      copyFileSync(testDataPath('books', 'en', '11-0.txt'), join(books, 'alice.txt'));
      library = await createLibrary(readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }));
      await library.ingest([books]);
      alice = library.books().find((book) => book.title.startsWith('Alice'))?.id ?? 0;
      candide = library.books().find((book) => book.title === 'Candide')?.id ?? 0;
    }, 120_000);
    afterAll(() => library?.close());

    it('lists the chapters of a named book, each cited at its heading', async () => {
      const answer = await library.ask('List the chapters of Alice in Wonderland');
      expect(answer.refused).toBe(false);
      expect(answer.language).toBe('en');
      expect(answer.citations).toHaveLength(12);
      expect(answer.answer).toContain('3. CHAPTER III. A Caucus-Race and a Long Tale [3]');
      expect(answer.citations[0]).toMatchObject({ bookId: alice, text: 'CHAPTER I. Down the Rabbit-Hole' });
      expectCitationsHold(library, answer);
      expect(answer.conversationId).toBeTruthy();
    });

    it('lists them in French for a French question, the book chosen by the filter', async () => {
      const answer = await library.ask('Liste les chapitres', { filter: { books: [String(candide)] } });
      expect(answer.language).toBe('fr');
      expect(answer.answer).toMatch(/^« Candide » compte 30 chapitres :/);
      expect(answer.citations).toHaveLength(30);
      expectCitationsHold(library, answer);
    });

    it('summarises a chapter with its key sentences, all from that chapter, with progress', async () => {
      const progress: WholeBookProgress[] = [];
      const answer = await library.ask('Summarise chapter 3 of Alice', {
        onProgress: (entry) => progress.push(entry),
      });
      expect(answer.refused).toBe(false);
      expect(answer.mode).toBe('extractive');
      expect(answer.answer).toMatch(
        /^CHAPTER III\. A Caucus-Race and a Long Tale \(“Alice’s Adventures in Wonderland”\):/,
      );
      expectCitationsHold(library, answer);
      const chapters = await library.ask('List the chapters of Alice');
      const third = chapters.citations[2]?.start ?? 0;
      const fourth = chapters.citations[3]?.start ?? 0;
      for (const citation of answer.citations) {
        expect(citation.start).toBeGreaterThanOrEqual(third);
        expect(citation.start).toBeLessThan(fourth);
      }
      // Without a chat model there is nothing to wait for: no progress events.
      expect(progress).toEqual([]);
    });

    it('résume un chapitre en français', async () => {
      const answer = await library.ask('Résume le chapitre III de Candide');
      expect(answer.language).toBe('fr');
      expect(answer.answer).toMatch(/^CHAPITRE III\. Comment Candide se sauva/);
      expectCitationsHold(library, answer);
    });

    it('names the main characters, each cited with a passage that names them', async () => {
      const answer = await library.ask('Who are the main characters of Alice in Wonderland?');
      expect(answer.answer.split('\n')[1]).toMatch(/^1\. Alice — named \d+ times: “.*Alice.*” \[1\]$/);
      expect(answer.answer).toContain('Mock Turtle');
      expectCitationsHold(library, answer);
      for (const [index, line] of answer.answer.split('\n').slice(1).entries()) {
        const name = /^\d+\. (.+?) —/.exec(line)?.[1] as string;
        expect(answer.citations[index]?.text).toContain(name);
      }
      const french = await library.ask('Quels sont les personnages principaux de Candide ?');
      expect(french.answer).toMatch(/^Les personnages principaux de « Candide »/);
      expect(french.answer).toContain('Cunégonde');
      expectCitationsHold(library, french);
    });

    it('asks which book, or which chapter, when the question does not say', async () => {
      const which = await library.ask('Who are the main characters?');
      expect(which.refused).toBe(true);
      expect(which.citations).toEqual([]);
      expect(which.answer).toMatch(/^Which book\?/);
      const unknown = await library.ask('List the chapters of War and Peace');
      expect(unknown.answer).toMatch(/^No book in the library is called “war and peace”/);
      const both = await library.ask('List the chapters', {
        filter: { books: [String(alice), String(candide)] },
      });
      expect(both.answer).toMatch(/^Which book do you mean: /);
      const missing = await library.ask('Summarise chapter 40 of Candide');
      expect(missing.refused).toBe(true);
      expect(missing.answer).toContain('has no chapter 40; it has 30 chapters');
    });

    it('summarises the next chapter on a follow-up in the same conversation', async () => {
      const first = await library.ask('Summarise chapter 3 of Alice');
      const next = await library.ask('And chapter 4?', { conversationId: first.conversationId });
      expect(next.conversationId).toBe(first.conversationId);
      expect(next.answer).toMatch(/^CHAPTER IV\. The Rabbit Sends in a Little Bill/);
      expectCitationsHold(library, next);
    });

    it('streams progress events on /api/ask before the answer', async () => {
      const app = createApp({ library, libraryRoots: [] });
      const response = await app.request('http://127.0.0.1/api/ask', {
        method: 'POST',
        headers: { 'content-type': 'application/json', host: '127.0.0.1' },
        body: JSON.stringify({ question: 'Who are the main characters of Alice?', stream: true }),
      });
      expect(response.status).toBe(200);
      const events = [...(await response.text()).matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((match) => ({
        event: match[1],
        data: JSON.parse(match[2] as string) as unknown,
      }));
      const names = events.map((entry) => entry.event);
      expect(names.indexOf('progress')).toBeGreaterThanOrEqual(0);
      expect(names.indexOf('progress')).toBeLessThan(names.indexOf('done'));
      expect(events.find((entry) => entry.event === 'progress')?.data).toEqual({
        stage: 'reading',
        done: 0,
        total: 1,
      });
      const done = events.at(-1)?.data as Answer | undefined;
      expect(done?.citations.length).toBeGreaterThan(0);
    });

    it('prints a progress line in the CLI', async () => {
      const cli = reaper.spawn(
        process.execPath,
        sourceArguments('apps/library-brain/src/cli.ts', ['ask', 'Who are the main characters of Alice?']),
        { cwd: repositoryRoot(), env: { ...process.env, KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' } },
      );
      expect(await cli.exited).toMatchObject({ code: 0 });
      expect(cli.stderr()).toContain('whole book: reading the book 1/1');
      expect(cli.stdout()).toMatch(/^The main characters of “Alice’s Adventures in Wonderland”/);
      expect(cli.stdout()).toMatch(/\[1\] Alice’s Adventures in Wonderland/);
    }, 60_000);

    it('with a chat model (a fake one): group citations renumbered onto the chapter, progress per group', async () => {
      // A fake chat model that cites its first and last passage, as a model that follows the
      // instructions would; the real one is in whole-book-gemma.test.ts.
      const fakeGenerator: Generator = {
        id: 'fake-generator',
        async generate(messages) {
          const user = messages.at(-1)?.content ?? '';
          if (user.includes('Partial summaries:')) {
            const markers = [...user.matchAll(/\[(\d+)\]/g)].map((match) => match[1]);
            return `Alice and the animals dry themselves [${markers[0]}] and the Mouse tells its tale [${markers.at(-1)}].`;
          }
          const count = [...user.matchAll(/^\[\d+\]$/gm)].length;
          return `The animals gather on the bank [1] and the Dodo speaks [${count}].`;
        },
        async *stream() {
          yield '';
        },
      };
      const database = openLibraryDatabase(
        readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }).databasePath,
      );
      try {
        const answerer = createWholeBookAnswerer({
          database: { getConnection: database.getConnection, writeLock: database.writeLock },
          generator: () => fakeGenerator,
          unavailable: () => null,
          onGeneratorFailure: () => {},
          promptTokens: 900,
          answerTokens: 100,
          gatewayURL: null,
        });
        const progress: WholeBookProgress[] = [];
        const answer = await answerer.answer('Summarise chapter 3 of Alice', {
          onProgress: (entry) => progress.push(entry),
        });
        expect(answer?.mode).toBe('generated');
        expect(answer?.fallback).toBeNull();
        expect(answer?.answer).toMatch(
          /\n\nAlice and the animals dry themselves \[1\] and the Mouse tells its tale \[2\]\.$/,
        );
        expect(answer?.citations.map((citation) => citation.n)).toEqual([1, 2]);
        for (const citation of answer?.citations ?? [])
          expect(library.passage(citation.bookId, citation.start, citation.end, 0)?.text).toBe(citation.text);
        // The first citation is the chapter's first passage, the last its last: the group numbers
        // were moved onto the chapter's before they were combined.
        const chapters = await library.ask('List the chapters of Alice');
        expect(answer?.citations[0]?.start).toBe(chapters.citations[2]?.start);
        expect(answer?.citations[1]?.end).toBeLessThanOrEqual(chapters.citations[3]?.start ?? 0);
        const groups = progress.find((entry) => entry.stage === 'summarising')?.total ?? 0;
        expect(groups).toBeGreaterThan(1);
        expect(progress.filter((entry) => entry.stage === 'summarising')).toHaveLength(groups + 1);
        expect(progress.at(-1)).toEqual({ stage: 'combining', done: 1, total: 1 });

        const characters = await answerer.answer('Who are the main characters of Alice?');
        expect(characters?.mode).toBe('generated');
        // The model's text (its combination, the passages spanning several groups) after the list.
        expect(characters?.answer).toMatch(/\n\nAlice and the animals dry themselves \[\d+\]/);
        for (const marker of characters?.answer.matchAll(/\[(\d+)\]/g) ?? [])
          expect(characters?.citations.map((citation) => citation.n)).toContain(Number(marker[1]));
      } finally {
        database.close();
      }
    });

    it('leaves other questions to the usual answerer', async () => {
      const answer = await library.ask('What did Alice drink?');
      expect(answer.answer).not.toMatch(/chapters|main characters/);
    });
  },
);
