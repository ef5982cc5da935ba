import type { SourceDocument } from '@klody/memory';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageResolver } from './citation-label.js';
import { createKnowledgeSearch } from './knowledge-search.js';
import { type KnowledgeBench, knowledgeBench } from './testing/knowledge-bench.js';

let bench: KnowledgeBench;
afterEach(async () => {
  await bench.cleanup();
});

const code = [
  "import { readFile } from 'node:fs/promises';",
  '',
  'export async function loadSettings(path: string) {',
  '  const text = await readFile(path, "utf8");',
  '  return JSON.parse(text) as Record<string, unknown>;',
  '}',
  '',
].join('\n');

const conversationText =
  'USER: Which harbour should we sail from in June?\n\nASSISTANT: Leave from La Rochelle: the tides suit a morning start.';

/**
 * One source of each kind, written with the metadata contract of issue 17 the way each loader will
 * write it (the loaders themselves are other parts of the issue).
 */
function contractSources(): SourceDocument[] {
  return [
    {
      uri: 'conversation:chatgpt:c-1',
      title: 'Sailing plans',
      text: conversationText,
      metadata: {
        kind: 'conversation',
        provider: 'chatgpt',
        conversationId: 'c-1',
        createdAt: '2024-03-01T08:00:00Z',
        updatedAt: '2024-03-01T09:00:00Z',
        messages: 2,
      },
    },
    {
      uri: '/home/alice/vault/Projects/Klody.md',
      title: 'Klody',
      text: '# Klody\n\nThe orchard project: grafting apple trees with the neighbours in spring.',
      // Arrays are the contract's shape for tags; the store keeps the JSON as given.
      metadata: {
        kind: 'note',
        path: 'Projects/Klody.md',
        vault: '/home/alice/vault',
        tags: ['Garden', 'projects'],
        links: [],
      } as unknown as SourceDocument['metadata'],
    },
    {
      uri: '/home/alice/vault/Inbox.md',
      title: 'Inbox',
      text: '# Inbox\n\nBuy grafting wax for the apple trees.',
      metadata: {
        kind: 'note',
        path: 'Inbox.md',
        vault: '/home/alice/vault',
        tags: ['inbox'],
      } as unknown as SourceDocument['metadata'],
    },
    {
      uri: '/home/alice/code/app/src/settings.ts',
      title: 'src/settings.ts',
      text: code,
      format: 'txt',
      metadata: {
        kind: 'code',
        repository: '/home/alice/code/app',
        path: 'src/settings.ts',
        language: 'typescript',
        commit: 'a'.repeat(40),
      },
    },
  ];
}

describe('knowledge search', () => {
  it('labels each kind of source by the metadata contract', async () => {
    bench = knowledgeBench();
    await bench.ingester.ingest(contractSources());
    const [sailing] = await bench.search.search('harbour sail June La Rochelle');
    expect(sailing).toMatchObject({
      kind: 'conversation',
      label: 'ChatGPT conversation "Sailing plans" of 2024-03-01',
    });
    const [orchard] = await bench.search.search('orchard neighbours');
    expect(orchard).toMatchObject({ kind: 'note', label: 'note Projects/Klody.md' });
    const [settings] = await bench.search.search('loadSettings JSON parse');
    expect(settings?.kind).toBe('code');
    // The passage's lines, counted in the stored text: the whole small file is one passage here.
    const lines = code.slice(0, settings?.start).split('\n').length;
    expect(settings?.label).toMatch(new RegExp(`^src/settings\\.ts:${lines}-\\d+$`));
    expect(code.slice(settings?.start, settings?.end)).toBe(settings?.text);
  });

  it('names the message of a conversation with the injected resolver', async () => {
    bench = knowledgeBench();
    await bench.ingester.ingest(contractSources());
    const assistantStart = conversationText.indexOf('ASSISTANT:');
    // A fake of @klody/memory's messageAtOffset over this one conversation.
    const fakeMessageAt: MessageResolver = (_metadata, offset) =>
      offset < assistantStart
        ? { index: 0, speaker: 'user', at: '2024-03-01T08:00:00Z' }
        : { index: 1, speaker: 'assistant', at: '2024-03-01T08:01:00Z' };
    const search = createKnowledgeSearch({
      database: bench.database.memoryDatabase,
      messageAt: fakeMessageAt,
    });
    const [passage] = await search.search('harbour June');
    expect(passage?.label).toBe('ChatGPT conversation "Sailing plans", user message of 2024-03-01');
  });

  it('filters by kind and by tag (any case, with or without #)', async () => {
    bench = knowledgeBench();
    await bench.ingester.ingest(contractSources());
    const notes = await bench.search.search('apple trees grafting', { kind: 'note' });
    expect(notes.map((passage) => passage.label).sort()).toEqual(['note Inbox.md', 'note Projects/Klody.md']);
    expect(await bench.search.search('apple trees grafting', { kind: 'code' })).toEqual([]);
    const garden = await bench.search.search('apple trees grafting', { tag: '#garden' });
    expect(garden.map((passage) => passage.label)).toEqual(['note Projects/Klody.md']);
    expect(await bench.search.search('apple trees', { tag: 'unknown-tag' })).toEqual([]);
  });
});
