import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Embedder } from '../embedder/embedder.js';
import { createIngester, type SourceDocument } from '../ingest/ingester.js';
import { createDefaultLoaders, findLoader, loadDocumentFile } from '../loaders/load-document.js';
import { defaultFusionWeights, type FusionWeights } from '../retriever/fusion-weights.js';
import { prepareSearch } from '../retriever/hybrid-retriever.js';
import { runSearch, type SearchRequest } from '../retriever/search.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { migrate } from '../store/migrate.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import type { LabelledQuestion, LabelledSet } from './datasets.js';
import type { LexicalSetting } from './lexical-setting.js';
import { type JudgedRanking, type RetrievalMetrics, retrievalMetrics } from './metrics.js';
import { buildPlainIndex, plainSearch } from './plain-fts5.js';

export type QuestionHalf = 'all' | 'calibration' | 'holdout';

/** Deterministic split of a set's questions into two halves by a hash of their id. */
export function questionHalf(question: LabelledQuestion): 'calibration' | 'holdout' {
  const byte = createHash('sha256').update(question.id).digest()[0] as number;
  return byte % 2 === 0 ? 'calibration' : 'holdout';
}

export interface EvaluationCorpus {
  database: MemoryDatabase & { close(): void };
  embedder: Embedder | null;
  /** Source uri → passage id (distractor sources are absent). */
  passageOfUri: Map<string, string>;
  passages: number;
  distractors: number;
}

const passageUri = (id: string) => `passage:${id}`;

/** Ingests the labelled passages (and distractor files) into a fresh in-memory database. */
export async function buildEvaluationCorpus(options: {
  set: LabelledSet;
  embedder: Embedder | null;
  distractorsFolder?: string | null;
  log?: (line: string) => void;
}): Promise<EvaluationCorpus> {
  const database = createInMemoryDatabase();
  await migrate(database);
  const ingester = createIngester({
    database,
    embedder: options.embedder,
    batchSize: 128,
    groupChunks: 2048,
  });
  const documents: SourceDocument[] = options.set.passages.map((passage) => ({
    uri: passageUri(passage.id),
    title: passage.title,
    text: passage.text,
    format: 'txt',
    stripGutenberg: false,
  }));
  const passageOfUri = new Map(options.set.passages.map((passage) => [passageUri(passage.id), passage.id]));
  const started = performance.now();
  await ingester.ingest(documents);
  options.log?.(
    `ingested ${documents.length} passages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  let distractors = 0;
  if (options.distractorsFolder) {
    const loaders = createDefaultLoaders();
    const files = await listFiles(options.distractorsFolder, (name) => findLoader(loaders, name) !== null);
    for (const file of files) {
      const loaded = await loadDocumentFile(file, loaders);
      const report = await ingester.ingest([
        { uri: `distractor:${file}`, title: loaded.title, text: loaded.text, format: loaded.format },
      ]);
      distractors++;
      options.log?.(`distractor ${file}: ${report.chunks} chunks`);
    }
  }
  return {
    database,
    embedder: options.embedder,
    passageOfUri,
    passages: options.set.passages.length,
    distractors,
  };
}

async function listFiles(folder: string, accept: (name: string) => boolean): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, accept)));
    else if (entry.isFile() && accept(entry.name)) files.push(path);
  }
  return files.sort();
}

export interface RankedQuestion {
  question: LabelledQuestion;
  lexical: (string | null)[];
  vector: (string | null)[];
}

/**
 * Runs every question once per retriever and keeps the passage id of each retrieved chunk, so the
 * fusion can be recomputed for any weights without searching again (calibration).
 */
export async function rankQuestions(
  corpus: EvaluationCorpus,
  questions: readonly LabelledQuestion[],
  depth = 50,
  lexical: LexicalSetting = { kind: 'ours', options: {} },
): Promise<
  { question: LabelledQuestion; lexical: number[]; vector: number[]; passageOf: Map<number, string | null> }[]
> {
  const connection = corpus.database.getConnection();
  const sourceUriOfChunk = connection.prepare(
    'SELECT s.uri FROM memory_chunks c JOIN memory_sources s ON s.id = c.source_id WHERE c.id = ?',
  );
  if (lexical.kind === 'plain') buildPlainIndex(connection);
  const embedder = corpus.embedder;
  // The questions are embedded in batches, as queries: one request per question costs a CPU model
  // far more (its fixed cost per call, and no batching).
  const queryVectors: (Float32Array | null)[] = [];
  for (let offset = 0; offset < questions.length; offset += 32) {
    const batch = questions.slice(offset, offset + 32).map((question) => question.text);
    if (!embedder) queryVectors.push(...batch.map(() => null));
    else queryVectors.push(...(await embedder.embed(batch, { purpose: 'query' })));
  }
  const results = [];
  for (const [index, question] of questions.entries()) {
    const lexicalOnly = await prepareSearch(
      {
        embedder: null,
        database: corpus.database,
        mode: 'lexical',
        lexical: lexical.kind === 'ours' ? lexical.options : undefined,
      },
      { text: question.text, limit: depth },
    );
    const vectorOfQuestion = question.text.trim().length > 0 ? (queryVectors[index] ?? null) : null;
    const base = { ...lexicalOnly, vector: vectorOfQuestion, embedderId: embedder?.id ?? null };
    const lexicalIds =
      lexical.kind === 'plain'
        ? plainSearch(connection, question.text, depth)
        : runSearch(connection, { ...base, mode: 'lexical', limit: depth }).map((chunk) => chunk.chunkId);
    const vector =
      corpus.embedder && base.vector
        ? runSearch(connection, { ...base, mode: 'vector', limit: depth }).map((chunk) => chunk.chunkId)
        : [];
    const passageOf = new Map<number, string | null>();
    for (const id of new Set([...lexicalIds, ...vector])) {
      const uri = sourceUriOfChunk.pluck().get(id) as string;
      passageOf.set(id, corpus.passageOfUri.get(uri) ?? null);
    }
    results.push({ question, lexical: lexicalIds, vector, passageOf });
  }
  return results;
}

/** Weighted RRF (k = 60) of two id lists, as the hybrid retriever computes it. */
export function fuseIds(
  lexical: readonly number[],
  vector: readonly number[],
  weights: FusionWeights,
): number[] {
  const scores = new Map<number, { score: number; order: number }>();
  let order = 0;
  const add = (ids: readonly number[], weight: number) =>
    ids.forEach((id, index) => {
      const entry = scores.get(id) ?? { score: 0, order: order++ };
      entry.score += weight / (60 + index + 1);
      scores.set(id, entry);
    });
  add(lexical, weights.lexical);
  add(vector, weights.vector);
  return [...scores.entries()]
    .sort((left, right) => right[1].score - left[1].score || left[1].order - right[1].order)
    .map(([id]) => id);
}

export function metricsFor(
  ranked: Awaited<ReturnType<typeof rankQuestions>>,
  pick: (entry: Awaited<ReturnType<typeof rankQuestions>>[number]) => readonly number[],
): RetrievalMetrics {
  const rankings: JudgedRanking[] = ranked.map((entry) => ({
    retrieved: pick(entry)
      .slice(0, 10)
      .map((id) => entry.passageOf.get(id) ?? null),
    relevance: entry.question.relevance,
  }));
  return retrievalMetrics(rankings);
}

export interface RetrievalEvaluation {
  hybrid: RetrievalMetrics;
  bm25: RetrievalMetrics;
  questions: number;
  passages: number;
  distractors: number;
  weights: FusionWeights;
}

/** Check that the fast recomputation matches the real hybrid retriever on a few questions. */
export async function liveHybridIds(
  corpus: EvaluationCorpus,
  question: LabelledQuestion,
  weights: FusionWeights,
) {
  const request: SearchRequest = await prepareSearch(
    { embedder: corpus.embedder, database: corpus.database, weights },
    { text: question.text, limit: 10 },
  );
  return runSearch(corpus.database.getConnection(), request).map((chunk) => chunk.chunkId);
}

export function evaluate(
  corpus: EvaluationCorpus,
  ranked: Awaited<ReturnType<typeof rankQuestions>>,
  weights: FusionWeights = defaultFusionWeights,
): RetrievalEvaluation {
  return {
    hybrid: metricsFor(ranked, (entry) =>
      corpus.embedder ? fuseIds(entry.lexical, entry.vector, weights) : entry.lexical,
    ),
    bm25: metricsFor(ranked, (entry) => entry.lexical),
    questions: ranked.length,
    passages: corpus.passages,
    distractors: corpus.distractors,
    weights,
  };
}
