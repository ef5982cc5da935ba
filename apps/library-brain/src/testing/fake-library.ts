// A fake Library for unit tests of the HTTP layer and the CLI formatting: fixed books and passages,
// no database, no model. Named as a fake on purpose: never used outside tests.
import { pageOfBooks } from '../library/book-list.js';
import type { Answer, Book, IngestSummary, Library, Passage, PassageContext } from '../library/library.js';

export interface FakeLibraryCalls {
  ingested: string[][];
  asked: string[];
}

export function createFakeLibrary(): Library & { calls: FakeLibraryCalls } {
  const text = 'Alice was beginning to get very tired of sitting by her sister on the bank.';
  const books: Book[] = [
    {
      id: 1,
      title: 'Alice in Wonderland',
      author: 'Lewis Carroll',
      language: 'en',
      path: '/books/alice.txt',
      chunks: 1,
      shelves: [],
      state: 'ready',
      error: null,
    },
  ];
  const passage: Passage = {
    book: 'Alice in Wonderland',
    bookId: 1,
    path: '/books/alice.txt',
    chapter: 'CHAPTER I',
    start: 0,
    end: text.length,
    score: 1,
    text,
    page: null,
  };
  const calls: FakeLibraryCalls = { ingested: [], asked: [] };
  return {
    calls,
    books: () => books,
    listBooks: (options) => pageOfBooks(books, options),
    async ingest(paths): Promise<IngestSummary> {
      calls.ingested.push([...paths]);
      return {
        added: paths.length,
        updated: 0,
        unchanged: 0,
        failed: [],
        skipped: [],
        chunks: paths.length,
        seconds: 0,
      };
    },
    async remove(idOrTitle) {
      const index = books.findIndex((book) => String(book.id) === idOrTitle || book.title === idOrTitle);
      return index === -1 ? null : (books.splice(index, 1)[0] ?? null);
    },
    async search(query) {
      return query.toLowerCase().includes('alice') ? [passage] : [];
    },
    async ask(question, options): Promise<Answer> {
      calls.asked.push(question);
      if (!question.toLowerCase().includes('alice')) {
        return {
          answer: 'The books do not say.',
          refused: true,
          citations: [],
          mode: 'extractive',
          language: 'en',
          fallback: null,
          conversationId: 'fake-conversation',
          standaloneQuestion: null,
          translatedQuestion: null,
          rewrite: null,
        };
      }
      for (const token of ['Alice ', 'was ', 'tired ', '[1].']) options?.onToken?.(token);
      return {
        answer: 'Alice was tired [1].',
        refused: false,
        citations: [
          {
            n: 1,
            book: passage.book,
            bookId: 1,
            chapter: passage.chapter,
            start: passage.start,
            end: passage.end,
            text,
            page: null,
          },
        ],
        mode: 'generated',
        language: 'en',
        fallback: null,
        conversationId: 'fake-conversation',
        standaloneQuestion: null,
        translatedQuestion: null,
        rewrite: null,
      };
    },
    passage(bookId, start, end): PassageContext | null {
      if (bookId !== 1 || end > text.length) return null;
      return {
        book: passage.book,
        bookId,
        start,
        end,
        before: text.slice(0, start),
        text: text.slice(start, end),
        after: text.slice(end),
        page: null,
      };
    },
    conversation: () => null,
    filterChoices: () => ({ authors: ['Lewis Carroll'], languages: ['en'], shelves: [] }),
    shelve(book, shelf) {
      const found = books.find((candidate) => String(candidate.id) === book || candidate.title === book);
      if (!found) throw new Error(`no book ${book}`);
      found.shelves = [...new Set([...found.shelves, shelf])].sort();
      return found;
    },
    unshelve(book, shelf) {
      const found = books.find((candidate) => String(candidate.id) === book || candidate.title === book);
      if (!found) throw new Error(`no book ${book}`);
      const removed = found.shelves.includes(shelf);
      found.shelves = found.shelves.filter((name) => name !== shelf);
      return { book: found, removed };
    },
    async gatewayHealth() {
      return { state: 'disabled', reason: null };
    },
    async sync(folder, options) {
      return {
        folder,
        dryRun: options?.dryRun ?? false,
        added: 0,
        updated: 0,
        unchanged: 0,
        removed: 0,
        changes: [],
        failed: [],
        skipped: [],
        chunks: 0,
        seconds: 0,
        warning: null,
      };
    },
    vectorIndexStatus: () => ({
      state: 'idle',
      from: null,
      to: null,
      mode: null,
      done: 0,
      total: 0,
      error: null,
    }),
    async reindex() {
      return null;
    },
    async close() {},
  };
}
