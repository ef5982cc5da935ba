import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@klody/memory';
import { createFakeGenerator } from '@klody/memory/testing';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { openLibraryDatabase } from '../database/open-database.js';
import { createLibrary } from './create-library.js';
import type { Library } from './library.js';
import { createQuestionTranslator } from './translation.js';
import { type CrossLingualPlan, unreachedBooksNote } from './translation-setup.js';

describe('createQuestionTranslator', () => {
  const home = mkdtempSync(join(tmpdir(), 'klody-translation-'));
  const database = openLibraryDatabase(join(home, 'library.db'));
  beforeAll(() => migrate(database));
  afterAll(() => database.close());

  it('asks the chat model once per question and target, and keeps the checked translation', async () => {
    const fakeChat = createFakeGenerator('English: "Who is the captain of the ship?"\nQuestion: …');
    const translator = createQuestionTranslator({ database });
    const first = await translator.translate(
      { generator: fakeChat, model: 'brain' },
      'Qui est le capitaine du navire ?',
      'fr',
      'en',
    );
    expect(first).toEqual({
      text: 'Who is the captain of the ship?',
      language: 'en',
      cached: false,
      failure: null,
    });
    // A new translator on the same database (a restart) still knows it: the model is not asked again.
    const again = await createQuestionTranslator({ database }).translate(
      { generator: fakeChat, model: 'brain' },
      'Qui est le capitaine du navire ?',
      'fr',
      'en',
    );
    expect(again).toEqual({ ...first, cached: true });
    expect(fakeChat.calls).toHaveLength(1);
    // Another model is another cache entry.
    await translator.translate(
      { generator: fakeChat, model: 'other' },
      'Qui est le capitaine du navire ?',
      'fr',
      'en',
    );
    expect(fakeChat.calls).toHaveLength(2);
  });

  it('never passes junk on: a rejected output is reported with its reason, and kept so it is not asked again', async () => {
    const fakeEcho = createFakeGenerator((messages) => String(messages.at(-1)?.content));
    const translator = createQuestionTranslator({ database });
    const result = await translator.translate(
      { generator: fakeEcho, model: 'brain' },
      'Où est la baleine blanche ?',
      'fr',
      'en',
    );
    expect(result.text).toBeNull();
    expect(result.failure?.code).toBe('prompt_echo');
    const again = await translator.translate(
      { generator: fakeEcho, model: 'brain' },
      'Où est la baleine blanche ?',
      'fr',
      'en',
    );
    expect(again).toMatchObject({ text: null, cached: true, failure: { code: 'prompt_echo' } });
    expect(fakeEcho.calls).toHaveLength(1);
  });

  it('reports a failing or absent chat model without caching it: it is asked again next time', async () => {
    const translator = createQuestionTranslator({ database });
    const fakeBroken = {
      ...createFakeGenerator(''),
      async generate(): Promise<string> {
        throw new Error('connection refused');
      },
    };
    const failed = await translator.translate(
      { generator: fakeBroken, model: 'brain' },
      'Qui est Achab ?',
      'fr',
      'en',
    );
    expect(failed).toMatchObject({ text: null, cached: false, failure: { code: 'gateway_error' } });
    expect(failed.failure?.message).toContain('connection refused');
    const fakeChat = createFakeGenerator('Who is Ahab?');
    expect(
      await translator.translate({ generator: fakeChat, model: 'brain' }, 'Qui est Achab ?', 'fr', 'en'),
    ).toMatchObject({ text: 'Who is Ahab?', cached: false });
    expect(await translator.translate(null, 'Qui est Achab ?', 'fr', 'en')).toMatchObject({
      text: null,
      failure: { code: 'gateway_error' },
    });
  });
});

describe('unreachedBooksNote', () => {
  const plan = (overrides: Partial<CrossLingualPlan>): CrossLingualPlan => ({
    questionLanguage: 'fr',
    otherLanguage: 'en',
    translation: null,
    evidence: null,
    ...overrides,
  });
  it.each([
    ['no chat model, no embedder (French)', plan({}), /en anglais.*pnpm klody-models install.*en anglais\.$/],
    [
      'no chat model, no embedder (English)',
      plan({ questionLanguage: 'en', otherLanguage: 'fr' }),
      /in French.*pnpm klody-models install.*ask in French\.$/,
    ],
    [
      'a rejected translation says why',
      plan({
        translation: {
          text: null,
          language: 'en',
          cached: true,
          failure: { code: 'echo', message: 'repeated' },
        },
      }),
      /traduction de la question par le modèle de chat était inutilisable \(repeated\)/,
    ],
  ])('%s', (_, input, expected) => {
    expect(unreachedBooksNote(input)).toMatch(expected);
  });
  it.each([
    ['one language only', plan({ otherLanguage: null })],
    [
      'a translation was used',
      plan({ translation: { text: 'Who?', language: 'en', cached: false, failure: null } }),
    ],
  ])('is null when %s', (_, input) => {
    expect(unreachedBooksNote(input)).toBeNull();
  });
});

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] },
  'a cross-lingual question without any model',
  () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-cross-lingual-'));
    let library: Library;
    beforeAll(async () => {
      const books = join(home, 'books');
      mkdirSync(books);
      // The first chapters: enough to ask about, quick to ingest.
      writeFileSync(
        join(books, 'alice.txt'),
        readFileSync(testDataPath('books/en/11-0.txt'), 'utf8').slice(0, 58_604),
      );
      writeFileSync(
        join(books, 'candide.txt'),
        readFileSync(testDataPath('books/fr/Candide.txt'), 'utf8').slice(0, 38_255),
      );
      library = await createLibrary(readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }));
      await library.ingest([books]);
    });
    afterAll(() => library?.close());

    it('says, in the question’s language, that the books are in the other language and what to do', async () => {
      const tokens: string[] = [];
      const answer = await library.ask('Qui fume un narguilé assis sur un champignon ?', {
        onToken: (token) => tokens.push(token),
      });
      expect(answer).toMatchObject({
        refused: true,
        language: 'fr',
        translatedQuestion: null,
        citations: [],
      });
      expect(answer.answer).toMatch(/^Les sources ne contiennent pas la réponse\. /);
      expect(answer.answer).toContain('en anglais');
      expect(answer.answer).toContain('pnpm klody-models install');
      // What streams is what the answer says.
      expect(tokens.join('')).toBe(answer.answer);
      const english = await library.ask(
        'Who is the pessimistic scholar travelling with the pilots of the submarine?',
      );
      expect(english.refused).toBe(true);
      expect(english.answer).toContain('in French');
    });

    it('adds no note about books in the other language when a filter leaves only books in the question’s language', async () => {
      const question = 'Who is the pessimistic scholar travelling with the pilots of the submarine?';
      const limited = await library.ask(question, { filter: { language: 'en' } });
      expect(limited.refused).toBe(true);
      expect(limited.answer).not.toContain('in French');
      expect(limited.answer).not.toContain('klody-models');
      // Limited to the French book, the note is still right.
      const french = await library.ask(question, { filter: { books: ['Candide'] } });
      expect(french.refused).toBe(true);
      expect(french.answer).toContain('in French');
    });

    it('answers a question in the books’ language as before, without a note', async () => {
      const answer = await library.ask('Qui enseignait la métaphysico-théologo-cosmolonigologie ?');
      expect(answer).toMatchObject({ refused: false, language: 'fr', translatedQuestion: null });
      expect(answer.citations[0]?.book).toBe('Candide');
      expect(answer.answer).not.toContain('klody-models');
    });
  },
);

describeRequiring(
  { data: ['books/fr/Candide.txt', 'books/en/11-0.txt'] },
  'a chat model that does not answer the translation',
  () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-cross-lingual-hanging-'));
    const chatRequests: string[] = [];
    let server: Server;
    let library: Library;
    beforeAll(async () => {
      // A real HTTP server standing for a gateway whose chat model hangs: it lists the model, and
      // never answers a chat request.
      server = createServer((request, response) => {
        if (request.url === '/v1/models') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ object: 'list', data: [{ id: 'brain' }] }));
          return;
        }
        chatRequests.push(request.url ?? '');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const books = join(home, 'books');
      mkdirSync(books);
      writeFileSync(
        join(books, 'alice.txt'),
        readFileSync(testDataPath('books/en/11-0.txt'), 'utf8').slice(0, 23_171),
      );
      writeFileSync(
        join(books, 'candide.txt'),
        readFileSync(testDataPath('books/fr/Candide.txt'), 'utf8').slice(0, 11_334),
      );
      library = await createLibrary(
        readConfig({
          KLODY_HOME: home,
          KLODY_GATEWAY_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          KLODY_CHAT_MODEL: 'brain',
          KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: '1',
        }),
      );
      await library.ingest([books]);
    });
    afterAll(async () => {
      await library?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('waits on it once: the answer is extractive, with the gateway reported unavailable', async () => {
      const started = performance.now();
      const answer = await library.ask('Qui enseignait la métaphysico-théologo-cosmolonigologie ?');
      expect(chatRequests).toEqual(['/v1/chat/completions']);
      expect(answer).toMatchObject({ translatedQuestion: null, mode: 'extractive', refused: false });
      expect(answer.fallback?.code).toBe('gateway_unreachable');
      expect(answer.citations[0]?.book).toBe('Candide');
      // One time limit (1 s) and the work around it, not two.
      expect(performance.now() - started).toBeLessThan(1_900);
    });
  },
);
