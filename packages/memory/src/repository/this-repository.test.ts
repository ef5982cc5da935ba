import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { getSourceByUri, getSourceText } from '../store/sources.js';
import { codeCitation } from './line-range.js';
import { listRepositoryFiles } from './repository-files.js';
import { type RepositorySyncReport, syncRepository } from './sync-repository.js';

// This package's own sources, read-only: the repository loader on a real repository.
const sourceFolder = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('this repository', () => {
  let folder: string;
  let database: ReturnType<typeof openDatabaseFile>;
  let first: RepositorySyncReport;
  let second: RepositorySyncReport;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-this-repository-'));
    database = openDatabaseFile(join(folder, 'memory.db'));
    await migrate(database);
    const ingester = createIngester({ database });
    first = await syncRepository(ingester, sourceFolder, { database });
    second = await syncRepository(ingester, sourceFolder, { database });
  });
  afterAll(async () => {
    database.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('indexes the package sources at the commit git reports', async () => {
    const head = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: sourceFolder })
      .then(({ stdout }) => stdout.trim())
      .catch(() => null);
    expect(first.commit).toBe(head);
    expect(first.failed).toEqual([]);
    expect(first.files).toBeGreaterThan(100);
    // Every file is a source, but an empty one (nothing to search).
    expect(first.added + first.skipped.length).toBe(first.files);
    expect(first.read.every((path) => path.startsWith(first.folder.slice(first.repository.length + 1)))).toBe(
      true,
    );
  });

  it('finds createHybridRetriever and cites the lines of the file that hold it', async () => {
    const hits = await createLexicalRetriever({ database }).retrieve({
      text: 'createHybridRetriever',
      limit: 10,
    });
    const definition = hits.find((hit) => hit.heading === 'function createHybridRetriever');
    expect(definition?.sourceUri.endsWith('/packages/memory/src/retriever/hybrid-retriever.ts')).toBe(true);
    const connection = database.getConnection();
    for (const hit of hits) {
      const source = getSourceByUri(connection, hit.sourceUri);
      const text = getSourceText(connection, hit.sourceId) ?? '';
      const citation = codeCitation(source?.metadata ?? {}, text, hit.start, hit.end);
      const [path, range] = citation.split(':') as [string, string];
      const [from, to = from] = range.split('-').map(Number) as [number, number?];
      // The cited lines of the file on disk are the chunk, whatever the chunk.
      const lines = (await readFile(join(first.repository, path), 'utf8')).split('\n');
      expect(lines.slice(from - 1, to).join('\n')).toBe(hit.text);
      if (hit === definition) {
        expect(path).toBe('packages/memory/src/retriever/hybrid-retriever.ts');
        expect(lines.slice(from - 1, to).join('\n')).toContain('export function createHybridRetriever(');
      }
    }
  });

  it('re-syncs an unchanged repository without reading its committed files', async () => {
    expect({ added: second.added, updated: second.updated, removed: second.removed }).toEqual({
      added: 0,
      updated: 0,
      removed: 0,
    });
    expect(second.unchanged + second.skipped.length).toBe(first.files);
    // Only files that git does not hold as committed or staged (edited or new in this working tree)
    // are read again.
    const listing = await listRepositoryFiles(sourceFolder);
    const uncommitted = listing.files.filter((file) => file.blob === null).map((file) => file.path);
    expect(second.read).toEqual(uncommitted);
    if (first.commit) expect(second.read.length).toBeLessThan(first.files / 2);
  });
});
