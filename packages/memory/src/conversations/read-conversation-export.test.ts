import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryError } from '../errors/index.js';
import { readConversationExport } from './read-conversation-export.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conversations');
let folder: string;

/** A zip of fixture files, as the app's download would be: `{ name in zip: text }`. */
async function writeZip(name: string, entries: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [entry, text] of Object.entries(entries)) zip.file(entry, text);
  const path = join(folder, name);
  await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
  return path;
}

const fixture = (path: string) => readFile(join(fixtures, path), 'utf8');

async function rejection(promise: Promise<unknown>): Promise<MemoryError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!MemoryError.isInstance(error)) throw new Error(`expected a MemoryError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'klody-conversations-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('ChatGPT export', () => {
  it('keeps only the branch that ends at current_node, without hidden, tool or image content', async () => {
    const exported = await readConversationExport(join(fixtures, 'chatgpt/conversations.json'));
    expect(exported.provider).toBe('chatgpt');
    const [photos, interview] = exported.conversations;
    expect(photos).toMatchObject({
      provider: 'chatgpt',
      conversationId: '6602a1c8-1d2e-4f3a-9b7c-2f0e8d1a4b01',
      title: 'Rust or Go for a command-line tool',
      createdAt: '2024-03-01T10:02:00.500Z',
      updatedAt: '2024-03-01T10:17:00.500Z',
    });
    expect(photos?.messages.map((message) => message.speaker)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);
    const all = photos?.messages.map((message) => message.text).join('\n') ?? '';
    // The regenerated answer the user replaced is not on the current branch.
    expect(all).not.toContain('Cobra');
    expect(all).toContain('clap crate');
    // The image part is left out, the text beside it kept; the python call and its output dropped.
    expect(photos?.messages[2]?.text).toBe(
      'Here is a screenshot of my folder. Some files have no EXIF date at all: what then?',
    );
    expect(all).not.toContain('print(len(files))');
    expect(photos?.messages[1]).toMatchObject({ model: 'gpt-4o', at: '2024-03-01T10:03:00.500Z' });
    // The edited first question: only its second version, the one answered on the current branch.
    expect(interview?.messages[0]?.text).toContain('développeuse backend');
    expect(interview?.messages.map((message) => message.text).join('\n')).not.toContain('parcours scolaire');
    expect(interview?.messages).toHaveLength(4);
  });

  it('reads the zip as downloaded, whatever else it holds', async () => {
    const path = await writeZip('chatgpt-export.zip', {
      'conversations.json': await fixture('chatgpt/conversations.json'),
      'chat.html': '<html></html>',
      'user.json': '{"id": "user-1"}',
      'file-3Xk9-screenshot.png': 'not really a png',
    });
    const exported = await readConversationExport(path);
    expect(exported.provider).toBe('chatgpt');
    expect(exported.conversations).toHaveLength(2);
  });

  it('names the conversation and the field when a field has the wrong type', async () => {
    const conversations = JSON.parse(await fixture('chatgpt/conversations.json'));
    conversations[1].mapping['u2-b'].message.content = 'Et si on me demande mes prétentions salariales ?';
    const path = join(folder, 'wrong-field.json');
    await writeFile(path, JSON.stringify(conversations));
    const error = await rejection(readConversationExport(path));
    expect(error.code).toBe('load_failed');
    expect(error.message).toBe(
      `${path}: conversation 1 (id "66321f00-7a3b-4c2d-8e9f-0a1b2c3d4e5f"), message "u2-b": field "content" is a string, expected an object`,
    );
  });

  it('names the conversation when current_node points at no node', async () => {
    const conversations = JSON.parse(await fixture('chatgpt/conversations.json'));
    conversations[0].current_node = 'gone';
    const path = join(folder, 'bad-leaf.json');
    await writeFile(path, JSON.stringify(conversations));
    const error = await rejection(readConversationExport(path));
    expect(error.message).toContain(
      'conversation 0 (id "6602a1c8-1d2e-4f3a-9b7c-2f0e8d1a4b01"): field "current_node"',
    );
  });
  it('keeps the words of a voice message and leaves its audio out', async () => {
    const conversations = JSON.parse(await fixture('chatgpt/conversations.json'));
    conversations[1].mapping['u2-b'].message.content = {
      content_type: 'multimodal_text',
      parts: [
        { content_type: 'audio_transcription', text: 'Et pour le salaire, je dis quoi ?', direction: 'in' },
        {
          content_type: 'audio_asset_pointer',
          asset_pointer: 'sediment://file_00000000',
          size_bytes: 48_000,
        },
      ],
    };
    const path = join(folder, 'voice.json');
    await writeFile(path, JSON.stringify(conversations));
    const [, interview] = (await readConversationExport(path)).conversations;
    expect(interview?.messages[2]).toMatchObject({
      speaker: 'user',
      text: 'Et pour le salaire, je dis quoi ?',
    });
  });

  it('without current_node, follows the newest child from the root', async () => {
    const conversations = JSON.parse(await fixture('chatgpt/conversations.json'));
    delete conversations[0].current_node;
    const path = join(folder, 'no-current-node.json');
    await writeFile(path, JSON.stringify(conversations));
    const [photos] = (await readConversationExport(path)).conversations;
    expect(photos?.messages).toHaveLength(4);
    expect(photos?.messages[1]?.text).toContain('clap crate');
  });

  it('names the node of a cycle in the message tree', async () => {
    const conversations = JSON.parse(await fixture('chatgpt/conversations.json'));
    conversations[1].mapping['root-b'].parent = 'a2-b';
    const path = join(folder, 'cycle.json');
    await writeFile(path, JSON.stringify(conversations));
    const error = await rejection(readConversationExport(path));
    expect(error.message).toContain(
      'conversation 1 (id "66321f00-7a3b-4c2d-8e9f-0a1b2c3d4e5f"), message "a2-b": field "parent"',
    );
  });
});

describe('Claude export', () => {
  it('reads text blocks only, on the current branch, with ISO dates', async () => {
    const path = await writeZip('claude-export.zip', {
      'conversations.json': await fixture('claude/conversations.json'),
      'users.json': await fixture('claude/users.json'),
    });
    const exported = await readConversationExport(path);
    expect(exported.provider).toBe('claude');
    const [vacuum, letter] = exported.conversations;
    expect(vacuum).toMatchObject({
      conversationId: '4f1c2a9e-8b7d-4e6f-a5c3-1d2e3f4a5b6c',
      title: 'Tuning PostgreSQL autovacuum',
      createdAt: '2024-06-12T14:20:05.118Z',
    });
    const texts = vacuum?.messages.map((message) => message.text) ?? [];
    expect(texts).toHaveLength(4);
    // The retried answer is off the branch; the thinking block is not shown text.
    expect(texts.join('\n')).not.toContain('VACUUM FULL');
    expect(texts.join('\n')).not.toContain('8M dead tuples');
    expect(texts[1]).toMatch(/^Lower autovacuum_vacuum_scale_factor/);
    expect(vacuum?.messages[1]).toMatchObject({ speaker: 'assistant', at: '2024-06-12T14:21:02.451Z' });
    // No parent links: the messages in file order; the attachment's text is not a message.
    expect(letter?.messages.map((message) => message.speaker)).toEqual(['user', 'assistant']);
    expect(letter?.messages.map((message) => message.text).join('\n')).not.toContain('Madame, Monsieur');
  });

  it('names the message and the field of an unknown sender', async () => {
    const conversations = JSON.parse(await fixture('claude/conversations.json'));
    conversations[1].chat_messages[1].sender = 'robot';
    const path = join(folder, 'claude-sender.json');
    await writeFile(path, JSON.stringify(conversations));
    const error = await rejection(readConversationExport(path));
    expect(error.message).toBe(
      `${path}: conversation 1 (id "7e6d5c4b-3a29-4817-9f6e-5d4c3b2a1908"), message 1: field "sender" is the string "robot", expected "human" or "assistant"`,
    );
  });
});

describe('Le Chat export', () => {
  it('reads one conversation per chat-<id>.json, in time order, titled by the first question', async () => {
    const names = await readdir(join(fixtures, 'lechat'));
    const entries: Record<string, string> = {};
    for (const name of names) entries[name] = await fixture(`lechat/${name}`);
    entries['chat-b3f1e2d4-5a6b-4c7d-8e9f-0123456789ab-files/balcon.jpg'] = 'jpeg bytes';
    const exported = await readConversationExport(await writeZip('lechat-export.zip', entries));
    expect(exported.provider).toBe('lechat');
    const [garden, ira] = exported.conversations;
    expect(garden).toMatchObject({
      provider: 'lechat',
      conversationId: 'b3f1e2d4-5a6b-4c7d-8e9f-0123456789ab',
      title: 'Quels légumes faire pousser sur un balcon orienté nord ?',
      createdAt: '2025-02-10T09:15:30.002Z',
      updatedAt: '2025-02-10T09:18:05.777Z',
    });
    expect(garden?.messages.map((message) => message.text.slice(0, 12))).toEqual([
      'Quels légume',
      'Pour un pota',
      "Et pour l'ar",
      'Arrosez le m',
    ]);
    // Empty `content`: the text comes from the text chunks, joined as streamed.
    expect(ira?.messages[1]?.text).toBe(
      'A traditional IRA is funded with pre-tax money and taxed when you withdraw; a Roth IRA is funded with taxed money and withdrawals in retirement are tax-free.',
    );
  });

  it('reads an unpacked folder and a single file', async () => {
    const fromFolder = await readConversationExport(join(fixtures, 'lechat'));
    expect(fromFolder.conversations.map((conversation) => conversation.conversationId)).toEqual([
      'b3f1e2d4-5a6b-4c7d-8e9f-0123456789ab',
      'c4a2f3e5-6b7c-4d8e-9f01-23456789abcd',
    ]);
    const single = await readConversationExport(
      join(fixtures, 'lechat/chat-c4a2f3e5-6b7c-4d8e-9f01-23456789abcd.json'),
    );
    expect(single.conversations).toHaveLength(1);
  });
  it('names the file, the message and the field of a malformed Le Chat message', async () => {
    const messages = JSON.parse(await fixture('lechat/chat-c4a2f3e5-6b7c-4d8e-9f01-23456789abcd.json'));
    messages[1].role = 2;
    const path = join(folder, 'chat-c4a2f3e5-6b7c-4d8e-9f01-23456789abcd.json');
    await writeFile(path, JSON.stringify(messages));
    const error = await rejection(readConversationExport(path));
    expect(error.message).toBe(
      `${path}: conversation (id "c4a2f3e5-6b7c-4d8e-9f01-23456789abcd"), message 1: field "role" is a number, expected a string`,
    );
    messages[1] = 'assistant';
    await writeFile(path, JSON.stringify(messages));
    expect((await rejection(readConversationExport(path))).message).toBe(
      `${path}: conversation (id "c4a2f3e5-6b7c-4d8e-9f01-23456789abcd"), message 1 is the string "assistant", expected an object`,
    );
  });
});

describe('errors', () => {
  it('names the zip, the file inside and the line and column of a truncated export', async () => {
    const text = await fixture('claude/conversations.json');
    const cut = text.slice(0, Math.floor(text.length / 2));
    const path = await writeZip('truncated.zip', { 'conversations.json': cut });
    const error = await rejection(readConversationExport(path));
    const lines = cut.split('\n');
    expect(error.code).toBe('load_failed');
    expect(error.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(conversations\\.json\\): invalid JSON at line ${lines.length}, column \\d+, in conversation [01] \\(the file ends too early`,
      ),
    );
  });

  it('says which file has an unknown shape', async () => {
    const path = join(folder, 'other.json');
    await writeFile(path, JSON.stringify([{ messages: [{ role: 'user', content: 'hi' }] }]));
    const error = await rejection(readConversationExport(path));
    expect(error.code).toBe('unsupported_format');
    expect(error.message).toContain(`${path}: not a conversation export`);
    const zip = await writeZip('photos.zip', { 'IMG_0001.jpg': 'x' });
    expect((await rejection(readConversationExport(zip))).message).toContain(
      'no conversations.json nor chat-<id>.json',
    );
    expect((await rejection(readConversationExport(join(folder, 'missing.zip')))).code).toBe('not_found');
    await writeFile(join(folder, 'broken.zip'), 'PK not a zip');
    expect((await rejection(readConversationExport(join(folder, 'broken.zip')))).message).toContain(
      'not a zip archive',
    );
  });

  it('reads an empty export as no conversations', async () => {
    const path = join(folder, 'empty.json');
    await writeFile(path, '[]');
    expect(await readConversationExport(path)).toEqual({ path, provider: null, conversations: [] });
  });
});
