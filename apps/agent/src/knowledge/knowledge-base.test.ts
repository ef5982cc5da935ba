import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSources, MemoryError } from '@klody/memory';
import { afterEach, describe, expect, it } from 'vitest';
import { KnowledgeError } from './knowledge-error.js';
import type { KnowledgeSync } from './knowledge-kind.js';
import { buildCvDocx, buildCvPdf, cvTexts } from './testing/cv-fixtures.js';
import { type KnowledgeBench, knowledgeBench } from './testing/knowledge-bench.js';

let bench: KnowledgeBench;
afterEach(async () => {
  await bench.cleanup();
});

function writeCvFolder(folder: string) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'cv.pdf'), buildCvPdf());
  writeFileSync(join(folder, 'cv.docx'), buildCvDocx());
  writeFileSync(join(folder, 'hobbies.md'), '# Hobbies\n\nAlice climbs in the Vercors every autumn.\n');
}

async function rejection(promise: Promise<unknown>): Promise<KnowledgeError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!KnowledgeError.isInstance(error)) throw new Error(`expected a KnowledgeError, got ${String(error)}`);
  return error;
}

describe('the knowledge base: documents', () => {
  it('adds a PDF CV: one document source, its passages cited by file and page', async () => {
    bench = knowledgeBench();
    const cv = join(bench.files, 'cv.pdf');
    writeFileSync(cv, buildCvPdf());
    const result = await bench.knowledge.add(cv);
    expect(result).toMatchObject({ path: cv, kind: 'documents', dryRun: false });
    expect(result.report).toMatchObject({ added: 1, updated: 0, failed: [] });
    const [root] = bench.knowledge.list();
    expect(root).toMatchObject({ path: cv, kind: 'documents', sources: 1 });
    expect(root?.passages).toBeGreaterThan(0);
    expect(root?.lastReport?.added).toBe(1);
    // The CV is short: one passage, over both pages (the page of each offset: citation-label.test.ts).
    const [first] = await bench.search.search('gateway scheduler');
    expect(first).toMatchObject({ label: 'cv.pdf, pages 1-2', kind: 'document', sourceUri: cv });
    expect(first?.text).toContain(cvTexts.pageOne);
    expect(first?.text).toContain(cvTexts.pageTwo);
    expect(listSources(bench.database.connection)[0]?.metadata.kind).toBe('document');
  });

  it('adds a DOCX CV, cited by its file name', async () => {
    bench = knowledgeBench();
    const cv = join(bench.files, 'cv.docx');
    writeFileSync(cv, buildCvDocx());
    expect((await bench.knowledge.add(cv)).report.added).toBe(1);
    const [passage] = await bench.search.search('Italian TypeScript Saturdays');
    expect(passage?.label).toBe('cv.docx');
    expect(passage?.text).toContain(cvTexts.docxBody);
  });

  it('syncs a folder like a library: a second sync adds nothing, a change updates, a removal removes', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    writeCvFolder(folder);
    const added = await bench.knowledge.add(folder);
    expect(added.report).toMatchObject({ added: 3, updated: 0, unchanged: 0, removed: 0, failed: [] });
    const again = await bench.knowledge.sync();
    expect(again).toHaveLength(1);
    expect(again[0]?.report).toMatchObject({ added: 0, updated: 0, unchanged: 3, removed: 0 });
    writeFileSync(join(folder, 'hobbies.md'), '# Hobbies\n\nAlice climbs in the Dolomites now.\n');
    rmSync(join(folder, 'cv.docx'));
    const changed = await bench.knowledge.sync(folder);
    expect(changed[0]?.report).toMatchObject({ added: 0, updated: 1, unchanged: 1, removed: 1 });
    expect(bench.knowledge.list()[0]?.sources).toBe(2);
    expect(await bench.search.search('Italian Saturdays')).toEqual([]);
    expect((await bench.search.search('Dolomites'))[0]?.label).toBe('hobbies.md');
  });

  it('a dry run says what would change and records and writes nothing', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    writeCvFolder(folder);
    const dry = await bench.knowledge.add(folder, { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, report: { added: 3, removed: 0 } });
    expect(bench.knowledge.list()).toEqual([]);
    expect(listSources(bench.database.connection)).toEqual([]);
    await bench.knowledge.add(folder);
    rmSync(join(folder, 'hobbies.md'));
    const drySync = await bench.knowledge.sync(folder, { dryRun: true });
    expect(drySync[0]?.report).toMatchObject({ added: 0, unchanged: 2, removed: 1 });
    expect(listSources(bench.database.connection)).toHaveLength(3);
  });

  it('a file that cannot be read is reported by name and loses nothing already stored', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    writeCvFolder(folder);
    await bench.knowledge.add(folder);
    // The PDF is cut in the middle, as a failed copy leaves it.
    writeFileSync(join(folder, 'cv.pdf'), buildCvPdf().slice(0, 200));
    const [result] = await bench.knowledge.sync();
    expect(result?.report.failed).toEqual([
      expect.objectContaining({ uri: join(folder, 'cv.pdf'), message: expect.stringContaining('cv.pdf') }),
    ]);
    expect(result?.report.removed).toBe(0);
    expect((await bench.search.search('gateway scheduler'))[0]?.label).toBe('cv.pdf, pages 1-2');
  });

  it('removes an added path and its sources, and leaves the files alone', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    writeCvFolder(folder);
    const other = join(bench.files, 'letter.txt');
    writeFileSync(other, 'Dear Bob, the gateway works.');
    await bench.knowledge.add(folder);
    await bench.knowledge.add(other);
    expect(bench.knowledge.hasRoots()).toBe(true);
    expect(await bench.knowledge.remove(folder)).toEqual({
      path: folder,
      kind: 'documents',
      removedSources: 3,
    });
    expect(bench.knowledge.list().map((root) => root.path)).toEqual([other]);
    expect(listSources(bench.database.connection).map((source) => source.uri)).toEqual([other]);
    expect(existsSync(join(folder, 'cv.pdf'))).toBe(true);
    expect((await rejection(bench.knowledge.remove(folder))).code).toBe('root_not_found');
  });

  it('a path that is gone keeps its sources on sync, and says how to remove it', async () => {
    bench = knowledgeBench();
    const folder = join(bench.files, 'me');
    writeCvFolder(folder);
    await bench.knowledge.add(folder);
    rmSync(folder, { recursive: true });
    const [result] = await bench.knowledge.sync();
    expect(result?.report.failed[0]?.message).toContain('knowledge remove');
    expect(listSources(bench.database.connection)).toHaveLength(3);
  });

  it('refuses a missing path and a path never added, recording nothing', async () => {
    bench = knowledgeBench();
    const missing = join(bench.files, 'nothing-here.pdf');
    const error = await rejection(bench.knowledge.add(missing));
    expect(error.code).toBe('path_not_found');
    expect(error.message).toContain(missing);
    expect((await rejection(bench.knowledge.sync(bench.files))).code).toBe('root_not_found');
    expect(bench.knowledge.list()).toEqual([]);
  });
});

describe('the knowledge base: kinds', () => {
  it('detects a chat export, a vault and a repository, and refuses a kind not wired yet', async () => {
    bench = knowledgeBench();
    const exported = join(bench.files, 'conversations.json');
    writeFileSync(exported, '[]');
    const vault = join(bench.files, 'vault');
    mkdirSync(join(vault, '.obsidian'), { recursive: true });
    const repository = join(bench.files, 'repository');
    mkdirSync(join(repository, '.git'), { recursive: true });
    for (const [path, kind] of [
      [exported, 'conversations'],
      [vault, 'notes'],
      [repository, 'repository'],
    ] as const) {
      const error = await rejection(bench.knowledge.add(path));
      expect(error.code).toBe('kind_unavailable');
      expect(error.message).toContain(kind);
    }
    // Refused, so not added.
    expect(bench.knowledge.list()).toEqual([]);
  });

  it('--kind documents overrides detection: a vault read as plain files', async () => {
    bench = knowledgeBench();
    const vault = join(bench.files, 'vault');
    mkdirSync(join(vault, '.obsidian'), { recursive: true });
    writeFileSync(join(vault, '.obsidian', 'app.json'), '{}');
    writeFileSync(join(vault, 'Klody.md'), '# Klody\n\nThe agent answers from my own notes.\n');
    const result = await bench.knowledge.add(vault, { kind: 'documents' });
    expect(result).toMatchObject({ kind: 'documents', report: { added: 1 } });
    expect(bench.knowledge.list()[0]?.kind).toBe('documents');
  });

  it('an injected kind syncs through the ingester; its sources are counted, synced and removed with its path', async () => {
    const calls: unknown[] = [];
    // A stand-in for @klody/memory's conversation loader: two conversations of the contract's shape.
    const conversations: KnowledgeSync = async (ingester, path, options) => {
      calls.push({ path, dryRun: options.dryRun });
      return ingester.ingest(
        ['one', 'two'].map((id) => ({
          uri: `conversation:chatgpt:${id}`,
          title: `Chat ${id}`,
          text: `USER: tell me about chat ${id}\n\nASSISTANT: chat ${id} was about sailing.`,
          metadata: { kind: 'conversation', provider: 'chatgpt', conversationId: id, createdAt: null },
        })),
      );
    };
    bench = knowledgeBench({ conversations });
    const exported = join(bench.files, 'chatgpt-export.zip');
    writeFileSync(exported, 'PK');
    const added = await bench.knowledge.add(exported);
    expect(added).toMatchObject({ kind: 'conversations', report: { added: 2 } });
    expect(calls).toEqual([{ path: exported, dryRun: false }]);
    expect(bench.knowledge.list()[0]).toMatchObject({ kind: 'conversations', sources: 2 });
    expect((await bench.knowledge.sync())[0]?.report).toMatchObject({ added: 0, unchanged: 2 });
    expect(bench.knowledge.list()[0]?.sources).toBe(2);
    expect((await bench.knowledge.remove(exported)).removedSources).toBe(2);
    expect(listSources(bench.database.connection)).toEqual([]);
  });

  it('a loader that gives up on a truncated export fails that path by name, and keeps what it wrote', async () => {
    let truncated = false;
    // A stand-in for a conversation loader: the first conversation, then (once the file is cut) an error.
    const conversations: KnowledgeSync = async (ingester, path) => {
      const report = await ingester.ingest([
        {
          uri: 'conversation:claude:first',
          title: 'First',
          text: 'USER: what is a scheduler?\n\nASSISTANT: it decides which worker runs.',
          metadata: { kind: 'conversation', provider: 'claude', conversationId: 'first', createdAt: null },
        },
      ]);
      if (truncated)
        throw new MemoryError(
          'load_failed',
          `${path}: conversations.json is truncated at conversation 2 (byte 812)`,
        );
      return report;
    };
    bench = knowledgeBench({ conversations });
    const exported = join(bench.files, 'claude-export.json');
    writeFileSync(exported, '[]');
    await bench.knowledge.add(exported);
    truncated = true;
    const [result] = await bench.knowledge.sync();
    expect(result?.report.failed).toEqual([
      {
        uri: exported,
        code: 'load_failed',
        message: `${exported}: conversations.json is truncated at conversation 2 (byte 812)`,
      },
    ]);
    expect(bench.knowledge.list()[0]).toMatchObject({
      sources: 1,
      lastReport: { failed: [expect.anything()] },
    });
    expect(listSources(bench.database.connection).map((source) => source.uri)).toEqual([
      'conversation:claude:first',
    ]);
  });
});
