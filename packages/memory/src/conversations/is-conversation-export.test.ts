import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConversationExport } from './is-conversation-export.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conversations');
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'klody-is-export-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function zipOf(name: string, entries: string[]): Promise<string> {
  const zip = new JSZip();
  for (const entry of entries) zip.file(entry, '[]');
  const path = join(folder, name);
  await writeFile(path, await zip.generateAsync({ type: 'nodebuffer' }));
  return path;
}

describe('isConversationExport', () => {
  it('recognises exports by their file names', async () => {
    expect(await isConversationExport(join(fixtures, 'chatgpt/conversations.json'))).toBe(true);
    expect(await isConversationExport(join(fixtures, 'claude'))).toBe(true);
    expect(await isConversationExport(join(fixtures, 'lechat'))).toBe(true);
    expect(await isConversationExport(await zipOf('export.zip', ['conversations.json', 'chat.html']))).toBe(
      true,
    );
    expect(
      await isConversationExport(await zipOf('lechat.zip', ['chat-1a2b.json', 'chat-1a2b-files/x.json'])),
    ).toBe(true);
  });

  it('says no to notes, code, other archives and missing paths', async () => {
    const notes = join(folder, 'vault');
    await mkdir(notes);
    await writeFile(join(notes, 'todo.md'), '# Todo');
    expect(await isConversationExport(notes)).toBe(false);
    expect(await isConversationExport(join(fixtures, 'README.md'))).toBe(false);
    expect(
      await isConversationExport(await zipOf('photos.zip', ['IMG_0001.jpg', 'album/chat-1-files/a.json'])),
    ).toBe(false);
    await writeFile(join(folder, 'broken.zip'), 'not a zip');
    expect(await isConversationExport(join(folder, 'broken.zip'))).toBe(false);
    expect(await isConversationExport(join(folder, 'missing'))).toBe(false);
  });
});
