// Two writers on one database file: two real processes, each with its own connection, ingesting
// different documents at the same moment. Deferred transactions that read before they write failed
// here with "database is locked" whatever busy_timeout said (2 trials out of 3 in the field).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSchemaVersion } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { latestSchemaVersion } from '../store/schema.js';
import { getActiveVectorIndex } from '../store/vector-index.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const documentsPerWriter = 40;
const trials = 5;
const creations = 100;

interface Writer {
  child: ChildProcessWithoutNullStreams;
  nextLine(): Promise<string>;
  /** What the writer printed on stderr so far (a failure's stack). */
  stderr(): string;
}

function startWriter(name: string): Writer {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@klody/source',
      join(packageRoot, 'fixtures/concurrent-ingest-child.ts'),
      name,
    ],
    { cwd: packageRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (data) => {
    stderr += String(data);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    async nextLine() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`writer ${name} exited (${child.exitCode}): ${stderr}`);
      return value;
    },
    stderr: () => stderr,
  };
}

/** Gives every writer the same start signal, then waits for each one's outcome line. */
async function startTogether(writers: readonly Writer[], path: string, documents: number) {
  for (const writer of writers) writer.child.stdin.write(`${path} ${documents}\n`);
  return Promise.all(writers.map((writer) => writer.nextLine()));
}

function consistency(path: string) {
  const database = openDatabaseFile(path, { readonly: true });
  try {
    const connection = database.getConnection();
    const one = (sql: string) => connection.prepare(sql).pluck().get() as number;
    const index = getActiveVectorIndex(connection);
    return {
      integrity: connection.pragma('integrity_check', { simple: true }),
      sources: {
        first: one("SELECT count(*) FROM memory_sources WHERE uri LIKE 'first://%'"),
        second: one("SELECT count(*) FROM memory_sources WHERE uri LIKE 'second://%'"),
      },
      chunks: one('SELECT count(*) FROM memory_chunks'),
      fts: one('SELECT count(*) FROM memory_fts'),
      vectors: index ? one(`SELECT count(*) FROM ${index.table}`) : -1,
      vectorIndexes: one('SELECT count(*) FROM memory_vector_indexes'),
      sourcesWithoutChunks: one(
        'SELECT count(*) FROM memory_sources WHERE id NOT IN (SELECT source_id FROM memory_chunks)',
      ),
    };
  } finally {
    database.close();
  }
}

describe('two processes ingesting into one database file at once', () => {
  let folder: string;
  let writers: Writer[];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-writers-'));
    writers = [startWriter('first'), startWriter('second')];
  });
  afterAll(async () => {
    for (const writer of writers) writer.child.kill();
    await rm(folder, { recursive: true, force: true });
  });

  it(`both succeed in every one of ${trials} trials and leave a consistent database`, async () => {
    const summaries: unknown[] = [];
    for (let trial = 0; trial < trials; trial++) {
      const path = join(folder, `trial-${trial}.db`);
      // Both start on the same signal, on a file that does not exist yet: creation, migration and
      // every write group overlap.
      const lines = await startTogether(writers, path, documentsPerWriter);
      const state = consistency(path);
      summaries.push({
        trial,
        writers: lines.map((line, writer) =>
          line.startsWith('done ')
            ? (JSON.parse(line.slice('done '.length)) as { added: number; failed: unknown[] })
            : `${line}\n${writers[writer]?.stderr()}`,
        ),
        integrity: state.integrity,
        sources: state.sources,
        sourcesWithoutChunks: state.sourcesWithoutChunks,
        // Every chunk is in the full-text index and has its vector, in the one index both share.
        ftsMatchesChunks: state.fts === state.chunks,
        vectorsMatchChunks: state.vectors === state.chunks,
        vectorIndexes: state.vectorIndexes,
      });
      expect(state.chunks).toBeGreaterThan(0);
    }
    const written = expect.objectContaining({ added: documentsPerWriter, failed: [] });
    expect(summaries).toEqual(
      Array.from({ length: trials }, (_, trial) => ({
        trial,
        writers: [written, written],
        integrity: 'ok',
        sources: { first: documentsPerWriter, second: documentsPerWriter },
        sourcesWithoutChunks: 0,
        ftsMatchesChunks: true,
        vectorsMatchChunks: true,
        vectorIndexes: 1,
      })),
    );
  }, 120_000);

  // The narrowest window: creating the file, switching it to WAL and migrating it, both at once.
  // Switching to WAL does not wait for busy_timeout, and a version read before the lock made the
  // slower process apply the first migration again ("table memory_sources already exists").
  it(`both open and migrate the same new file, ${creations} times over`, async () => {
    const outcomes: string[] = [];
    for (let creation = 0; creation < creations; creation++) {
      const path = join(folder, `creation-${creation}.db`);
      const lines = await startTogether(writers, path, 0);
      outcomes.push(
        ...lines.map((line, writer) =>
          line.startsWith('done ') ? 'done' : `${line}\n${writers[writer]?.stderr()}`,
        ),
      );
      const database = openDatabaseFile(path, { readonly: true });
      try {
        expect(readSchemaVersion(database)).toBe(latestSchemaVersion);
      } finally {
        database.close();
      }
    }
    expect(outcomes).toEqual(Array(2 * creations).fill('done'));
  }, 60_000);
});
