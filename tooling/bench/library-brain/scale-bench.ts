// Library Brain at scale: a library of 5,000 synthetic books (≥ 800,000 passages) beside one of 100
// books, built and measured in the same run: ingestion rate, `search` and `ask` p50/p95 with and
// without a book filter, the book list's first page through a real server (and in Chromium), and
// the chunk counts read as kept by the writes against the recount they replace. The 5,000-book
// figures are given as ratios to the 100-book ones, measured under the same load, query by query
// in turn. The libraries live in a temporary folder, deleted at the end (unless --keep).
//
//   pnpm exec tsx --conditions=@klody/source tooling/bench/library-brain/scale-bench.ts
//   … --books 300 --queries 10          (a quick run)
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { readConfig } from '../../../apps/library-brain/src/config/config.js';
import { openLibraryDatabase } from '../../../apps/library-brain/src/database/open-database.js';
import { pageOfBooks } from '../../../apps/library-brain/src/library/book-list.js';
import { listAllBooks } from '../../../apps/library-brain/src/library/book-list-all.js';
import { createLibrary } from '../../../apps/library-brain/src/library/create-library.js';
import type { Library } from '../../../apps/library-brain/src/library/library.js';
import { createIngester, migrate, type SourceDocument } from '../../../packages/memory/src/index.js';
import {
  chromiumOptions,
  chromiumPath,
  createProcessReaper,
  startLibraryBrain,
} from '../../test-helpers/src/index.js';
import { createSyntheticLibrary, seededRandom } from './synthetic-books.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    books: { type: 'string', default: '5000' },
    'small-books': { type: 'string', default: '100' },
    paragraphs: { type: 'string', default: '170' },
    queries: { type: 'string', default: '40' },
    'page-loads': { type: 'string', default: '30' },
    'browser-loads': { type: 'string', default: '7' },
    seed: { type: 'string', default: '7' },
    'preparation-threads': { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    output: { type: 'string', default: join(here, 'last-run.json') },
  },
});
const largeCount = Number(values.books);
const smallCount = Number(values['small-books']);
const queryCount = Number(values.queries);
const seed = Number(values.seed);
const log = (line: string) =>
  process.stderr.write(`[scale-bench] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

const synthetic = createSyntheticLibrary({ seed, paragraphsPerBook: Number(values.paragraphs) });
const folder = mkdtempSync(join(tmpdir(), 'klody-scale-bench-'));
const reaper = createProcessReaper();

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((first, second) => first - second);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

interface Built {
  home: string;
  books: number;
  chunks: number;
  seconds: number;
  generationSeconds: number;
  databaseBytes: number;
}

/** Writes `count` books through memory's ingester (the path `library-brain ingest` takes, minus file reading). */
async function build(name: string, count: number): Promise<Built> {
  const home = join(folder, name);
  const config = readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' });
  const database = openLibraryDatabase(config.databasePath);
  await migrate(database);
  const ingester = createIngester({
    database,
    preparationThreads: Number(values['preparation-threads']),
  });
  let generationMs = 0;
  async function* documents(): AsyncGenerator<SourceDocument> {
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const book = synthetic.book(index);
      generationMs += performance.now() - started;
      yield book;
    }
  }
  const started = performance.now();
  let lastLog = started;
  const report = await ingester.ingest(documents(), {
    total: count,
    onProgress: (progress) => {
      if (performance.now() - lastLog < 30_000) return;
      lastLog = performance.now();
      const seconds = (lastLog - started) / 1000;
      log(
        `${name}: ${progress.done}/${count} books, ${progress.chunks} passages, ${Math.round(progress.chunks / seconds)}/s`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  await ingester.close();
  database.close();
  const databaseBytes = ['', '-wal']
    .map((suffix) => `${config.databasePath}${suffix}`)
    .filter((path) => existsSync(path))
    .reduce((sum, path) => sum + statSync(path).size, 0);
  log(`${name}: ${report.added} books, ${report.chunks} passages in ${seconds.toFixed(1)} s`);
  return {
    home,
    books: report.added,
    chunks: report.chunks,
    seconds,
    generationSeconds: generationMs / 1000,
    databaseBytes,
  };
}

interface Measured {
  [measure: string]: number[];
}

async function timed(samples: Measured, measure: string, run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await run();
  record(samples, measure, performance.now() - started);
}

function record(samples: Measured, measure: string, milliseconds: number): void {
  const list = samples[measure] ?? [];
  list.push(milliseconds);
  samples[measure] = list;
}

async function main(): Promise<void> {
  log(
    `libraries in ${folder}; load average ${(await import('node:os'))
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  const small = await build('small', smallCount);
  const large = await build('large', largeCount);

  const open = async (built: Built) =>
    createLibrary(readConfig({ KLODY_HOME: built.home, KLODY_GATEWAY_URL: 'none' }), { workerThreads: true });
  const libraries: { name: 'small' | 'large'; built: Built; library: Library; ids: Map<string, number> }[] =
    [];
  for (const [name, built] of [
    ['small', small],
    ['large', large],
  ] as const) {
    const library = await open(built);
    const ids = new Map(listAllBooks(library).map((book) => [book.path, book.id]));
    libraries.push({ name, built, library, ids });
  }

  // The same queries' shape on both: three rarer words of a random passage of a random book.
  const random = seededRandom(seed + 1);
  const queries = Array.from({ length: queryCount }, () =>
    libraries.map(({ built, ids }) => {
      const index = Math.floor(random() * built.books);
      const words = synthetic.queryWords(index, random);
      const uri = `synthetic://book/${String(index + 1).padStart(5, '0')}`;
      return { words, bookId: ids.get(uri) ?? 0 };
    }),
  );
  const samples: Record<'small' | 'large', Measured> = { small: {}, large: {} };
  const topBookRight: Record<'small' | 'large', number> = { small: 0, large: 0 };
  const refused: Record<'small' | 'large', number> = { small: 0, large: 0 };
  log('warming up (3 queries each, untimed)');
  for (const query of queries.slice(0, 3)) {
    for (const [position, { library }] of libraries.entries()) {
      const { words, bookId } = query[position] as { words: string[]; bookId: number };
      await library.search(words.join(' '));
      await library.search(words.join(' '), { filter: { books: [String(bookId)] } });
      await library.ask(`What is said about ${words.join(' ')}?`);
    }
  }
  log(`${queryCount} queries × 4 kinds × 2 libraries, in turn`);
  for (const query of queries) {
    for (const [position, { name, library }] of libraries.entries()) {
      const { words, bookId } = query[position] as { words: string[]; bookId: number };
      const text = words.join(' ');
      const filter = { books: [String(bookId)] };
      const question = `What is said about ${text}?`;
      await timed(samples[name], 'search', async () => {
        const passages = await library.search(text, { k: 10 });
        if (passages[0]?.bookId === bookId) topBookRight[name]++;
      });
      await timed(samples[name], 'search, book filter', async () => {
        const passages = await library.search(text, { k: 10, filter });
        if (passages.some((passage) => passage.bookId !== bookId))
          throw new Error('the filter let another book in');
      });
      await timed(samples[name], 'ask', async () => {
        if ((await library.ask(question)).refused) refused[name]++;
      });
      await timed(samples[name], 'ask, book filter', () => library.ask(question, { filter }));
      // What the first page costs after a write: the whole list read, sorted and folded again.
      await timed(samples[name], 'book list rebuilt (first page after a write)', async () =>
        pageOfBooks(library.books()),
      );
    }
  }
  for (const { library } of libraries) await library.close();

  // Chunk counts: the recount every list used to make, against the counts kept by the writes.
  for (const { name, built } of libraries) {
    const database = openLibraryDatabase(
      readConfig({ KLODY_HOME: built.home, KLODY_GATEWAY_URL: 'none' }).databasePath,
    );
    const connection = database.getConnection();
    for (let round = 0; round < 5; round++) {
      await timed(samples[name], 'chunk counts, recounted (before)', async () =>
        connection
          .prepare(
            'SELECT s.id, count(c.id) FROM memory_sources s LEFT JOIN memory_chunks c ON c.source_id = s.id GROUP BY s.id',
          )
          .all(),
      );
      await timed(samples[name], 'chunk counts, kept (now)', async () =>
        connection.prepare('SELECT source_id, chunks FROM memory_source_counts').all(),
      );
    }
    database.close();
  }

  log('starting a real server on each library');
  const servers = [];
  for (const { built } of libraries) servers.push(await startLibraryBrain(reaper, { home: built.home }));
  const author = (await (await fetch(`${servers[1]?.url}/api/books?limit=1`)).json()) as {
    books: { author: string }[];
  };
  const authorWord = (author.books[0]?.author ?? '').split(' ')[0] ?? '';
  for (let round = 0; round < Number(values['page-loads']); round++) {
    for (const [position, { name }] of libraries.entries()) {
      const url = servers[position]?.url;
      await timed(samples[name], 'GET /api/books, first page (list unchanged)', async () => {
        const response = await fetch(`${url}/api/books`);
        if (!response.ok) throw new Error(`/api/books answered ${response.status}`);
        await response.json();
      });
      await timed(samples[name], `GET /api/books?q=<author>`, async () => {
        const response = await fetch(`${url}/api/books?q=${encodeURIComponent(authorWord)}`);
        await response.json();
      });
    }
  }
  if (existsSync(chromiumPath)) {
    const context = await chromium.launchPersistentContext(
      join(folder, 'chromium-profile'),
      chromiumOptions(),
    );
    try {
      for (let round = 0; round < Number(values['browser-loads']) + 1; round++) {
        for (const [position, { name, built }] of libraries.entries()) {
          const page = await context.newPage();
          const rows = Math.min(50, built.books);
          const started = performance.now();
          await page.goto(`${servers[position]?.url}/`);
          await page.waitForFunction(
            (count) => document.querySelectorAll('#books-body tr').length === count,
            rows,
            {
              timeout: 60_000,
            },
          );
          // The first round warms Chromium's cache of the page's files: not counted.
          if (round > 0)
            record(samples[name], 'page in Chromium, book list shown', performance.now() - started);
          await page.close();
        }
      }
    } finally {
      await context.close();
    }
  } else log(`no Chromium at ${chromiumPath}: the page load in Chromium is not measured`);
  await reaper.reapAll();

  const measures = Object.keys(samples.small);
  const rows = measures.map((measure) => {
    const [smallP50, smallP95, largeP50, largeP95] = [
      percentile(samples.small[measure] ?? [], 0.5),
      percentile(samples.small[measure] ?? [], 0.95),
      percentile(samples.large[measure] ?? [], 0.5),
      percentile(samples.large[measure] ?? [], 0.95),
    ] as [number, number, number, number];
    return {
      measure,
      runs: samples.small[measure]?.length ?? 0,
      smallP50: round(smallP50),
      smallP95: round(smallP95),
      largeP50: round(largeP50),
      largeP95: round(largeP95),
      ratioP50: round(largeP50 / smallP50, 2),
      ratioP95: round(largeP95 / smallP95, 2),
    };
  });
  const ingestion = [small, large].map((built) => ({
    books: built.books,
    passages: built.chunks,
    seconds: round(built.seconds),
    generationSeconds: round(built.generationSeconds),
    passagesPerSecond: Math.round(built.chunks / built.seconds),
    passagesPerSecondWithoutGeneration: Math.round(built.chunks / (built.seconds - built.generationSeconds)),
    booksPerSecond: round(built.books / built.seconds, 2),
    databaseMiB: round(built.databaseBytes / 2 ** 20, 0),
  }));

  const number = (value: number) => value.toLocaleString('en');
  const lines = [
    `| measure (ms) | runs | ${number(small.books)} books p50 / p95 | ${number(large.books)} books p50 / p95 | ratio p50 / p95 |`,
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.measure} | ${row.runs} | ${row.smallP50} / ${row.smallP95} | ${row.largeP50} / ${row.largeP95} | ×${row.ratioP50} / ×${row.ratioP95} |`,
    ),
    '',
    '| ingestion (memory ingester, lexical, 1 preparation thread) | books | passages | seconds | of which generating the text | passages/s | passages/s without generation | database |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...ingestion.map(
      (entry) =>
        `| ${number(entry.books)} books | ${number(entry.books)} | ${number(entry.passages)} | ${number(entry.seconds)} | ${number(entry.generationSeconds)} | ${number(entry.passagesPerSecond)} | ${number(entry.passagesPerSecondWithoutGeneration)} | ${number(entry.databaseMiB)} MiB |`,
    ),
    '',
    `Top search result from the query's book: ${topBookRight.small}/${queryCount} (${number(small.books)} books), ${topBookRight.large}/${queryCount} (${number(large.books)} books). ` +
      `Unfiltered asks refused: ${refused.small}/${queryCount} and ${refused.large}/${queryCount}.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const { loadavg, cpus } = await import('node:os');
  writeFileSync(
    values.output,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: {
          cores: cpus().length,
          loadAverage: loadavg().map((value) => round(value, 2)),
          node: process.version,
        },
        options: { ...values, output: undefined },
        ingestion,
        latencies: rows,
        topBookRight,
        refused,
        queries: queryCount,
      },
      null,
      2,
    )}\n`,
  );
  log(`figures written to ${values.output}`);
}

try {
  await main();
} finally {
  await reaper.reapAll();
  if (values.keep) log(`kept ${folder}`);
  else rmSync(folder, { recursive: true, force: true });
}
