// Filters, shelves and conversations on a real library: a real SQLite file, real ingestion of
// books written here (so that which book ranks first is known), no gateway (lexical retrieval,
// extractive answers, follow-ups made standalone by carried words).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { harbourNotes, writeWhaleBooks } from '../testing/whale-books.js';
import { createLibrary } from './create-library.js';
import type { Book, Library } from './library.js';

describe('filters, shelves and conversations on a real library', () => {
  const home = mkdtempSync(join(tmpdir(), 'klody-library-filters-'));
  const folder = join(home, 'incoming');
  const seaFolder = join(folder, 'sea');
  let library: Library;
  const byTitle = (title: string): Book => {
    const found = library.books().find((candidate) => candidate.title === title);
    if (!found) throw new Error(`no book ${title}`);
    return found;
  };

  beforeAll(async () => {
    writeWhaleBooks(folder);
    library = await createLibrary(readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none' }));
    await library.ingest([seaFolder], { shelf: 'Sea' });
    await library.ingest([folder]);
  }, 120_000);
  afterAll(() => library?.close());

  it('has read the books with their authors, languages and shelves', () => {
    expect(
      library
        .books()
        .map(({ title, author, language, shelves }) => ({ title, author, language, shelves }))
        .sort((left, right) => left.title.localeCompare(right.title)),
    ).toEqual([
      { title: 'Baleines et ports', author: 'Jeanne Quai', language: 'fr', shelves: [] },
      { title: 'Harbour Notes', author: 'Mary Dock', language: 'en', shelves: [] },
      { title: 'The Whale Almanac', author: 'Ishmael Jones', language: 'en', shelves: ['Sea'] },
    ]);
  });

  it('returns k passages from the filtered book although another book ranks above it unfiltered', async () => {
    const harbour = byTitle('Harbour Notes');
    const unfiltered = await library.search('whale harpoon', { k: 4 });
    expect(unfiltered).toHaveLength(4);
    expect(unfiltered.every((passage) => passage.book === 'The Whale Almanac')).toBe(true);
    for (const filter of [
      { books: ['Harbour Notes'] },
      { books: [String(harbour.id)] },
      { author: 'Mary Dock' },
    ]) {
      const filtered = await library.search('whale harpoon', { k: 4, filter });
      expect(filtered).toHaveLength(4);
      expect(filtered.every((passage) => passage.bookId === harbour.id)).toBe(true);
      expect(filtered.every((passage) => /whale/i.test(passage.text))).toBe(true);
    }
  });

  it('filters by language and by shelf, and by several books at once', async () => {
    const french = await library.search('baleine harpon whale', { k: 3, filter: { language: 'fr' } });
    expect(french.length).toBeGreaterThan(0);
    expect(new Set(french.map((passage) => passage.book))).toEqual(new Set(['Baleines et ports']));
    const shelved = await library.search('whale', { k: 20, filter: { shelf: 'sea' } });
    expect(new Set(shelved.map((passage) => passage.book))).toEqual(new Set(['The Whale Almanac']));
    const both = await library.search('whale harpoon baleine', {
      k: 30,
      filter: { books: ['Harbour Notes', 'Baleines et ports'] },
    });
    expect(new Set(both.map((passage) => passage.book))).toEqual(
      new Set(['Harbour Notes', 'Baleines et ports']),
    );
  });

  it('refuses a filter naming nothing, with the near matches, rather than answering from no book', async () => {
    await expect(library.search('whale', { filter: { books: ['Harbor Notes'] } })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringContaining('did you mean "Harbour Notes"?'),
    });
    await expect(library.ask('Who saw a whale?', { filter: { author: 'Mary Docks' } })).rejects.toMatchObject(
      {
        code: 'invalid_argument',
        message: expect.stringContaining('did you mean "Mary Dock"?'),
      },
    );
  });

  it('puts books on shelves and takes them off, kept through a re-ingestion', async () => {
    const shelved = library.shelve('Harbour Notes', 'Sea');
    expect(shelved.shelves).toEqual(['Sea']);
    expect(library.shelve(String(shelved.id), 'Ports').shelves).toEqual(['Ports', 'Sea']);
    writeFileSync(join(folder, 'harbour.txt'), harbourNotes('A new last page.'));
    expect((await library.ingest([join(folder, 'harbour.txt')])).updated).toBe(1);
    expect(byTitle('Harbour Notes').shelves).toEqual(['Ports', 'Sea']);
    expect(library.unshelve('Harbour Notes', 'Ports')).toMatchObject({
      removed: true,
      book: { shelves: ['Sea'] },
    });
    expect(library.unshelve('Harbour Notes', 'Ports').removed).toBe(false);
    expect(() => library.shelve('Harbor Note', 'Sea')).toThrow(/did you mean "Harbour Notes"\?/);
    expect(() => library.shelve('Harbour Notes', '  ')).toThrow(/a shelf name is empty/);
  });

  it('answers only from the filtered books, cited', async () => {
    const answer = await library.ask('Where was a whale seen from the pier?', {
      filter: { books: ['Harbour Notes'] },
    });
    expect(answer.refused).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.every((citation) => citation.book === 'Harbour Notes')).toBe(true);
  });

  it('continues a conversation: the follow-up carries the previous question over and is stored', async () => {
    const first = await library.ask('Where does the whale stand?');
    expect(first.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.standaloneQuestion).toBeNull();
    expect(first.rewrite).toBeNull();
    const followUp = await library.ask('And near which bridge does it stand?', {
      conversationId: first.conversationId,
    });
    expect(followUp.conversationId).toBe(first.conversationId);
    expect(followUp.standaloneQuestion).toBe('And near which bridge does it stand? (whale)');
    expect(followUp.rewrite).toEqual({ method: 'carried_terms', fallback: null });
    expect(followUp.refused).toBe(false);
    expect(followUp.citations.length).toBeGreaterThan(0);
    expect(followUp.citations.some((citation) => citation.book === 'The Whale Almanac')).toBe(true);
    const stored = library.conversation(first.conversationId);
    expect(
      stored?.turns.map(({ question, standaloneQuestion, refused }) => ({
        question,
        standaloneQuestion,
        refused,
      })),
    ).toEqual([
      { question: 'Where does the whale stand?', standaloneQuestion: null, refused: false },
      {
        question: 'And near which bridge does it stand?',
        standaloneQuestion: 'And near which bridge does it stand? (whale)',
        refused: false,
      },
    ]);
    expect(stored?.turns[1]?.citations).toEqual(followUp.citations);
    // Another question without an id starts another conversation.
    expect((await library.ask('Who saw a whale from the pier?')).conversationId).not.toBe(
      first.conversationId,
    );
  });

  it('refuses an unknown conversation id without creating it', async () => {
    await expect(library.ask('And then?', { conversationId: 'no-such-conversation' })).rejects.toMatchObject({
      code: 'not_found',
      message: 'no conversation has the id "no-such-conversation"',
    });
    expect(library.conversation('no-such-conversation')).toBeNull();
  });
});
