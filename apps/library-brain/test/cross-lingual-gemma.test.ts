// The translation path for real: the gateway's command (a real process) serves Gemma 3 270M on its
// embedded node-llama-cpp worker, and Library Brain, holding an English and a French book, translates
// each question into the other language before searching. The package's GGUF is the *base* model: it
// continues text rather than following instructions, so this test asserts the contract — every
// question gets a checked translation that the answer shows and searches with, or none and the
// reason — and prints what Gemma wrote, without a quality target the model cannot reach.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTranslation, createOpenAiGenerator, detectLanguage } from '@klody/memory';
import { type GatewayProcess, testDataPath } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openLibraryDatabase } from '../src/database/open-database.js';
import { createLibrary } from '../src/library/create-library.js';
import { createQuestionTranslator } from '../src/library/translation.js';
import { gemmaLibraryConfig, startGemmaGateway } from './support/gemma-gateway.js';

const questions = [
  'Qui fume un narguilé assis sur un champignon ?',
  "Qu'est-il écrit sur l'étiquette de la petite bouteille ?",
  'Who teaches Candide that all is for the best in the best of all possible worlds?',
  'What disaster strikes Lisbon when Candide and Pangloss arrive?',
];
const rejections = ['empty', 'too_long', 'echo', 'wrong_language', 'prompt_echo'];

describeRequiring(
  { models: ['gemma-3-270m'], data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] },
  'questions in another language, translated by Gemma 3 270M through the gateway',
  () => {
    const reaper = useProcessReaper();
    const home = mkdtempSync(join(tmpdir(), 'klody-cross-lingual-gemma-'));
    let gateway: GatewayProcess | undefined;

    beforeAll(async () => {
      gateway = await startGemmaGateway(reaper, home);
    }, 90_000);
    afterAll(() => gateway?.stop(), 40_000);

    it('translates each question once, or reports why not; the answer shows the translation it searched with', async () => {
      const books = join(home, 'books');
      mkdirSync(books);
      writeFileSync(
        join(books, 'alice.txt'),
        readFileSync(testDataPath('books/en/11-0.txt'), 'utf8').slice(0, 58_604),
      );
      writeFileSync(
        join(books, 'candide.txt'),
        readFileSync(testDataPath('books/fr/Candide.txt'), 'utf8').slice(0, 38_255),
      );
      const config = gemmaLibraryConfig(home, gateway?.url as string, { answerTokens: 64 });
      const library = await createLibrary(config);
      const database = openLibraryDatabase(config.databasePath);
      try {
        await library.ingest([books]);
        const cached = database
          .getConnection()
          .prepare('SELECT translation, rejection, message FROM library_translations WHERE question = ?');
        const report: Record<string, unknown>[] = [];
        for (const question of questions) {
          const started = performance.now();
          const answer = await library.ask(question);
          const target = detectLanguage(question) === 'fr' ? 'en' : 'fr';
          const row = cached.get(question) as
            | { translation: string | null; rejection: string | null; message: string | null }
            | undefined;
          report.push({
            question,
            translation: row?.translation ?? null,
            rejected: row?.rejection ?? null,
            why: row?.message ?? null,
            mode: answer.mode,
            refused: answer.refused,
            fallback: answer.fallback?.code ?? null,
            books: [...new Set(answer.citations.map((citation) => citation.book))],
            seconds: Math.round((performance.now() - started) / 100) / 10,
          });
          // The contract: Gemma answered (the gateway did not fail), and its output is either a
          // checked translation — shown and searched with — or rejected with its reason, never shown.
          expect(row).toBeDefined();
          if (row?.translation) {
            expect(answer.translatedQuestion).toBe(row.translation);
            expect(checkTranslation(question, row.translation, target)).toEqual({
              accepted: true,
              text: row.translation,
            });
          } else {
            expect(answer.translatedQuestion).toBeNull();
            expect(rejections).toContain(row?.rejection);
            expect(row?.message).toBeTruthy();
          }
          // The answer is in the question's language whatever happened.
          expect(answer.language).toBe(detectLanguage(question));
        }
        for (const line of report) console.log(`[cross-lingual gemma] ${JSON.stringify(line)}`);
        // Asked once: the same question again is answered from the database, Gemma not asked.
        const generator = createOpenAiGenerator({ baseUrl: gateway?.url as string, model: 'brain' });
        const again = await createQuestionTranslator({ database }).translate(
          { generator, model: 'brain' },
          questions[0] as string,
          'fr',
          'en',
        );
        expect(again.cached).toBe(true);
        expect(again.text).toBe(report[0]?.translation);
      } finally {
        database.close();
        await library.close();
      }
    }, 900_000);
  },
);
