import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { ConfigurationError, type LibraryBrainConfig, readConfig } from '../config/config.js';
import { createApp } from '../http/create-app.js';
import { createLibrary } from '../library/create-library.js';
import { seedLibrary } from '../library/first-run.js';
import type { Answer, Library } from '../library/library.js';
import { formatBooks, formatPassages } from './format.js';
import { createIngestProgress } from './progress-bar.js';

export type CliCommand =
  | { command: 'ingest'; paths: string[]; json: boolean }
  | { command: 'remove'; book: string; json: boolean }
  | { command: 'books'; json: boolean }
  | { command: 'search'; query: string; k: number; json: boolean }
  | { command: 'ask'; question: string; json: boolean }
  | {
      command: 'gate';
      generate: boolean;
      updateBaseline: boolean;
      report: string | null;
      books: string | null;
      json: boolean;
    }
  | { command: 'serve'; port: number | null; seed: string | null };

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function usageError(message: string): never {
  process.stderr.write(`library-brain: ${message}\n`);
  process.exit(2);
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

async function ingest(config: LibraryBrainConfig, paths: string[], json: boolean): Promise<number> {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) usageError(`no such file or folder: ${missing.join(', ')}`);
  return withLibrary(config, async (library) => {
    const progress = createIngestProgress();
    const summary = await library.ingest(
      paths.map((path) => resolve(path)),
      { onProgress: (update) => progress.update(update) },
    );
    progress.stop();
    if (json) printJson(summary);
    else {
      process.stdout.write(
        `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed.length} failed; ` +
          `${summary.chunks} passages in ${summary.seconds.toFixed(1)} s\n`,
      );
      for (const failure of summary.failed)
        process.stdout.write(`  failed: ${failure.path}: ${failure.message}\n`);
    }
    return summary.failed.length > 0 ? 1 : 0;
  });
}

async function run(command: CliCommand, config: LibraryBrainConfig): Promise<number> {
  switch (command.command) {
    case 'ingest':
      return ingest(config, command.paths, command.json);
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
        const books = library.books();
        if (command.json) printJson({ books });
        else process.stdout.write(formatBooks(books));
        return 0;
      });
    case 'search':
      return withLibrary(config, async (library) => {
        const passages = await library.search(command.query, { k: command.k });
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
          onToken: command.json
            ? undefined
            : (token) => {
                streamed = true;
                process.stdout.write(token);
              },
        });
        if (command.json) {
          printJson({
            answer: answer.answer,
            refused: answer.refused,
            citations: answer.citations.map(({ bookId: _, ...citation }) => citation),
          });
        } else {
          if (!streamed) process.stdout.write(answer.answer);
          process.stdout.write(answer.citations.length > 0 ? `\n\n${citationLines(answer)}\n` : '\n');
        }
        return 0;
      });
    case 'gate': {
      const { runGate } = await import('../gate/run-gate.js');
      return runGate(config, command);
    }
    case 'serve':
      return serveForever(config, command.port, command.seed);
  }
}

async function serveForever(
  config: LibraryBrainConfig,
  port: number | null,
  seed: string | null,
): Promise<number> {
  const library = await createLibrary(config, {
    log: (message) => process.stderr.write(`${message}\n`),
    workerThreads: true,
  });
  const app = createApp({
    library,
    libraryRoots: config.libraryRoots,
    log: (message, error) =>
      process.stderr.write(`${message}${error instanceof Error ? `: ${error.stack}` : ''}\n`),
  });
  const listenPort = port ?? config.port;
  const server = serve({ fetch: app.fetch, hostname: config.host, port: listenPort });
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', () => resolveListen());
    server.once('error', reject);
  }).catch((error: NodeJS.ErrnoException) => {
    usageError(
      error.code === 'EADDRINUSE'
        ? `port ${listenPort} is already in use (set KLODY_LIBRARY_BRAIN_PORT)`
        : error.message,
    );
  });
  process.stderr.write(`Library Brain listening on http://${config.host}:${listenPort}/\n`);
  if (seed) {
    seedLibrary(library, resolve(seed), join(config.home, 'seeded'), (message) =>
      process.stderr.write(`${message}\n`),
    ).catch((error: unknown) =>
      process.stderr.write(
        `first run: ingestion failed: ${error instanceof Error ? error.message : String(error)}\n`,
      ),
    );
  }
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  await library.close();
  return 0;
}

/** Runs one CLI command and exits with its code. */
export async function runCli(command: CliCommand): Promise<void> {
  let config: LibraryBrainConfig;
  try {
    config = readConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) usageError(`invalid configuration: ${error.message}`);
    throw error;
  }
  try {
    process.exitCode = await run(command, config);
  } catch (error) {
    process.stderr.write(`library-brain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
