import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createHybridRetriever, createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import type { RetrievalFilter } from '../retriever/retriever.js';
import { createWorkerRetriever } from '../retriever/worker-retriever.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { listNoteTags } from './note-tags.js';
import { syncNotesFolder } from './sync-notes-folder.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vault = join(packageRoot, 'fixtures/notes');
const note = (path: string) => join(vault, path);

let folder: string;
let otherVault: string;
let database: ReturnType<typeof openDatabaseFile>;
const embedder = createFakeEmbedder({ dimensions: 64 });

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'klody-notes-retrieval-'));
  database = openDatabaseFile(join(folder, 'memory.db'));
  await migrate(database);
  const ingester = createIngester({ database, embedder });
  // The fixture vault is only read: a sync writes to the database, never to the notes.
  await syncNotesFolder(ingester, vault, { database });
  otherVault = join(folder, 'other');
  await mkdir(otherVault);
  await writeFile(
    join(otherVault, 'Garden.md'),
    '---\ntags: [Project, garden]\n---\n# Garden\n\nPlant the memory tree.',
  );
  await syncNotesFolder(ingester, otherVault, { database });
  // A source that is no note at all: its metadata has no tags.
  await ingester.ingest([{ uri: 'doc://manual', text: 'The agent keeps its memory in SQLite.' }]);
  await ingester.close();
});

afterAll(async () => {
  database.close();
  await rm(folder, { recursive: true, force: true });
});

async function sourcesFound(filter: RetrievalFilter | undefined, text = 'memory agent lighthouses pommes') {
  const results = await createHybridRetriever({ database, embedder }).retrieve({ text, limit: 50, filter });
  const lexical = await createLexicalRetriever({ database }).retrieve({ text, limit: 50, filter });
  return {
    hybrid: [...new Set(results.map((chunk) => chunk.sourceUri))].sort(),
    lexical: [...new Set(lexical.map((chunk) => chunk.sourceUri))].sort(),
  };
}

describe('metadataIncludes on notes', () => {
  it('keeps only passages of notes tagged "project", inside hybrid and lexical retrieval', async () => {
    const unfiltered = await sourcesFound(undefined);
    expect(unfiltered.hybrid).toContain(note('Daily/2024-03-01.md'));
    expect(unfiltered.hybrid).toContain('doc://manual');
    const found = await sourcesFound({ metadataIncludes: { tags: 'project' } });
    const tagged = [
      join(otherVault, 'Garden.md'),
      note('Projects/Klody.md'),
      note('Projects/Memory design.md'),
    ].sort();
    expect(found.hybrid).toEqual(tagged);
    expect(found.lexical).toEqual(tagged);
  });

  it('filters by link, by two pairs at once, and with an equality filter beside it', async () => {
    expect((await sourcesFound({ metadataIncludes: { links: 'Klody' } })).hybrid).toEqual([
      note('Daily/2024-03-01.md'),
      note('Projects/Memory design.md'),
    ]);
    expect((await sourcesFound({ metadataIncludes: { tags: 'project', links: 'Klody' } })).hybrid).toEqual([
      note('Projects/Memory design.md'),
    ]);
    expect(
      (await sourcesFound({ metadata: { vault: otherVault }, metadataIncludes: { tags: 'project' } })).hybrid,
    ).toEqual([join(otherVault, 'Garden.md')]);
  });

  it('ignores case, also beyond ASCII, and accents typed decomposed', async () => {
    const project = (await sourcesFound({ metadataIncludes: { tags: 'PROJECT' } })).hybrid;
    expect(project).toHaveLength(3);
    for (const value of ['ÉTÉ', 'e\u0301te\u0301', 'dessert/TARTE']) {
      expect((await sourcesFound({ metadataIncludes: { tags: value } })).hybrid).toEqual([
        note('Recettes/Tarte aux pommes.md'),
      ]);
    }
    // A nested tag is matched whole: "dessert" alone is another tag.
    expect((await sourcesFound({ metadataIncludes: { tags: 'dessert' } })).hybrid).toEqual([]);
  });

  it('compares a scalar field by equality, and finds nothing for an absent field or value', async () => {
    const notes = (await sourcesFound({ metadataIncludes: { kind: 'Note' } })).hybrid;
    expect(notes).toHaveLength(6);
    expect(notes).not.toContain('doc://manual');
    expect((await sourcesFound({ metadataIncludes: { path: 'reading list.md' } })).hybrid).toEqual([
      note('Reading list.md'),
    ]);
    expect((await sourcesFound({ metadataIncludes: { tags: 'proj' } })).hybrid).toEqual([]);
    expect((await sourcesFound({ metadataIncludes: { colour: 'blue' } })).hybrid).toEqual([]);
  });

  it('refuses a key that could break out of the JSON path', async () => {
    await expect(
      createLexicalRetriever({ database }).retrieve({
        text: 'memory',
        filter: { metadataIncludes: { "tags')--": 'x' } },
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('applies in a worker retriever, on its read-only connection', async () => {
    const worker = createWorkerRetriever({
      openReadOnlyConnection: {
        module: join(packageRoot, 'fixtures/read-only-connection.ts'),
        argument: join(folder, 'memory.db'),
      },
      threads: 1,
    });
    try {
      const results = await worker.retrieve({
        text: 'pommes memory',
        limit: 20,
        filter: { metadataIncludes: { tags: 'Été' } },
      });
      expect([...new Set(results.map((chunk) => chunk.sourceUri))]).toEqual([
        note('Recettes/Tarte aux pommes.md'),
      ]);
    } finally {
      await worker.close();
    }
  });
});

describe('listNoteTags', () => {
  it('counts the notes of each tag, ignoring case, most used first', () => {
    const all = listNoteTags(database.getConnection());
    expect(all.slice(0, 3)).toEqual([
      { tag: 'project', count: 3 },
      { tag: 'agent', count: 2 },
      { tag: 'reading', count: 2 },
    ]);
    expect(all.map((entry) => entry.tag)).toEqual(
      expect.arrayContaining([
        'cuisine',
        'été',
        'Dessert/Tarte',
        'garden',
        'design',
        'typescript',
        'decision',
      ]),
    );
    expect(all).toHaveLength(10);
  });

  it('counts one vault only', () => {
    expect(listNoteTags(database.getConnection(), { vault: otherVault })).toEqual([
      { tag: 'garden', count: 1 },
      { tag: 'Project', count: 1 },
    ]);
  });
});
