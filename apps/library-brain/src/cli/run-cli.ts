import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ConfigurationError,
  createLogger,
  reportCommandFailure,
  stopOnSignals,
  UsageError,
  usageError,
} from '@klody/service';
import { type LibraryBrainConfig, readConfig } from '../config/config.js';
import { apiErrorFrom } from '../http/api-error-from.js';
import { startServer } from '../http/start-server.js';
import { listAllBooks } from '../library/book-list-all.js';
import { bookPageFooter } from '../library/book-list-footer.js';
import { createLibrary } from '../library/create-library.js';
import { seedLibrary } from '../library/first-run.js';
import type { Answer, BookFilter, Library } from '../library/library.js';
import { watchFolder } from '../library/watch.js';
import { progressLine } from '../library/whole-book.js';
import { serveLibraryOverStdio } from '../mcp/serve-library-over-stdio.js';
import { formatBooks, formatPassages } from './format.js';
import { createIngestProgress } from './progress-bar.js';
import { runShelf } from './run-shelf.js';
import { runMaintain, runReindex, runSync } from './upkeep-commands.js';

export type CliCommand =
  | {
      command: 'ingest';
      paths: string[];
      json: boolean;
      sync: string | null;
      dryRun: boolean;
      shelf: string | null;
    }
  | { command: 'maintain'; check: 'quick' | 'full'; rebuildFullText: boolean; vacuum: string; json: boolean }
  | { command: 'reindex'; json: boolean }
  | { command: 'remove'; book: string; json: boolean }
  | { command: 'books'; offset: number; limit: number; query: string; all: boolean; json: boolean }
  | { command: 'search'; query: string; k: number; filter: BookFilter | null; json: boolean }
  | {
      command: 'ask';
      question: string;
      filter: BookFilter | null;
      conversationId: string | null;
      json: boolean;
    }
  | { command: 'shelf'; action: 'add' | 'remove'; book: string; shelf: string; json: boolean }
  | {
      command: 'gate';
      generate: boolean;
      updateBaseline: boolean;
      report: string | null;
      books: string | null;
      sample: number | null;
      json: boolean;
    }
  | { command: 'serve'; port: number | null; seed: string | null; watch: string | null }
  | { command: 'mcp' };

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function citationLines(answer: Answer): string {
  return answer.citations
    .map(
      (citation) =>
        `[${citation.n}] ${citation.book}${citation.chapter ? ` — ${citation.chapter}` : ''} (characters ${citation.start}–${citation.end})`,
    )
    .join('\n');
}

async function withLibrary<T>(config: LibraryBrainConfig, job: (library: Library) => Promise<T>): Promise<T> {
  const library = await createLibrary(config, { log: (message) => process.stderr.write(`${message}\n`) });
  try {
    return await job(library);
  } finally {
    await library.close();
  }
}

async function ingest(
  config: LibraryBrainConfig,
  paths: string[],
  json: boolean,
  shelf: string | null,
): Promise<number> {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) usageError(`no such file or folder: ${missing.join(', ')}`);
  return withLibrary(config, async (library) => {
    const progress = createIngestProgress();
    const summary = await library.ingest(
      paths.map((path) => resolve(path)),
      { onProgress: (update) => progress.update(update), ...(shelf ? { shelf } : {}) },
    );
    progress.stop();
    if (json) printJson(summary);
    else {
      process.stdout.write(
        `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed.length} failed, ${summary.skipped.length} skipped; ` +
          `${summary.chunks} passages in ${summary.seconds.toFixed(1)} s\n`,
      );
      for (const failure of summary.failed)
        process.stdout.write(`  failed: ${failure.path}: ${failure.message}\n`);
      for (const skip of summary.skipped) process.stdout.write(`  skipped: ${skip.message}\n`);
    }
    return summary.failed.length > 0 ? 1 : 0;
  });
}

async function run(command: CliCommand, config: LibraryBrainConfig): Promise<number> {
  switch (command.command) {
    case 'ingest':
      if (command.sync) {
        if (command.paths.length > 0) usageError('--sync takes one folder: give no other paths');
        if (!existsSync(command.sync)) usageError(`no such folder: ${command.sync}`);
        const folder = resolve(command.sync);
        return withLibrary(config, (library) =>
          runSync(library, folder, { dryRun: command.dryRun, json: command.json }),
        );
      }
      if (command.dryRun) usageError('--dry-run goes with --sync <folder>');
      if (command.paths.length === 0) usageError('give files or folders to ingest, or --sync <folder>');
      return ingest(config, command.paths, command.json, command.shelf);
    case 'maintain':
      if (!['auto', 'always', 'never'].includes(command.vacuum))
        usageError(`--vacuum must be auto, always or never, not "${command.vacuum}"`);
      return runMaintain(config, {
        check: command.check,
        rebuildFullText: command.rebuildFullText,
        vacuum: command.vacuum as 'auto' | 'always' | 'never',
        json: command.json,
      });
    case 'reindex':
      return withLibrary(config, (library) => runReindex(library, { json: command.json }));
    case 'remove':
      return withLibrary(config, async (library) => {
        const removed = await library.remove(command.book);
        if (command.json) printJson({ removed });
        else
          process.stdout.write(
            removed ? `removed "${removed.title}" (id ${removed.id})\n` : `no book "${command.book}"\n`,
          );
        return removed ? 0 : 1;
      });
    case 'books':
      return withLibrary(config, async (library) => {
        const { offset, limit, query } = command;
        const books = command.all ? listAllBooks(library, query) : null;
        const page = books
          ? { books, total: books.length, offset: 0 }
          : { ...library.listBooks({ offset, limit, query }), offset };
        if (command.json) printJson({ books: page.books, total: page.total, offset: page.offset });
        else
          process.stdout.write(
            formatBooks(page.books) + bookPageFooter(page.offset, page.books.length, page.total),
          );
        return 0;
      });
    case 'search':
      return withLibrary(config, async (library) => {
        const passages = await library.search(command.query, {
          k: command.k,
          ...(command.filter ? { filter: command.filter } : {}),
        });
        if (command.json) {
          printJson({
            results: passages.map(({ book, chapter, start, end, score, text }) => ({
              book,
              chapter,
              start,
              end,
              score,
              text,
            })),
          });
        } else process.stdout.write(formatPassages(passages));
        return 0;
      });
    case 'ask':
      return withLibrary(config, async (library) => {
        let streamed = false;
        const answer = await library.ask(command.question, {
          ...(command.filter ? { filter: command.filter } : {}),
          ...(command.conversationId ? { conversationId: command.conversationId } : {}),
          onToken: command.json
            ? undefined
            : (token) => {
                streamed = true;
                process.stdout.write(token);
              },
          // Already printed tokens cannot be taken back: say that the extractive answer follows.
          onFallback: command.json
            ? undefined
            : (fallback) => {
                if (streamed) process.stdout.write(`\n\n[${fallback.code}] `);
              },
          // Long whole-book answers (a chapter summarised with the chat model) say how far they are.
          onProgress: command.json
            ? undefined
            : (progress) => process.stderr.write(`${progressLine(progress)}\n`),
        });
        if (command.json) {
          printJson({
            answer: answer.answer,
            refused: answer.refused,
            citations: answer.citations.map(({ bookId: _, ...citation }) => citation),
            mode: answer.mode,
            fallback: answer.fallback,
            conversationId: answer.conversationId,
            standaloneQuestion: answer.standaloneQuestion,
            rewrite: answer.rewrite,
            translatedQuestion: answer.translatedQuestion,
          });
        } else {
          if (!streamed) process.stdout.write(answer.answer);
          process.stdout.write(answer.citations.length > 0 ? `\n\n${citationLines(answer)}\n` : '\n');
          if (answer.fallback) process.stderr.write(`note: ${answer.fallback.message}\n`);
          if (answer.rewrite?.fallback) process.stderr.write(`note: ${answer.rewrite.fallback}\n`);
          if (answer.standaloneQuestion)
            process.stderr.write(`note: searched as "${answer.standaloneQuestion}"\n`);
          if (answer.translatedQuestion)
            process.stderr.write(`note: also searched in translation as "${answer.translatedQuestion}"\n`);
          process.stdout.write(
            `\nconversation ${answer.conversationId} (ask a follow-up with --conversation ${answer.conversationId})\n`,
          );
        }
        return 0;
      });
    case 'shelf':
      return withLibrary(config, async (library) => runShelf(library, command));
    case 'gate': {
      const { runGate } = await import('../gate/run-gate.js');
      return runGate(config, command);
    }
    case 'serve':
      return serveForever(config, command.port, command.seed, command.watch ?? config.watchFolder);
    case 'mcp':
      await serveLibraryOverStdio(config);
      return 0;
  }
}

async function serveForever(
  config: LibraryBrainConfig,
  port: number | null,
  seed: string | null,
  watch: string | null,
): Promise<number> {
  if (watch && !existsSync(watch)) usageError(`no such folder to watch: ${watch}`);
  const logger = createLogger({ service: 'library-brain', level: config.logLevel });
  const running = await startServer(config, { port: port ?? config.port, logger }).catch((error: unknown) => {
    // A port in use: the kit's message names it (after the service's name, which reportFailure
    // prints already); say how to choose another.
    if (ConfigurationError.isInstance(error))
      usageError(
        `${error.message.replace(/^library-brain: /, '')}; choose another port with --port or KLODY_LIBRARY_BRAIN_PORT`,
      );
    throw error;
  });
  logger.info({ url: `${running.url}/` }, `Library Brain listening on ${running.url}/`);
  if (seed) {
    seedLibrary(running.library, resolve(seed), join(config.home, 'seeded'), (message) =>
      logger.info(message),
    ).catch((error: unknown) => logger.error({ err: error }, 'first run: ingestion failed'));
  }
  // What the previous sync saw: a sync after a change reads only the files that changed.
  const signatures = new Map<string, string>();
  const watching = watch
    ? watchFolder({
        folder: resolve(watch),
        sync: () => running.library.sync(resolve(watch), { signatures }),
        log: (message, details) => logger.info(details ?? {}, message),
      })
    : null;
  // SIGTERM or SIGINT: requests in progress finish, the library closes, the process exits 0.
  stopOnSignals({
    async close(options) {
      await watching?.close();
      await running.close(options);
    },
  });
  // Never settles: the server keeps the process alive until stopOnSignals exits it.
  return new Promise<number>(() => {});
}

/**
 * A failed command, reported by the kit (CONTRACTS.md): the one-line message on stderr and, with
 * `--json`, exactly one JSON line on stdout. Library Brain's own API errors (and the gateway's, as its
 * client sees them) keep their codes: exit 2 for a 4xx other than an abort, 1 otherwise.
 */
function reportFailure(command: CliCommand, error: unknown, gatewayURL: string | null): number {
  return reportCommandFailure({
    service: 'library-brain',
    error,
    json: command.command !== 'serve' && command.command !== 'mcp' && command.json,
    classify(failure) {
      if (UsageError.isInstance(failure) || ConfigurationError.isInstance(failure)) return null;
      const known = apiErrorFrom(failure, { gatewayURL });
      if (!known) return null;
      const input = known.status >= 400 && known.status < 500 && known.code !== 'aborted';
      return { code: known.code, exitCode: input ? 2 : 1 };
    },
  });
}

/** Runs one CLI command and exits with its code. */
export async function runCli(command: CliCommand): Promise<void> {
  let config: LibraryBrainConfig;
  try {
    config = readConfig();
  } catch (error) {
    process.exitCode = reportFailure(command, error, null);
    return;
  }
  try {
    process.exitCode = await run(command, config);
  } catch (error) {
    process.exitCode = reportFailure(command, error, config.gatewayURL);
  }
}
