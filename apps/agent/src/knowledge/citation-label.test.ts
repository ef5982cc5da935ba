import { describe, expect, it } from 'vitest';
import { citationLabel, type MessageResolver, passageLines } from './citation-label.js';

const conversation = {
  uri: 'conversation:chatgpt:abc',
  title: 'Trip to Lyon',
  metadata: {
    kind: 'conversation',
    provider: 'chatgpt',
    conversationId: 'abc',
    createdAt: '2024-02-28T10:00:00Z',
  },
};

// A fake of @klody/memory's messageAtOffset: message 0 (user) up to offset 50, then message 1.
const fakeMessageAt: MessageResolver = (_metadata, offset) =>
  offset < 50
    ? { index: 0, speaker: 'user', at: '2024-03-01T09:12:00Z' }
    : { index: 1, speaker: 'assistant', at: null };

describe('citation labels', () => {
  it('a conversation: provider, title, and the message the passage is in', () => {
    expect(citationLabel(conversation, { start: 10, end: 40 }, { messageAt: fakeMessageAt })).toBe(
      'ChatGPT conversation "Trip to Lyon", user message of 2024-03-01',
    );
    expect(citationLabel(conversation, { start: 60, end: 90 }, { messageAt: fakeMessageAt })).toBe(
      'ChatGPT conversation "Trip to Lyon", assistant message #2',
    );
    // Without the resolver (before the loaders are wired): the conversation's date.
    expect(citationLabel(conversation, { start: 10, end: 40 })).toBe(
      'ChatGPT conversation "Trip to Lyon" of 2024-02-28',
    );
    expect(
      citationLabel(
        { ...conversation, metadata: { ...conversation.metadata, provider: 'lechat', createdAt: null } },
        { start: 0, end: 1 },
      ),
    ).toBe('Le Chat conversation "Trip to Lyon"');
  });

  it('a note: its path in the vault', () => {
    expect(
      citationLabel(
        {
          uri: '/home/alice/vault/Projects/Klody.md',
          title: 'Klody',
          metadata: { kind: 'note', path: 'Projects/Klody.md' },
        },
        { start: 0, end: 10 },
      ),
    ).toBe('note Projects/Klody.md');
  });

  it('code: its path and the lines of the passage, counted in the stored text', () => {
    const text = 'line one\nline two\nline three\nline four\n';
    const source = {
      uri: '/repo/src/file.ts',
      title: 'src/file.ts',
      metadata: { kind: 'code', path: 'src/file.ts' },
    };
    const start = text.indexOf('line two');
    const end = text.indexOf('line four') + 'line four'.length;
    expect(citationLabel(source, { start, end }, { sourceText: text })).toBe('src/file.ts:2-4');
    // A passage that ends with its line's new line does not reach the next line.
    expect(citationLabel(source, { start: 0, end: 9 }, { sourceText: text })).toBe('src/file.ts:1');
    expect(passageLines(text, 0, text.length)).toEqual({ startLine: 1, endLine: 4 });
  });

  it('a document: its file name, and its page when it has pages', () => {
    const pdf = {
      uri: '/home/alice/cv.pdf',
      title: 'cv',
      metadata: { kind: 'document', pageStarts: '0,100,250' },
    };
    expect(citationLabel(pdf, { start: 120, end: 200 })).toBe('cv.pdf, page 2');
    expect(citationLabel(pdf, { start: 90, end: 260 })).toBe('cv.pdf, pages 1-3');
    expect(
      citationLabel({ uri: '/home/alice/letter.txt', title: 'letter', metadata: {} }, { start: 0, end: 5 }),
    ).toBe('letter.txt');
  });
});
