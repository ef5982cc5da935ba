import { describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { migrate } from '../store/migrate.js';
import { getSourceByUri, getSourceText } from '../store/sources.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { normalizeText } from '../text/normalize.js';
import type { Conversation } from './conversation.js';
import { conversationToDocument } from './conversation-document.js';
import { messageAtOffset, readMessageOffsets } from './message-offsets.js';

// Texts that normalization changes: if the pieces were not normalized before the offsets were
// taken, the stored text would differ from the rendered one and every later offset would drift.
const awkward: Conversation = {
  provider: 'claude',
  conversationId: 'awkward-1',
  title: '  Cafe\u0301 \r\n notes  ',
  createdAt: '2024-01-02T03:04:05.000Z',
  updatedAt: null,
  messages: [
    {
      speaker: 'user',
      at: '2024-01-02T03:04:05.000Z',
      text: '\uFEFF  Line one   \r\nLine two\u00A0\r\n\r\n',
    },
    { speaker: 'assistant', at: null, text: '   \n\t ' },
    {
      speaker: 'assistant',
      at: '2024-01-02T03:05:00.000Z',
      text: '*** START OF THE PROJECT GUTENBERG EBOOK MOBY DICK ***\nCall me Ishmael.\r\n*** END OF THE PROJECT GUTENBERG EBOOK MOBY DICK ***',
    },
    { speaker: 'system', at: null, text: 'Re\u0301sume\u0301 kept as NFC.' },
  ],
};

describe('conversationToDocument', () => {
  it('renders already-normalized text whose message starts survive ingestion unchanged', async () => {
    const document = conversationToDocument(awkward);
    expect(document.text).toBe(normalizeText(document.text, { stripGutenberg: false }));
    expect(document.title).toBe('Café notes');
    expect(document.metadata).toMatchObject({ kind: 'conversation', messages: 3, updatedAt: null });
    expect(document.text.split('\n')[0]).toBe('# Café notes');

    const database = createInMemoryDatabase();
    await migrate(database);
    await createIngester({ database }).ingest([document]);
    const connection = database.getConnection();
    const source = getSourceByUri(connection, 'conversation:claude:awkward-1');
    const stored = getSourceText(connection, source?.id ?? -1) ?? '';
    // Gutenberg markers quoted in a conversation are not stripped: nothing moved.
    expect(stored).toBe(document.text);
    const starts = readMessageOffsets(source?.metadata ?? {}) ?? [];
    expect(starts.map((message) => stored.slice(message.start, stored.indexOf('\n', message.start)))).toEqual(
      ['## User — 2024-01-02 03:04 UTC', '## Claude — 2024-01-02 03:05 UTC', '## System'],
    );
    expect(stored).toContain('Line one\nLine two\n\n## Claude');
    expect(messageAtOffset(source?.metadata ?? {}, stored.indexOf('Ishmael'))).toEqual({
      index: 1,
      speaker: 'assistant',
      at: '2024-01-02T03:05:00.000Z',
    });
    expect(messageAtOffset(source?.metadata ?? {}, stored.indexOf('Résumé'))).toMatchObject({
      index: 2,
      at: null,
    });
    expect(messageAtOffset(source?.metadata ?? {}, 2)).toBeNull();
    database.close();
  });
});
