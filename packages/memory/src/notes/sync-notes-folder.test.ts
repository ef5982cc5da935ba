import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIngester, type Ingester } from '../ingest/ingester.js';
import type { MemoryDatabase } from '../store/memory-database.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { getSourceByUri, getSourceText, listSources } from '../store/sources.js';
import { syncNotesFolder } from './sync-notes-folder.js';

const fixtureVault = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/notes');
const fixtureNotes = [
  'Daily/2024-03-01.md',
  'Projects/Klody.md',
  'Projects/Memory design.md',
  'Reading list.md',
  'Recettes/Tarte aux pommes.md',
];

let folder: string;
let vault: string;
let database: MemoryDatabase & { close(): void };
let ingester: Ingester;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'klody-notes-sync-'));
  vault = join(folder, 'vault');
  await cp(fixtureVault, vault, { recursive: true });
  database = openDatabaseFile(join(folder, 'memory.db'));
  await migrate(database);
  ingester = createIngester({ database });
});

afterEach(async () => {
  await ingester.close();
  database.close();
  await rm(folder, { recursive: true, force: true });
});

const storedUris = () =>
  listSources(database.getConnection())
    .map((source) => source.uri)
    .sort();
const sync = (options: { dryRun?: boolean } = {}) =>
  syncNotesFolder(ingester, vault, { database, ...options });

describe('syncNotesFolder', () => {
  it('adds every note of the vault, and no attachment, canvas, .obsidian/ or .trash/ file', async () => {
    const report = await sync();
    expect(report).toMatchObject({ added: 5, updated: 0, unchanged: 0, removed: 0, failed: [], skipped: [] });
    expect(report.chunks).toBeGreaterThanOrEqual(5);
    expect(storedUris()).toEqual(fixtureNotes.map((path) => join(vault, path)));
  });

  it('stores the contract metadata, the title and the rendered text', async () => {
    await sync();
    const source = getSourceByUri(database.getConnection(), join(vault, 'Projects/Klody.md'));
    expect(source?.title).toBe('Klody, my local agent');
    expect(source?.format).toBe('md');
    expect(source?.metadata).toEqual({
      kind: 'note',
      path: 'Projects/Klody.md',
      vault,
      tags: ['project', 'agent', 'typescript', 'decision'],
      links: ['Memory design', 'Reading list', 'Projects/Memory design'],
      aliases: ['Klody agent', 'The agent'],
    });
    const text = getSourceText(database.getConnection(), source?.id ?? -1);
    expect(text).toContain('The design is in the memory design,');
    expect(text?.startsWith('# Klody')).toBe(true);
  });

  it('finds everything unchanged on a second sync', async () => {
    await sync();
    const report = await sync();
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 5, removed: 0, failed: [], chunks: 0 });
  });

  it('replaces a changed note, adds a new one and removes a deleted one', async () => {
    await sync();
    const daily = join(vault, 'Daily/2024-03-01.md');
    await writeFile(daily, `${await readFile(daily, 'utf8')}\nCalled the plumber about the boiler. #home\n`);
    await writeFile(join(vault, 'Daily/2024-03-02.md'), '# Saturday\n\nA walk to the lighthouse. #walk\n');
    await unlink(join(vault, 'Reading list.md'));
    const report = await sync();
    expect(report).toMatchObject({ added: 1, updated: 1, unchanged: 3, removed: 1, failed: [] });
    const connection = database.getConnection();
    expect(getSourceByUri(connection, join(vault, 'Reading list.md'))).toBeNull();
    const changed = getSourceByUri(connection, daily);
    expect(changed?.metadata.tags).toEqual(['agent', 'reading', 'home']);
    expect(getSourceText(connection, changed?.id ?? -1)).toContain('Called the plumber');
  });

  it('updates the metadata of a note whose front matter alone changed', async () => {
    await sync();
    const file = join(vault, 'Reading list.md');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('tags: [reading]', 'tags: [reading, books]'),
    );
    const before = getSourceByUri(database.getConnection(), file);
    const report = await sync();
    expect(report).toMatchObject({ added: 0, updated: 1, unchanged: 4, chunks: 0 });
    const after = getSourceByUri(database.getConnection(), file);
    expect(after?.metadata.tags).toEqual(['reading', 'books']);
    // Same source, same text: only the metadata moved.
    expect(after?.id).toBe(before?.id);
    expect(after?.contentHash).toBe(before?.contentHash);
  });

  it('writes nothing on a dry run, and reports what a sync would do', async () => {
    const first = await sync({ dryRun: true });
    expect(first).toMatchObject({ added: 5, updated: 0, unchanged: 0, removed: 0, chunks: 0 });
    expect(storedUris()).toEqual([]);

    await sync();
    const connection = database.getConnection();
    const snapshot = JSON.stringify(connection.prepare('SELECT * FROM memory_sources ORDER BY id').all());
    const chunks = connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get();
    const daily = join(vault, 'Daily/2024-03-01.md');
    await writeFile(daily, '# Friday\n\nRewritten.\n');
    const reading = join(vault, 'Reading list.md');
    await writeFile(reading, (await readFile(reading, 'utf8')).replace('tags: [reading]', 'tags: [books]'));
    await writeFile(join(vault, 'New.md'), 'A new note.');
    await writeFile(join(vault, 'Empty.md'), '---\ntags: [x]\n---\n');
    await unlink(join(vault, 'Projects/Memory design.md'));
    const report = await sync({ dryRun: true });
    expect(report).toMatchObject({ added: 1, updated: 2, unchanged: 2, removed: 1, failed: [], chunks: 0 });
    expect(report.skipped.map((skip) => skip.uri)).toEqual([join(vault, 'Empty.md')]);
    expect(JSON.stringify(connection.prepare('SELECT * FROM memory_sources ORDER BY id').all())).toBe(
      snapshot,
    );
    expect(connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get()).toBe(chunks);

    // The real sync does what the dry run announced.
    const applied = await sync();
    expect(applied).toMatchObject({ added: 1, updated: 2, unchanged: 2, removed: 1, failed: [] });
    expect(applied.skipped.map((skip) => skip.uri)).toEqual([join(vault, 'Empty.md')]);
  });

  it('reports a broken front matter with file and line, and keeps the version stored before', async () => {
    await sync();
    const file = join(vault, 'Projects/Klody.md');
    const stored = getSourceByUri(database.getConnection(), file);
    await writeFile(file, '---\ntitle: Klody\ntags: [project, agent\n---\n# Klody\n\nRewritten.\n');
    const report = await sync();
    expect(report.failed).toEqual([
      {
        uri: file,
        code: 'load_failed',
        message: expect.stringMatching(
          new RegExp(
            `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:22: the front matter is not valid YAML: Flow sequence`,
          ),
        ),
      },
    ]);
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 4, removed: 0 });
    expect(getSourceByUri(database.getConnection(), file)).toEqual(stored);
  });

  it('removes only notes of this vault: another vault and other sources in the folder stay', async () => {
    const other = join(folder, 'other-vault');
    await mkdir(other);
    await writeFile(join(other, 'Elsewhere.md'), '# Elsewhere\n\nAnother vault. #project');
    await syncNotesFolder(ingester, other, { database });
    // A document ingested by another loader under the vault's folder is not the vault's note.
    await ingester.ingest([{ uri: join(vault, 'Gone/scan.txt'), text: 'A scanned letter.' }]);
    await sync();
    await rm(join(vault, 'Projects'), { recursive: true });
    const report = await sync();
    expect(report.removed).toBe(2);
    expect(storedUris()).toEqual(
      [
        join(other, 'Elsewhere.md'),
        join(vault, 'Daily/2024-03-01.md'),
        join(vault, 'Gone/scan.txt'),
        join(vault, 'Reading list.md'),
        join(vault, 'Recettes/Tarte aux pommes.md'),
      ].sort(),
    );
  });

  it('stops when aborted, having written nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      syncNotesFolder(ingester, vault, { database, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(storedUris()).toEqual([]);
  });

  it('refuses a path that is not a folder', async () => {
    await expect(
      syncNotesFolder(ingester, join(vault, 'Reading list.md'), { database }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `not a folder: ${join(vault, 'Reading list.md')}`,
    });
  });
});
