import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createLexicalRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { openDatabaseFile } from '../store/open-database-file.js';
import { getSourceByUri, getSourceText, listSources } from '../store/sources.js';
import { normalizeText } from '../text/normalize.js';
import { ingestConversationExport } from './ingest-conversation-export.js';
import { messageAtOffset, messagesInRange, readMessageOffsets } from './message-offsets.js';
import { readConversationExport } from './read-conversation-export.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conversations');
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'klody-conversation-ingest-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function zipOf(name: string, text: string): Promise<string> {
  const zip = new JSZip();
  zip.file('conversations.json', text);
  const path = join(folder, name);
  await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
  return path;
}

async function openDatabase(name: string) {
  const database = openDatabaseFile(join(folder, name));
  await migrate(database);
  return database;
}

describe('ingestConversationExport', () => {
  it('stores one source per conversation whose message starts point at each message in the stored text', async () => {
    const database = await openDatabase('offsets.sqlite');
    const ingester = createIngester({ database });
    const report = await ingestConversationExport(ingester, join(fixtures, 'chatgpt/conversations.json'));
    expect(report).toMatchObject({
      provider: 'chatgpt',
      conversations: 2,
      messages: 8,
      added: 2,
      failed: [],
    });
    const connection = database.getConnection();
    const source = getSourceByUri(connection, 'conversation:chatgpt:6602a1c8-1d2e-4f3a-9b7c-2f0e8d1a4b01');
    expect(source).toMatchObject({ title: 'Rust or Go for a command-line tool', format: 'conversation' });
    expect(source?.metadata).toMatchObject({
      kind: 'conversation',
      provider: 'chatgpt',
      conversationId: '6602a1c8-1d2e-4f3a-9b7c-2f0e8d1a4b01',
      createdAt: '2024-03-01T10:02:00.500Z',
      updatedAt: '2024-03-01T10:17:00.500Z',
      messages: 4,
    });
    const text = getSourceText(connection, source?.id ?? -1) ?? '';
    expect(normalizeText(text, { stripGutenberg: false })).toBe(text);
    const exported = await readConversationExport(join(fixtures, 'chatgpt/conversations.json'));
    const messages = exported.conversations[0]?.messages ?? [];
    const starts = readMessageOffsets(source?.metadata ?? {}) ?? [];
    expect(starts).toHaveLength(messages.length);
    for (const [index, message] of messages.entries()) {
      const start = starts[index]?.start ?? -1;
      const end = starts[index + 1]?.start ?? text.length;
      const block = text.slice(start, end);
      expect(block.startsWith('## ')).toBe(true);
      expect(block.trimEnd().endsWith(normalizeText(message.text).split('\n').at(-1) ?? '')).toBe(true);
      expect(messageAtOffset(source?.metadata ?? {}, start + 3)).toEqual({
        index,
        speaker: message.speaker,
        at: message.at,
      });
    }
    expect(text.slice(starts[1]?.start, (starts[1]?.start ?? 0) + 42)).toBe(
      '## ChatGPT (gpt-4o) — 2024-03-01 10:03 UTC',
    );
    database.close();
  });

  it('finds a message by retrieval, and the citation offsets land inside that message', async () => {
    const database = await openDatabase('retrieval.sqlite');
    const ingester = createIngester({ database, chunkerOptions: { maxTokens: 60 } });
    await ingestConversationExport(ingester, join(fixtures, 'chatgpt/conversations.json'));
    await ingestConversationExport(ingester, join(fixtures, 'claude/conversations.json'));
    await ingestConversationExport(ingester, join(fixtures, 'lechat'));
    const retriever = createLexicalRetriever({ database });
    const connection = database.getConnection();
    const cases = [
      {
        question: 'ALTER TABLE invoices SET autovacuum',
        uri: 'conversation:claude:4f1c2a9e-8b7d-4e6f-a5c3-1d2e3f4a5b6c',
        words: 'ALTER TABLE invoices',
      },
      {
        question: 'photos without EXIF date undated folder',
        uri: 'conversation:chatgpt:6602a1c8-1d2e-4f3a-9b7c-2f0e8d1a4b01',
        words: 'undated/',
      },
      {
        question: 'quand arroser la terre au nord',
        uri: 'conversation:lechat:b3f1e2d4-5a6b-4c7d-8e9f-0123456789ab',
        words: 'Arrosez le matin',
      },
    ];
    for (const { question, uri, words } of cases) {
      const [best] = await retriever.retrieve({ text: question, limit: 3 });
      expect(best?.sourceUri).toBe(uri);
      const source = getSourceByUri(connection, uri);
      const text = getSourceText(connection, source?.id ?? -1) ?? '';
      expect(text.slice(best?.start, best?.end)).toBe(best?.text);
      // The message that holds the words is the assistant's answer, and the cited chunk covers it
      // (a chunk may also cover the short question before it: the chunker joins short sections).
      const wordsAt = text.indexOf(words);
      expect(wordsAt).toBeGreaterThan(-1);
      const metadata = source?.metadata ?? {};
      const expected = messageAtOffset(metadata, wordsAt);
      expect(expected?.speaker).toBe('assistant');
      expect(messagesInRange(metadata, best?.start ?? 0, best?.end ?? 0)).toContainEqual(expected);
      expect(messageAtOffset(metadata, (best?.end ?? 0) - 1)).toEqual(expected);
      expect(best?.text).toContain(words);
    }
    database.close();
  });

  it('skips an unchanged re-import, replaces a conversation that grew and keeps those a newer export lacks', async () => {
    const database = await openDatabase('resync.sqlite');
    const ingester = createIngester({ database });
    const original = await readFile(join(fixtures, 'claude/conversations.json'), 'utf8');
    const first = await ingestConversationExport(ingester, await zipOf('first.zip', original));
    expect(first).toMatchObject({ added: 2, unchanged: 0 });
    const again = await ingestConversationExport(ingester, await zipOf('again.zip', original));
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 2 });

    // A later export: the first conversation went on, the second is absent (archived, or a partial export).
    const later = JSON.parse(original);
    const conversation = later[0];
    conversation.chat_messages.push(
      {
        uuid: 'c1-m5',
        sender: 'human',
        text: 'And for the toast table?',
        content: [{ type: 'text', text: 'And for the toast table?' }],
        created_at: '2024-06-13T09:00:00.000Z',
        parent_message_uuid: 'c1-m4',
      },
      {
        uuid: 'c1-m6',
        sender: 'assistant',
        text: 'Use toast.autovacuum_vacuum_scale_factor in the same ALTER TABLE.',
        content: [
          { type: 'text', text: 'Use toast.autovacuum_vacuum_scale_factor in the same ALTER TABLE.' },
        ],
        created_at: '2024-06-13T09:00:09.000Z',
        parent_message_uuid: 'c1-m5',
      },
    );
    conversation.current_leaf_message_uuid = 'c1-m6';
    const grown = await ingestConversationExport(
      ingester,
      await zipOf('later.zip', JSON.stringify([conversation])),
    );
    expect(grown).toMatchObject({ added: 0, updated: 1, removed: 0 });
    const connection = database.getConnection();
    const updated = getSourceByUri(connection, 'conversation:claude:4f1c2a9e-8b7d-4e6f-a5c3-1d2e3f4a5b6c');
    expect(updated?.metadata.messages).toBe(6);
    expect(getSourceText(connection, updated?.id ?? -1)).toContain('toast.autovacuum_vacuum_scale_factor');
    expect(
      getSourceByUri(connection, 'conversation:claude:7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908'),
    ).not.toBeNull();
    database.close();
  });

  it('changes nothing in the database when the export is truncated or malformed', async () => {
    const database = await openDatabase('nothing-lost.sqlite');
    const ingester = createIngester({ database });
    await ingestConversationExport(ingester, join(fixtures, 'chatgpt/conversations.json'));
    await ingestConversationExport(ingester, join(fixtures, 'lechat'));
    const connection = database.getConnection();
    const snapshot = () =>
      listSources(connection).map((source) => ({ ...source, text: getSourceText(connection, source.id) }));
    const before = snapshot();
    expect(before).toHaveLength(4);
    const chunks = () => connection.prepare('SELECT count(*) FROM memory_chunks').pluck().get();
    const chunksBefore = chunks();

    // A newer ChatGPT export cut off half-way through the download.
    const full = JSON.parse(await readFile(join(fixtures, 'chatgpt/conversations.json'), 'utf8'));
    full[0].title = 'Renamed: photo renamer in Rust';
    const text = JSON.stringify(full, null, 2);
    const truncated = await zipOf('truncated.zip', text.slice(0, Math.floor(text.length * 0.7)));
    await expect(ingestConversationExport(ingester, truncated)).rejects.toThrow(
      /truncated\.zip \(conversations\.json\): invalid JSON at line \d+, column \d+/,
    );
    // The same export whole but with one bad field in its LAST conversation: the first is not written either.
    full[1].mapping['a2-b'].message.author = 'assistant';
    const malformed = await zipOf('malformed.zip', JSON.stringify(full));
    await expect(ingestConversationExport(ingester, malformed)).rejects.toThrow(
      /conversation 1 \(id "66321f00-7a3b-4c2d-8e9f-0a1b2c3d4e5f"\), message "a2-b": field "author" is the string "assistant", expected an object/,
    );
    expect(snapshot()).toEqual(before);
    expect(chunks()).toBe(chunksBefore);
    database.close();
  });
});
