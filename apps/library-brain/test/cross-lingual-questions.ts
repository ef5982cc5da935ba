// How many of the hand-written cross-lingual gate questions (gate/questions/cross-lingual.json) are
// answered from the right book — not refused, the first citation from the book asked about — in two
// setups, over all the shared books (ingested lexically):
//   none  — no model: Library Brain as it is by default (refusals carry the note on the other language);
//   gemma — Gemma 3 270M through a real gateway translates each question (Library Brain's translator,
//           checked and cached), and memory's answerer searches with both, answering extractively.
// Run from apps/library-brain: `npx tsx --conditions=@klody/source test/cross-lingual-questions.ts none|gemma [home]`
// (home: a folder kept between runs; the library and the translations are reused).
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnswerer, createLexicalRetriever, createOpenAiGenerator, detectLanguage } from '@klody/memory';
import {
  createProcessReaper,
  freePort,
  gemmaEmbeddedWorkerEntry,
  startGatewayProcess,
  testDataPath,
} from '@klody/test-helpers';
import { readConfig } from '../src/config/config.js';
import { openLibraryDatabase } from '../src/database/open-database.js';
import { createLibrary } from '../src/library/create-library.js';
import { createQuestionTranslator } from '../src/library/translation.js';

interface CrossLingualQuestion {
  id: string;
  question: string;
  source: string;
}

const mode = process.argv[2] === 'gemma' ? 'gemma' : 'none';
const home = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'klody-cross-lingual-questions-'));
const { questions } = JSON.parse(
  readFileSync(new URL('../gate/questions/cross-lingual.json', import.meta.url), 'utf8'),
) as { questions: CrossLingualQuestion[] };
const fresh = !existsSync(join(home, 'library-brain'));
mkdirSync(home, { recursive: true });
const config = readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' });
const library = await createLibrary(config);
if (fresh) await library.ingest([testDataPath('books')]);
const titleOf = new Map(library.books().map((book) => [book.path.split('/books/')[1], book.title]));
const reaper = createProcessReaper();
const database = openLibraryDatabase(config.databasePath);
const counts = { right: 0, refused: 0, wrongBook: 0, withNote: 0, translated: 0 };
try {
  let translate: ((question: string) => Promise<string | null>) | null = null;
  if (mode === 'gemma') {
    const gateway = await startGatewayProcess(reaper, {
      home: join(home, 'gateway'),
      budgetGb: 4,
      workers: [gemmaEmbeddedWorkerEntry(await freePort(), { contextSize: 2048 })],
    });
    const translator = createQuestionTranslator({ database });
    const generator = createOpenAiGenerator({
      baseUrl: gateway.url,
      model: 'brain',
      firstTokenTimeoutMs: 300_000,
    });
    translate = async (question) => {
      const from = detectLanguage(question) ?? 'en';
      const result = await translator.translate(
        { generator, model: 'brain' },
        question,
        from,
        from === 'fr' ? 'en' : 'fr',
      );
      console.log(`  translation: ${JSON.stringify(result.text)} ${result.failure?.code ?? ''}`);
      return result.text;
    };
  }
  for (const question of questions) {
    let book: string | undefined;
    let refused: boolean;
    let text: string;
    if (translate) {
      const translation = await translate(question.question);
      if (translation) counts.translated++;
      const to = detectLanguage(question.question) === 'fr' ? 'en' : 'fr';
      const answer = await createAnswerer({
        retriever: createLexicalRetriever({ database }),
        database,
      }).answer(question.question, { translation: translation ? { text: translation, language: to } : null });
      book = answer.citations[0]?.sourceTitle ?? answer.citations[0]?.sourceUri;
      refused = answer.refused;
      text = answer.text;
    } else {
      const answer = await library.ask(question.question);
      book = answer.citations[0]?.book;
      refused = answer.refused;
      text = answer.answer;
      if (text.includes('pnpm klody-models install')) counts.withNote++;
    }
    const expected = titleOf.get(question.source);
    const verdict = refused ? 'REFUSED' : book === expected ? 'RIGHT' : 'WRONG';
    if (verdict === 'RIGHT') counts.right++;
    else if (verdict === 'REFUSED') counts.refused++;
    else counts.wrongBook++;
    console.log(
      `${verdict} ${question.id} → ${book ?? '-'} (asked about ${expected}): ${JSON.stringify(text.slice(0, 100))}`,
    );
  }
  console.log(JSON.stringify({ mode, questions: questions.length, ...counts }));
} finally {
  database.close();
  await library.close();
  await reaper.reapAll();
}
