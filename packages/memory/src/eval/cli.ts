#!/usr/bin/env node
// klody-eval: retrieval evaluation and fusion calibration on a labelled set (CONTRACTS.md: result on
// stdout, one JSON line with --json, logs on stderr, exit 0 / 1 / 2).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { createCachedEmbedder } from '../embedder/cached-embedder.js';
import type { Embedder } from '../embedder/embedder.js';
import { createEmbedderFromId } from '../embedder/embedder-from-id.js';
import { parsePurposeEncoding } from '../embedder/purpose-encoding.js';
import { MemoryError } from '../errors/index.js';
import { defaultFusionWeights, type FusionWeights } from '../retriever/fusion-weights.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { evaluateAnswers } from './answer-evaluation.js';
import { calibrateFusion } from './calibrate.js';
import { type LabelledSet, readCranfield, readSquad } from './datasets.js';
import { type LexicalSetting, parseLexicalSetting } from './lexical-setting.js';
import { calibrateRefusalOnSet } from './refusal-evaluation.js';
import {
  buildEvaluationCorpus,
  evaluate,
  type QuestionHalf,
  questionHalf,
  rankQuestions,
} from './retrieval-evaluation.js';

class UsageError extends Error {}

const log = (line: string) => process.stderr.write(`[klody-eval] ${line}\n`);

function defaultEmbedderId(): string {
  const data = process.env.KLODY_TEST_DATA ?? '../shared/data';
  return `model2vec:${join(data, 'models', 'model2vec-tiny')}`;
}

function defaultWeightsFile(): string {
  return join(process.env.KLODY_HOME ?? join(homedir(), '.klody'), 'memory', 'fusion-weights.json');
}

interface CommonOptions {
  format: 'squad' | 'cranfield';
  input: string;
  distractors?: string;
  embedder: string;
  questions: QuestionHalf;
  weightsFile: string;
  baseUrl?: string;
  purposes: string;
  vectorCache?: string;
  lexical: string;
  json?: boolean;
}

async function loadSet(options: CommonOptions): Promise<LabelledSet> {
  const input = resolve(options.input);
  if (!existsSync(input)) throw new UsageError(`--input not found: ${options.input}`);
  if (options.distractors && !existsSync(resolve(options.distractors))) {
    throw new UsageError(`--distractors not found: ${options.distractors}`);
  }
  const set = options.format === 'squad' ? await readSquad(input) : await readCranfield(input);
  const questions =
    options.questions === 'all'
      ? set.questions
      : set.questions.filter((question) => questionHalf(question) === options.questions);
  return { passages: set.passages, questions };
}

async function loadEmbedder(options: CommonOptions): Promise<Embedder | null> {
  if (options.embedder === 'none') return null;
  // CONTRACTS.md: the gateway's default address, `none` disables it.
  const gateway = options.baseUrl ?? process.env.KLODY_GATEWAY_URL ?? 'http://127.0.0.1:8090';
  const embedder = await createEmbedderFromId(options.embedder, {
    baseUrl: gateway && gateway !== 'none' ? gateway : undefined,
    apiKey: process.env.KLODY_GATEWAY_API_KEY,
    purposes: parsePurposeEncoding(options.purposes),
    // An evaluation embeds in large batches, and a CPU model may take minutes over one.
    timeoutMs: 600_000,
  });
  if (!options.vectorCache) return embedder;
  // Vectors kept between runs: a slow CPU model embeds each passage and question once.
  const cache = openDatabaseFile(resolve(options.vectorCache));
  await migrate(cache);
  const cached = createCachedEmbedder({ embedder, database: cache });
  process.once('exit', () => {
    log(`vector cache: ${cached.statistics.hits} hits, ${cached.statistics.misses} misses`);
    cache.close();
  });
  return cached;
}

function lexicalSettingOf(options: CommonOptions): LexicalSetting {
  return parseLexicalSetting(options.lexical);
}

type WeightsFile = Record<
  string,
  FusionWeights & { refusalThreshold?: number; dimensions: number; calibratedOn: string; details: unknown }
>;

async function readWeightsFile(path: string): Promise<WeightsFile> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8')) as WeightsFile;
  } catch {
    throw new UsageError(`cannot parse the weights file ${path}`);
  }
}

const formatNumber = (value: number) => value.toFixed(3);

function table(rows: [string, Record<string, number>][]): string {
  const columns = ['recall@1', 'recall@5', 'recall@10', 'mrr@10', 'ndcg@10'];
  const lines = [
    `| retriever | ${columns.join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
  ];
  for (const [name, metrics] of rows)
    lines.push(`| ${name} | ${columns.map((column) => formatNumber(metrics[column] ?? 0)).join(' | ')} |`);
  return lines.join('\n');
}

function addCommon(command: Command): Command {
  return command
    .addOption(
      new Option('--format <format>', 'labelled set layout')
        .choices(['squad', 'cranfield'])
        .makeOptionMandatory(),
    )
    .requiredOption('--input <path>', 'SQuAD JSON file or Cranfield folder')
    .option('--distractors <dir>', 'add every text file of this folder to the corpus')
    .option(
      '--embedder <id>',
      'embedder id (model2vec:<dir>, transformers:<dir>, openai:<alias>, none)',
      defaultEmbedderId(),
    )
    .addOption(
      new Option('--questions <half>', 'which questions: all, or one half of a deterministic split')
        .choices(['all', 'calibration', 'holdout'])
        .default('all'),
    )
    .option('--weights-file <path>', 'calibrated fusion weights by embedder id', defaultWeightsFile())
    .option('--base-url <url>', 'OpenAI-compatible server for openai: ids (default KLODY_GATEWAY_URL)')
    .addOption(
      new Option('--purposes <encoding>', 'how the model tells queries from passages')
        .choices(['none', 'input-type', 'e5'])
        .default('none'),
    )
    .option('--vector-cache <file>', 'SQLite file keeping the vectors between runs')
    .option(
      '--lexical <setting>',
      'lexical list: default, plain (FTS5 porter BM25 baseline) or overrides like phraseWeight=0,fuzzy=false',
      'default',
    )
    .option('--json', 'print one JSON object on stdout');
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('klody-eval')
    .description('Evaluate @klody/memory retrieval on a labelled set')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  let exitCode = 0;
  addCommon(program.command('retrieval').description('recall@1/5/10, MRR@10 and nDCG@10 for hybrid and BM25'))
    .option('--vector-weight <number>', 'override the fusion weight of the vector list (lexical is 1)')
    .action(async (options: CommonOptions & { vectorWeight?: string }) => {
      const set = await loadSet(options);
      const embedder = await loadEmbedder(options);
      let weights = defaultFusionWeights;
      if (options.vectorWeight !== undefined) {
        const value = Number(options.vectorWeight);
        if (!Number.isFinite(value) || value < 0)
          throw new UsageError('--vector-weight must be a number ≥ 0');
        weights = { lexical: 1, vector: value };
      } else if (embedder) {
        const stored = (await readWeightsFile(resolve(options.weightsFile)))[embedder.id];
        if (stored) weights = { lexical: stored.lexical, vector: stored.vector };
      }
      log(
        `embedder ${embedder?.id ?? 'none'}, fusion weights lexical ${weights.lexical} vector ${weights.vector}`,
      );
      const corpus = await buildEvaluationCorpus({
        set,
        embedder,
        distractorsFolder: options.distractors,
        log,
      });
      try {
        const started = performance.now();
        const ranked = await rankQuestions(corpus, set.questions, 50, lexicalSettingOf(options));
        log(`${ranked.length} questions in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        const result = evaluate(corpus, ranked, weights);
        const output = {
          hybrid: result.hybrid,
          bm25: result.bm25,
          questions: result.questions,
          passages: result.passages,
          distractors: result.distractors,
          lexical: options.lexical,
        };
        if (options.json) process.stdout.write(`${JSON.stringify(output)}\n`);
        else {
          process.stdout.write(
            `${table([
              ['hybrid', result.hybrid as unknown as Record<string, number>],
              ['bm25', result.bm25 as unknown as Record<string, number>],
            ])}\n\nquestions ${result.questions} · passages ${result.passages} · distractors ${result.distractors} · embedder ${embedder?.id ?? 'none'} · weights ${weights.lexical}/${weights.vector} · lexical ${options.lexical}\n`,
          );
        }
      } finally {
        corpus.database.close();
      }
    });

  addCommon(
    program
      .command('answers')
      .description('citation validity, refusal accuracy and gold citations of the answerer'),
  )
    .option(
      '--refusal-threshold <number>',
      'evidence below which the answerer refuses (default: calibrated, else 0.5)',
    )
    .action(async (options: CommonOptions & { refusalThreshold?: string }) => {
      // The answerer retrieves with the shipped lexical defaults: an override here would be ignored.
      if (options.lexical !== 'default') throw new UsageError('answers takes no --lexical');
      const set = await loadSet(options);
      const embedder = await loadEmbedder(options);
      let refusalThreshold: number | undefined;
      if (options.refusalThreshold !== undefined) {
        refusalThreshold = Number(options.refusalThreshold);
        if (!Number.isFinite(refusalThreshold)) throw new UsageError('--refusal-threshold must be a number');
      } else if (embedder) {
        refusalThreshold = (await readWeightsFile(resolve(options.weightsFile)))[embedder.id]
          ?.refusalThreshold;
      }
      const corpus = await buildEvaluationCorpus({
        set,
        embedder,
        distractorsFolder: options.distractors,
        log,
      });
      try {
        const result = await evaluateAnswers(corpus, set.questions, { refusalThreshold });
        const output = { ...result, refusalThreshold: refusalThreshold ?? 0.5 };
        if (options.json) process.stdout.write(`${JSON.stringify(output)}\n`);
        else {
          process.stdout.write(
            `citation validity ${result.citationValidity.toFixed(3)} · refusal accuracy ${result.refusalAccuracy.toFixed(3)} · gold passage cited ${result.goldCited.toFixed(3)} · questions ${result.questions} · refusal threshold ${output.refusalThreshold}\n`,
          );
        }
      } finally {
        corpus.database.close();
      }
    });

  addCommon(
    program.command('calibrate').description('fit the fusion weights of an embedder on the calibration half'),
  ).action(async (options: CommonOptions) => {
    // Calibration always fits on the calibration half and reports the held-out half.
    const all = await loadSet({ ...options, questions: 'all' });
    const embedder = await loadEmbedder(options);
    if (!embedder) throw new UsageError('calibrate needs an embedder');
    const corpus = await buildEvaluationCorpus({
      set: all,
      embedder,
      distractorsFolder: options.distractors,
      log,
    });
    try {
      const calibrationQuestions = all.questions.filter(
        (question) => questionHalf(question) === 'calibration',
      );
      const holdoutQuestions = all.questions.filter((question) => questionHalf(question) === 'holdout');
      const lexical = lexicalSettingOf(options);
      const calibrationRanked = await rankQuestions(corpus, calibrationQuestions, 50, lexical);
      const holdoutRanked = await rankQuestions(corpus, holdoutQuestions, 50, lexical);
      const calibration = calibrateFusion(corpus, calibrationRanked);
      const refusal = calibrateRefusalOnSet(corpus, calibrationQuestions, holdoutQuestions);
      const holdout = evaluate(corpus, holdoutRanked, calibration.weights);
      const path = resolve(options.weightsFile);
      const file = await readWeightsFile(path);
      file[embedder.id] = {
        ...calibration.weights,
        refusalThreshold: refusal.threshold,
        dimensions: embedder.dimensions,
        calibratedOn: `${options.format}:${resolve(options.input)}${options.distractors ? ` + ${resolve(options.distractors)}` : ''}`,
        details: {
          calibration: calibration.metrics,
          holdout: { hybrid: holdout.hybrid, bm25: holdout.bm25 },
          refusal,
        },
      };
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
      log(`stored weights for ${embedder.id} in ${path}`);
      const output = {
        embedder: embedder.id,
        weights: calibration.weights,
        refusal,
        calibration: { questions: calibrationQuestions.length, hybrid: calibration.metrics },
        holdout: { questions: holdoutQuestions.length, hybrid: holdout.hybrid, bm25: holdout.bm25 },
        weightsFile: path,
      };
      if (options.json) process.stdout.write(`${JSON.stringify(output)}\n`);
      else {
        process.stdout.write(
          `weights for ${embedder.id}: lexical ${calibration.weights.lexical}, vector ${calibration.weights.vector}\nrefusal threshold ${refusal.threshold.toFixed(3)}: refusal accuracy ${refusal.calibrationAccuracy.toFixed(3)} on the calibration half, ${refusal.holdoutAccuracy.toFixed(3)} held out\n\nheld-out half (${holdoutQuestions.length} questions):\n${table(
            [
              ['hybrid', holdout.hybrid as unknown as Record<string, number>],
              ['bm25', holdout.bm25 as unknown as Record<string, number>],
            ],
          )}\n`,
        );
      }
    } finally {
      corpus.database.close();
    }
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return 2;
    }
    if (error instanceof UsageError || (MemoryError.isInstance(error) && error.code === 'invalid_argument')) {
      process.stderr.write(`klody-eval: ${(error as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`klody-eval: ${(error as Error).stack ?? error}\n`);
    exitCode = 1;
  }
  return exitCode;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
