#!/usr/bin/env node
// `pnpm library-brain <command>`: stdout carries the result only (with --json, one line of JSON);
// progress and logs go to stderr. Exit 0 success, 1 the command ran and the answer is no (a gate
// regression, a failed ingestion), 2 bad usage or configuration (CONTRACTS.md).
import { parseCommandLine } from '@klody/service';
import { Command, InvalidArgumentError } from 'commander';
import {
  addBookFilterOptions,
  type BookFilterFlags,
  bookFilterFromFlags,
} from './cli/book-filter-options.js';
import { runCli } from './cli/run-cli.js';
import { defaultBookPageSize, maximumBookPageSize } from './library/book-list.js';

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('must be a positive integer');
  return number;
}

const program = new Command('library-brain')
  .description('Answers only from your books, with citations.')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .showHelpAfterError(false);

program
  .command('ingest')
  .description('add or update books from files or folders (txt, md, html, pdf, docx, epub)')
  .argument('[paths...]', 'files or folders')
  .option(
    '--sync <folder>',
    'make the library match a folder: add, replace, and remove books whose file is gone',
  )
  .option('--dry-run', 'with --sync: list what would change, change nothing')
  .option('--shelf <name>', 'put the books read on this shelf')
  .option('--json', 'print the summary as one JSON line')
  .action((paths: string[], options: { json?: boolean; sync?: string; dryRun?: boolean; shelf?: string }) =>
    runCli({
      command: 'ingest',
      paths,
      shelf: options.shelf ?? null,
      json: !!options.json,
      sync: options.sync ?? null,
      dryRun: !!options.dryRun,
    }),
  );

program
  .command('maintain')
  .description(
    'check the database and tidy it (full-text indexes, vectors, free space); safe while serve runs',
  )
  .option('--full-check', 'PRAGMA integrity_check instead of the quicker quick_check')
  .option('--rebuild-full-text', 'rebuild the full-text indexes instead of optimizing them')
  .option('--vacuum <when>', 'auto (when a tenth of the file is free), always or never', 'auto')
  .option('--json', 'print the report as one JSON line')
  .action((options: { fullCheck?: boolean; rebuildFullText?: boolean; vacuum: string; json?: boolean }) =>
    runCli({
      command: 'maintain',
      check: options.fullCheck ? 'full' : 'quick',
      rebuildFullText: !!options.rebuildFullText,
      vacuum: options.vacuum,
      json: !!options.json,
    }),
  );

program
  .command('reindex')
  .description(
    "bring the books' vectors to the current embedder (relabel when they are the same, else re-embed)",
  )
  .option('--json', 'print the result as one JSON line')
  .action((options: { json?: boolean }) => runCli({ command: 'reindex', json: !!options.json }));

program
  .command('remove')
  .description('remove a book (by id or exact title), with its passages and vectors')
  .argument('<book>', 'book id or exact title')
  .option('--json', 'print the removed book as one JSON line')
  .action((book: string, options: { json?: boolean }) =>
    runCli({ command: 'remove', book, json: !!options.json }),
  );

function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError('must be 0 or a positive integer');
  return number;
}

function pageSize(value: string): number {
  const number = positiveInteger(value);
  if (number > maximumBookPageSize) throw new InvalidArgumentError(`must be at most ${maximumBookPageSize}`);
  return number;
}

program
  .command('books')
  .description('list the books with their ingestion state, sorted by title, a page at a time')
  .option('--offset <n>', 'books to skip before the page', nonNegativeInteger, 0)
  .option('--limit <n>', `books on the page (at most ${maximumBookPageSize})`, pageSize, defaultBookPageSize)
  .option('--query <words>', 'only the books whose title or author holds these words (any case or accents)')
  .option('--all', 'every book, not one page')
  .option('--json', 'print the list as one JSON line')
  .action((options: { offset: number; limit: number; query?: string; all?: boolean; json?: boolean }) =>
    runCli({
      command: 'books',
      offset: options.offset,
      limit: options.limit,
      query: options.query ?? '',
      all: !!options.all,
      json: !!options.json,
    }),
  );

addBookFilterOptions(
  program
    .command('search')
    .description('ranked passages for a query')
    .argument('<query>', 'what to look for')
    .option('--k <n>', 'how many passages', positiveInteger, 10),
)
  .option('--json', 'print the results as one JSON line')
  .action((query: string, options: BookFilterFlags & { k: number; json?: boolean }) =>
    runCli({
      command: 'search',
      query,
      k: options.k,
      filter: bookFilterFromFlags(options),
      json: !!options.json,
    }),
  );

addBookFilterOptions(
  program
    .command('ask')
    .description('answer a question from the books, with numbered citations')
    .argument('<question>', 'your question, in English or French'),
)
  .option(
    '--conversation <id>',
    'a follow-up question in this conversation (its id is printed with each answer)',
  )
  .option('--json', 'print the answer as one JSON line')
  .action((question: string, options: BookFilterFlags & { conversation?: string; json?: boolean }) =>
    runCli({
      command: 'ask',
      question,
      filter: bookFilterFromFlags(options),
      conversationId: options.conversation ?? null,
      json: !!options.json,
    }),
  );

const shelf = program.command('shelf').description('put books on shelves (tags) and take them off');
for (const action of ['add', 'remove'] as const)
  shelf
    .command(action)
    .description(action === 'add' ? 'put a book on a shelf' : 'take a book off a shelf')
    .argument('<book>', 'book id or exact title')
    .argument('<shelf>', 'shelf name')
    .option('--json', 'print the book as one JSON line')
    .action((book: string, name: string, options: { json?: boolean }) =>
      runCli({ command: 'shelf', action, book, shelf: name, json: !!options.json }),
    );

program
  .command('gate')
  .description('replay the pinned question set and compare with the committed baseline')
  .option('--check', 'compare with the baseline (the default)')
  .option('--generate', 'also generate answers: keyword coverage, refusal accuracy, citation validity')
  .option('--update-baseline', 'write the measured figures as the new baseline')
  .option('--report <file>', 'where to write the Markdown report')
  .option(
    '--books <folder>',
    'the shared books folder (default: $KLODY_TEST_DATA/books or ../shared/data/books)',
  )
  .option(
    '--sample <n>',
    'with --generate: answer n questions only, an equal share of each group (for a slow chat model)',
    positiveInteger,
  )
  .option('--json', 'print the figures as one JSON line')
  .action(
    (options: {
      generate?: boolean;
      sample?: number;
      updateBaseline?: boolean;
      report?: string;
      books?: string;
      json?: boolean;
    }) =>
      runCli({
        command: 'gate',
        generate: !!options.generate,
        updateBaseline: !!options.updateBaseline,
        report: options.report ?? null,
        books: options.books ?? null,
        sample: options.sample ?? null,
        json: !!options.json,
      }),
  );

program
  .command('serve')
  .description('start the HTTP API and web page on 127.0.0.1 (KLODY_LIBRARY_BRAIN_PORT, default 8765)')
  .option('--port <n>', 'port', positiveInteger)
  .option('--seed <folder>', 'on first run (an empty library), ingest this folder in the background')
  .option(
    '--watch <folder>',
    'keep the library in sync with a folder as files change (KLODY_LIBRARY_BRAIN_WATCH)',
  )
  .action((options: { port?: number; seed?: string; watch?: string }) =>
    runCli({
      command: 'serve',
      port: options.port ?? null,
      seed: options.seed ?? null,
      watch: options.watch ?? null,
    }),
  );

program
  .command('mcp')
  .description(
    'serve search_books, ask_books and list_books to an MCP client over stdio (run it as: pnpm --silent --dir <klody> library-brain mcp)',
  )
  .action(() => runCli({ command: 'mcp' }));

const usageExit = await parseCommandLine(program);
if (usageExit !== null) process.exit(usageExit);
