import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LibraryBrainConfig } from '../config/config.js';
import { createLibrary } from '../library/create-library.js';
import type { Library } from '../library/library.js';
import {
  firstRelevantRank,
  type GenerationFigures,
  type GenerationOutcome,
  generationFigures,
  type RetrievalFigures,
  retrievalFigures,
} from './gate-metrics.js';
import { loadHandWrittenQuestions } from './hand-written-questions.js';
import { measureHandWritten } from './measure-hand-written.js';
import {
  type GateQuestion,
  isAnswerable,
  loadQuestionSet,
  type QuestionSet,
  questionGroup,
} from './question-set.js';
import { sampleQuestions } from './sample-questions.js';
import { shownCitationProblems } from './shown-citations.js';

export interface GateOptions {
  generate: boolean;
  updateBaseline: boolean;
  /** Where to write the Markdown report (default: $KLODY_HOME/library-brain/gate-report.md). */
  report: string | null;
  json: boolean;
  /** The shared books folder (default: $KLODY_TEST_DATA/books, else ../shared/data/books). */
  books?: string | null;
  /**
   * Generate answers for this many questions only (an equal share of each group, see
   * sampleQuestions), for a chat model too slow for the whole set; null or absent: every question.
   */
  sample?: number | null;
}

export interface GateFigures {
  configuration: string;
  /** The old groups (books-en, books-fr, xquad, piaf, all) and the hand-written ones (handWrittenGroup). */
  retrieval: Record<string, RetrievalFigures>;
  /** Answers to the old groups' questions, together. */
  generation: GenerationFigures | null;
  /** Answers to the hand-written questions, per group (books-report-fr, filters, follow-ups…). */
  answersByGroup?: Record<string, GenerationFigures> | null;
}

/** One generated answer, as the JSON report records it. */
export interface GateAnswer {
  id: string;
  answerable: boolean;
  mode: 'generated' | 'extractive';
  refused: boolean;
  fallback: string | null;
  citations: number[];
  invalidCitations: number;
  answer: string;
}

export interface Baseline extends GateFigures {
  /** How far a figure may fall below the baseline before the gate fails (absolute, 0–1). */
  tolerance: number;
}

export interface GateHooks {
  /** Changes the library under test (e.g. a deliberately degraded retriever in the gate's own tests). */
  wrapLibrary?: (library: Library) => Library;
  baselinePath?: string;
  log?: (message: string) => void;
}

const gateFolder = [
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'gate'),
  join(dirname(fileURLToPath(import.meta.url)), '..', 'gate'),
].find((folder) => existsSync(join(folder, 'question-set.json')));

function repositoryRoot(): string | null {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (dirname(folder) !== folder) {
    if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return folder;
    folder = dirname(folder);
  }
  return null;
}

/** The shared books: --books, else $KLODY_TEST_DATA/books, else ../shared/data/books beside the repository. */
export function defaultBooksFolder(): string | null {
  if (process.env.KLODY_TEST_DATA) return resolve(process.env.KLODY_TEST_DATA, 'books');
  const root = repositoryRoot();
  return root ? resolve(root, '..', 'shared', 'data', 'books') : null;
}

/** Regressions: figures below the baseline by more than its tolerance, one line each. */
export function compareWithBaseline(measured: GateFigures, baseline: Baseline): string[] {
  const regressions: string[] = [];
  for (const [group, figures] of Object.entries(baseline.retrieval)) {
    const now = measured.retrieval[group];
    if (!now) {
      regressions.push(`${group}: no longer measured`);
      continue;
    }
    // Its questions changed (a hand-written file grew): not comparable, the report says so.
    if (now.questions !== figures.questions) continue;
    for (const metric of ['recall@5', 'mrr@10'] as const) {
      if (now[metric] < figures[metric] - baseline.tolerance) {
        regressions.push(
          `${group} ${metric}: ${now[metric]} < baseline ${figures[metric]} − ${baseline.tolerance}`,
        );
      }
    }
  }
  for (const [group, before] of Object.entries(baseline.answersByGroup ?? {})) {
    const now = measured.answersByGroup?.[group];
    // Not generated this time, or on a sample: not comparable.
    if (!now || now.questions !== before.questions) continue;
    for (const metric of ['keywordCoverage', 'refusalAccuracy'] as const) {
      if (now[metric] < before[metric] - baseline.tolerance)
        regressions.push(
          `${group} ${metric}: ${now[metric]} < baseline ${before[metric]} − ${baseline.tolerance}`,
        );
    }
  }
  // A sample of the questions is not comparable with figures measured on the whole set.
  if (
    baseline.generation &&
    measured.generation &&
    baseline.generation.questions === measured.generation.questions
  ) {
    for (const metric of ['keywordCoverage', 'refusalAccuracy'] as const) {
      if (measured.generation[metric] < baseline.generation[metric] - baseline.tolerance) {
        regressions.push(
          `generation ${metric}: ${measured.generation[metric]} < baseline ${baseline.generation[metric]} − ${baseline.tolerance}`,
        );
      }
    }
  }
  return [...regressions, ...invariantBreaches(measured)];
}

/** What fails the gate whatever the baseline: a citation shown as valid that is not. */
export function invariantBreaches(measured: GateFigures): string[] {
  const invalid = measured.generation?.invalidCitations ?? 0;
  const breaches = invalid > 0 ? [`generation: ${invalid} invalid citations (must be 0)`] : [];
  for (const [group, figures] of Object.entries(measured.answersByGroup ?? {}))
    if (figures.invalidCitations > 0)
      breaches.push(`${group}: ${figures.invalidCitations} invalid citations (must be 0)`);
  return breaches;
}

function markdownReport(
  figures: GateFigures,
  baseline: Baseline | null,
  regressions: string[],
  misses: string[],
): string {
  const lines = [
    `# Library Brain gate — ${new Date().toISOString()}`,
    '',
    `Configuration: ${figures.configuration}${baseline && baseline.configuration !== figures.configuration ? ` (baseline measured with: ${baseline.configuration})` : ''}`,
    '',
    '| group | questions | recall@5 | baseline | mrr@10 | baseline |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(figures.retrieval).map(([group, now]) => {
      const before = baseline?.retrieval[group];
      return `| ${group} | ${now.questions} | ${now['recall@5']} | ${before?.['recall@5'] ?? '—'} | ${now['mrr@10']} | ${before?.['mrr@10'] ?? '—'} |`;
    }),
  ];
  if (figures.generation) {
    const before = baseline?.generation;
    lines.push(
      '',
      '| answers | measured | baseline |',
      '| --- | ---: | ---: |',
      `| keyword coverage | ${figures.generation.keywordCoverage} | ${before?.keywordCoverage ?? '—'} |`,
      `| refusal accuracy | ${figures.generation.refusalAccuracy} | ${before?.refusalAccuracy ?? '—'} |`,
      `| invalid citations | ${figures.generation.invalidCitations} | 0 |`,
      `| answers written by the chat model | ${figures.generation.answered ?? '—'} | |`,
      `| keyword coverage of the chat model's own answers | ${figures.generation.modelKeywordCoverage ?? '—'} | |`,
      `| answerable questions refused | ${figures.generation.refusedWrongly ?? '—'} | |`,
      `| unanswerable questions answered | ${figures.generation.answeredWrongly ?? '—'} | |`,
      ...Object.entries(figures.generation.fallbacks ?? {}).map(
        ([code, count]) => `| replaced by the extractive answer: ${code} | ${count} | |`,
      ),
    );
    if (before && before.questions !== figures.generation.questions)
      lines.push(
        '',
        `Answers were generated for ${figures.generation.questions} of the questions (--sample); the baseline's answer figures, measured on ${before.questions}, are not compared.`,
      );
  }
  if (figures.answersByGroup && Object.keys(figures.answersByGroup).length > 0) {
    lines.push(
      '',
      'Hand-written questions (gate/questions/), apart from the groups above: books by half (tuning, report) and language, unanswerable ones, cross-lingual questions, filtered questions and follow-ups in their conversation.',
      '',
      '| group | questions | keyword coverage | baseline | refusal accuracy | baseline | answerable refused | unanswerable answered | invalid citations |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(figures.answersByGroup).map(([group, now]) => {
        const before = baseline?.answersByGroup?.[group];
        return `| ${group} | ${now.questions} | ${now.keywordCoverage} | ${before?.keywordCoverage ?? '—'} | ${now.refusalAccuracy} | ${before?.refusalAccuracy ?? '—'} | ${now.refusedWrongly ?? '—'} | ${now.answeredWrongly ?? '—'} | ${now.invalidCitations} |`;
      }),
    );
  }
  const changed = Object.entries(figures.retrieval).filter(([group, now]) => {
    const before = baseline?.retrieval[group];
    return before !== undefined && before.questions !== now.questions;
  });
  if (changed.length > 0)
    lines.push(
      '',
      `Not compared with the baseline, their questions having changed since: ${changed.map(([group, now]) => `${group} (${baseline?.retrieval[group]?.questions} then, ${now.questions} now)`).join(', ')}.`,
    );
  lines.push(
    '',
    regressions.length === 0
      ? 'Result: **pass**'
      : `Result: **regression**\n\n${regressions.map((line) => `- ${line}`).join('\n')}`,
  );
  if (misses.length > 0)
    lines.push(
      '',
      '## Questions without a relevant passage in the top 10',
      '',
      ...misses.map((line) => `- ${line}`),
    );
  return `${lines.join('\n')}\n`;
}

async function measure(
  library: Library,
  set: QuestionSet,
  generate: boolean,
  sample: number | null,
  log: (message: string) => void,
) {
  const ranksByGroup = new Map<string, (number | null)[]>();
  const misses: string[] = [];
  const answerable = set.questions.filter(isAnswerable);
  for (const question of answerable) {
    const passages = await library.search(question.question, { k: 10 });
    const rank = firstRelevantRank(question, passages);
    if (rank === null) misses.push(`${question.id}: ${question.question}`);
    for (const group of [questionGroup(question), 'all']) {
      ranksByGroup.set(group, [...(ranksByGroup.get(group) ?? []), rank]);
    }
  }
  const retrieval = Object.fromEntries(
    [...ranksByGroup].map(([group, ranks]) => [group, retrievalFigures(ranks)]),
  );
  let generation: GenerationFigures | null = null;
  const answers: GateAnswer[] = [];
  if (generate) {
    const outcomes: GenerationOutcome[] = [];
    const questions = sample === null ? set.questions : sampleQuestions(set.questions, sample);
    const every = questions.length > 40 ? 20 : 5;
    for (const [index, question] of questions.entries()) {
      if (index % every === 0) log(`gate: answering ${index + 1}/${questions.length}`);
      const answer = await library.ask(question.question);
      const problems = shownCitationProblems(
        answer,
        (citation) => library.passage(citation.bookId, citation.start, citation.end)?.text ?? null,
      );
      const invalidCitations = problems.wrongOffsets + problems.danglingMarkers + problems.unsupportedQuotes;
      outcomes.push({ question, answer, invalidCitations });
      answers.push({
        id: question.id,
        answerable: isAnswerable(question),
        mode: answer.mode,
        refused: answer.refused,
        fallback: answer.fallback?.code ?? null,
        citations: answer.citations.map((citation) => citation.n),
        invalidCitations,
        answer: answer.answer.length > 400 ? `${answer.answer.slice(0, 400)}…` : answer.answer,
      });
    }
    generation = generationFigures(outcomes, (question: GateQuestion) => isAnswerable(question));
  }
  return { retrieval, generation, misses, answers };
}

/** Replays the pinned question set on a fresh library and compares with the baseline; the exit code. */
export async function runGate(
  config: LibraryBrainConfig,
  options: GateOptions,
  hooks: GateHooks = {},
): Promise<number> {
  const log = hooks.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  if (!gateFolder) throw new Error('the gate files (gate/question-set.json) are missing from the package');
  const books = options.books ?? defaultBooksFolder();
  if (!books || !existsSync(books)) {
    process.stderr.write(
      `library-brain gate: the shared books folder is missing (${books ?? 'unknown'}); pass --books <folder> or set KLODY_TEST_DATA\n`,
    );
    return 2;
  }
  const sample = options.sample ?? null;
  if (sample !== null && options.updateBaseline) {
    process.stderr.write(
      'library-brain gate: --update-baseline records figures on the whole question set; drop --sample\n',
    );
    return 2;
  }
  const set = loadQuestionSet(join(gateFolder, 'question-set.json'));
  const handWritten = loadHandWrittenQuestions(gateFolder);
  const baselinePath = hooks.baselinePath ?? join(gateFolder, 'baseline.json');
  const baseline = existsSync(baselinePath)
    ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as Baseline)
    : null;

  // A fresh library in a temporary folder: the user's own library is never touched, and every run
  // starts from the same state.
  const work = mkdtempSync(join(tmpdir(), 'klody-gate-'));
  try {
    const passagesFolder = join(work, 'passages');
    mkdirSync(passagesFolder);
    for (const passage of set.passages)
      writeFileSync(join(passagesFolder, `${passage.id}.txt`), `${passage.title}\n\n${passage.text}\n`);
    const created = await createLibrary(
      { ...config, home: work, databasePath: join(work, 'library.db') },
      { log },
    );
    const library = hooks.wrapLibrary ? hooks.wrapLibrary(created) : created;
    try {
      const started = performance.now();
      const ingestion = await library.ingest([books, passagesFolder]);
      log(
        `gate: ingested ${ingestion.added} documents (${ingestion.chunks} passages) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const { retrieval, generation, misses, answers } = await measure(
        library,
        set,
        options.generate,
        sample,
        log,
      );
      const measuredHandWritten = await measureHandWritten(library, handWritten, {
        generate: options.generate,
        sample,
        log,
      });
      const configuration =
        config.embedder ??
        (config.gatewayURL
          ? `gateway ${config.gatewayURL} (${config.embedModel}, ${config.chatModel})`
          : 'lexical, extractive');
      const figures: GateFigures = {
        configuration,
        retrieval: { ...retrieval, ...measuredHandWritten.retrieval },
        generation,
        answersByGroup: measuredHandWritten.answers,
      };
      const regressions =
        baseline && !options.updateBaseline
          ? compareWithBaseline(figures, baseline)
          : invariantBreaches(figures);
      const report = markdownReport(figures, baseline, regressions, [
        ...misses,
        ...measuredHandWritten.misses,
      ]);
      const reportPath = options.report ?? join(config.home, 'gate-report.md');
      mkdirSync(dirname(reportPath), { recursive: true });
      writeFileSync(reportPath, report);
      // The same figures as JSON beside it, with every generated answer: for scripts and for reading
      // what the chat model actually wrote.
      const jsonPath = `${reportPath.replace(/\.md$/, '')}.json`;
      writeFileSync(
        jsonPath,
        `${JSON.stringify({ ...figures, regressions, passed: regressions.length === 0, answers, handWrittenAnswers: measuredHandWritten.answered }, null, 2)}\n`,
      );
      log(`gate: report written to ${reportPath} (figures and answers: ${jsonPath})`);
      if (options.updateBaseline) {
        const next: Baseline = {
          tolerance: baseline?.tolerance ?? 0.02,
          ...figures,
          generation: figures.generation ?? baseline?.generation ?? null,
          answersByGroup: figures.answersByGroup ?? baseline?.answersByGroup ?? null,
        };
        writeFileSync(baselinePath, `${JSON.stringify(next, null, 2)}\n`);
        log(`gate: baseline updated (${baselinePath})`);
      }
      if (options.json)
        process.stdout.write(
          `${JSON.stringify({ ...figures, regressions, passed: regressions.length === 0 })}\n`,
        );
      else process.stdout.write(report);
      return regressions.length === 0 ? 0 : 1;
    } finally {
      await library.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
