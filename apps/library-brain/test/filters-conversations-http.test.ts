// Filters, shelves and conversations through the HTTP API of a real server (a real port, worker
// threads, a real SQLite library), no gateway: lexical retrieval, extractive answers, follow-ups
// made standalone by carried words.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import type { Answer, Book, Conversation } from '../src/library/library.js';
import { writeWhaleBooks } from '../src/testing/whale-books.js';

describe('filters, shelves and conversations over HTTP', () => {
  const home = mkdtempSync(join(tmpdir(), 'klody-library-filters-http-'));
  const books = writeWhaleBooks(join(home, 'books'));
  let server: RunningServer;
  let harbour: Book;

  const get = (path: string) => fetch(`${server.url}${path}`);
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  beforeAll(async () => {
    const config = readConfig({
      KLODY_HOME: home,
      KLODY_GATEWAY_URL: 'none',
      KLODY_LIBRARY_ROOTS: books.folder,
      KLODY_LOG_LEVEL: 'warn',
    });
    server = await startServer(config, { port: await freePort() });
    await server.library.ingest([books.seaFolder], { shelf: 'Sea' });
    await server.library.ingest([books.folder]);
    const found = server.library.books().find((book) => book.title === 'Harbour Notes');
    if (!found) throw new Error('Harbour Notes was not ingested');
    harbour = found;
  }, 120_000);
  afterAll(() => server?.close());

  it('searches inside the filter given as query parameters: k passages from the filtered book', async () => {
    const unfiltered = (await (await get('/api/search?q=whale+harpoon&k=4')).json()) as {
      results: { book: string }[];
    };
    expect(unfiltered.results.map((result) => result.book)).toEqual(Array(4).fill('The Whale Almanac'));
    for (const query of ['book=Harbour+Notes', `book=${harbour.id}`, 'author=Mary+Dock']) {
      const response = await get(`/api/search?q=whale+harpoon&k=4&${query}`);
      expect(response.status).toBe(200);
      const { results } = (await response.json()) as { results: { book: string; bookId: number }[] };
      expect(results.map((result) => result.bookId)).toEqual(Array(4).fill(harbour.id));
    }
    const twoBooks = (await (
      await get('/api/search?q=whale+baleine&k=40&book=Harbour+Notes&book=Baleines+et+ports')
    ).json()) as {
      results: { book: string }[];
    };
    expect(new Set(twoBooks.results.map((result) => result.book))).toEqual(
      new Set(['Harbour Notes', 'Baleines et ports']),
    );
  });

  it('answers 400 naming the near matches for an unknown book, author or shelf', async () => {
    const book = await get('/api/search?q=whale&book=Harbor+Notes');
    expect(book.status).toBe(400);
    expect(await errorOf(book)).toEqual({
      code: 'invalid_request',
      message: 'no book has the id or title "Harbor Notes"; did you mean "Harbour Notes"?',
    });
    const author = await send('POST', '/api/ask', {
      question: 'Who saw a whale?',
      filter: { author: 'Mary Docks' },
    });
    expect(author.status).toBe(400);
    expect((await errorOf(author)).message).toBe('no book is by "Mary Docks"; did you mean "Mary Dock"?');
    const shelf = await send('POST', '/api/ask', { question: 'Who saw a whale?', filter: { shelf: 'See' } });
    expect(shelf.status).toBe(400);
    expect((await errorOf(shelf)).message).toMatch(/no shelf is named "See"; did you mean "Sea"\?/);
    const unknownField = await send('POST', '/api/ask', {
      question: 'Who saw a whale?',
      filter: { title: 'Harbour Notes' },
    });
    expect(unknownField.status).toBe(400);
    expect((await errorOf(unknownField)).code).toBe('invalid_request');
  });

  it('answers from the filtered book, then a follow-up in the same conversation, stored with its turns', async () => {
    const first = await send('POST', '/api/ask', {
      question: 'Where was a whale seen from the pier?',
      filter: { books: ['Harbour Notes'] },
    });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as Answer;
    expect(answer.refused).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(answer.citations.every((citation) => citation.bookId === harbour.id)).toBe(true);
    expect(answer.conversationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.standaloneQuestion).toBeNull();

    const followUp = (await (
      await send('POST', '/api/ask', {
        question: 'And what stands beside it?',
        conversationId: answer.conversationId,
        filter: { books: ['Harbour Notes'] },
      })
    ).json()) as Answer;
    expect(followUp.conversationId).toBe(answer.conversationId);
    expect(followUp.standaloneQuestion).toBe('And what stands beside it? (whale seen pier)');
    expect(followUp.rewrite).toEqual({ method: 'carried_terms', fallback: null });
    expect(followUp.citations.every((citation) => citation.bookId === harbour.id)).toBe(true);

    const stored = await get(`/api/conversations/${answer.conversationId}`);
    expect(stored.status).toBe(200);
    const conversation = (await stored.json()) as Conversation;
    expect(conversation.id).toBe(answer.conversationId);
    expect(conversation.turns.map((turn) => [turn.question, turn.standaloneQuestion, turn.filter])).toEqual([
      ['Where was a whale seen from the pier?', null, { books: ['Harbour Notes'] }],
      [
        'And what stands beside it?',
        'And what stands beside it? (whale seen pier)',
        { books: ['Harbour Notes'] },
      ],
    ]);
  });

  it('streams a follow-up: the done event carries the conversation and the rewrite', async () => {
    const first = (await (
      await send('POST', '/api/ask', { question: 'Where does the whale stand?' })
    ).json()) as Answer;
    const response = await fetch(`${server.url}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ question: 'Why?', conversationId: first.conversationId }),
    });
    const text = await response.text();
    const done = /event: done\ndata: (.+)\n/.exec(text)?.[1];
    expect(done).toBeDefined();
    const answer = JSON.parse(done ?? '{}') as Answer;
    expect(answer.conversationId).toBe(first.conversationId);
    expect(answer.standaloneQuestion).toBe('Why? (whale stand)');
  });

  it('answers 404 for an unknown conversation, on ask and on read', async () => {
    const ask = await send('POST', '/api/ask', {
      question: 'And then?',
      conversationId: 'no-such-conversation',
    });
    expect(ask.status).toBe(404);
    expect(await errorOf(ask)).toEqual({
      code: 'not_found',
      message: 'no conversation has the id "no-such-conversation"',
    });
    const read = await get('/api/conversations/no-such-conversation');
    expect(read.status).toBe(404);
    expect((await errorOf(read)).code).toBe('not_found');
  });

  it('puts a book on a shelf and takes it off; the filter choices follow', async () => {
    const put = await send('PUT', `/api/books/${harbour.id}/shelves/Ports`);
    expect(put.status).toBe(200);
    expect(((await put.json()) as { book: Book }).book.shelves).toEqual(['Ports']);
    expect(await (await get('/api/filters')).json()).toEqual({
      authors: ['Ishmael Jones', 'Jeanne Quai', 'Mary Dock'],
      languages: ['en', 'fr'],
      shelves: ['Ports', 'Sea'],
    });
    const searched = (await (await get('/api/search?q=whale&k=20&shelf=ports')).json()) as {
      results: { book: string }[];
    };
    expect(new Set(searched.results.map((result) => result.book))).toEqual(new Set(['Harbour Notes']));
    const removed = await send('DELETE', `/api/books/${harbour.id}/shelves/Ports`);
    expect(await removed.json()).toMatchObject({ removed: true, book: { shelves: [] } });
    expect(((await (await get('/api/filters')).json()) as { shelves: string[] }).shelves).toEqual(['Sea']);
    const unknown = await send('PUT', '/api/books/99999/shelves/Ports');
    expect(unknown.status).toBe(404);
    expect((await errorOf(unknown)).code).toBe('not_found');
  });
});
