// The tools that reach Library Brain: search_books and ask_books (read; what they return was written
// by the books' authors, not the user: untrusted) and remove_book (destructive).
import { z } from 'zod';
import {
  type LibraryBook,
  type LibraryBrainClient,
  type LibraryCitation,
  type LibraryPassage,
  libraryBrainDefaultURL,
  libraryBrainName,
  libraryBrainURLVariable,
} from '../organs/library-brain-client.js';
import { organDisabledError } from '../organs/organ-request.js';
import { ToolError } from './agent-tool.js';
import { defineTool } from './define-tool.js';
import { capText, joinLinesWithin, oneLine } from './tool-text.js';

/** Most characters of one passage shown to the model, and of the whole output. */
const passageCharacters = 500;
const outputCharacters = 3_000;

function client(library: LibraryBrainClient | null): LibraryBrainClient {
  if (!library) throw organDisabledError(libraryBrainName, libraryBrainURLVariable, libraryBrainDefaultURL);
  return library;
}

/** "Candide, CHAPITRE I (characters 120–860)": where a passage or a citation comes from. */
export function passageSource(passage: Pick<LibraryPassage, 'book' | 'chapter' | 'start' | 'end'>): string {
  const chapter = passage.chapter ? `, ${oneLine(passage.chapter)}` : '';
  return `${passage.book}${chapter} (characters ${passage.start}–${passage.end})`;
}

export function formatPassages(query: string, passages: readonly LibraryPassage[]): string {
  if (passages.length === 0) return `No passage of the books matches "${query}".`;
  const lines = passages.map(
    (passage, index) =>
      `[${index + 1}] ${passageSource(passage)}: ${capText(oneLine(passage.text), passageCharacters)}`,
  );
  const heading = `${passages.length} passage${passages.length === 1 ? '' : 's'} for "${query}":`;
  return joinLinesWithin([heading, ...lines], outputCharacters);
}

export function formatAnswer(answer: {
  answer: string;
  refused: boolean;
  citations: LibraryCitation[];
}): string {
  if (answer.refused) return `The books do not answer this. ${answer.answer}`;
  const sources = answer.citations.map((citation) => `[${citation.n}] ${passageSource(citation)}`);
  const text = capText(answer.answer.trim(), outputCharacters - 500);
  return joinLinesWithin(sources.length > 0 ? [text, 'Sources:', ...sources] : [text], outputCharacters);
}

export function createSearchBooksTool(library: LibraryBrainClient | null) {
  return defineTool({
    name: 'search_books',
    description:
      "Search the user's books for passages about a topic. Returns passages with their book, chapter and position.",
    inputSchema: z.object({
      // 200 characters: a search is a few words, and a bound the gateway's grammar keeps (it leaves out
      // bounds over 256) stops a small model rambling inside the string until its token limit.
      query: z.string().trim().min(1).max(200).describe('What to look for, in a few words'),
      limit: z.number().int().min(1).max(10).optional().describe('How many passages to return (default 5)'),
    }),
    effect: 'read',
    untrustedOutput: true,
    async execute({ query, limit }, context) {
      const passages = await client(library).search(query, {
        limit: limit ?? 5,
        signal: context.signal,
      });
      return { text: formatPassages(query, passages), data: { passages } };
    },
  });
}

export function createAskBooksTool(library: LibraryBrainClient | null) {
  return defineTool({
    name: 'ask_books',
    description: "Ask a question about the user's books. Returns an answer with its sources cited.",
    inputSchema: z.object({
      question: z.string().trim().min(1).max(2_000).describe('The question, in the user’s words'),
    }),
    effect: 'read',
    untrustedOutput: true,
    async execute({ question }, context) {
      const answer = await client(library).ask(question, { signal: context.signal });
      return { text: formatAnswer(answer), data: answer };
    },
  });
}

/** The book a title names: exact, ignoring case and surrounding spaces; none or several is an error. */
export function bookByTitle(books: readonly LibraryBook[], title: string): LibraryBook {
  const wanted = title.trim().toLocaleLowerCase();
  const matches = books.filter((book) => book.title.trim().toLocaleLowerCase() === wanted);
  const listed = books
    .slice(0, 20)
    .map((book) => `${book.title} (id ${book.id})`)
    .join('; ');
  if (matches.length === 0) {
    throw new ToolError(
      `no book is titled "${title}". Books: ${listed.length > 0 ? listed : 'none'}`,
      'not_found',
    );
  }
  if (matches.length > 1) {
    throw new ToolError(
      `several books are titled "${title}": ${matches.map((book) => `id ${book.id}`).join(', ')}. Give the id.`,
      'ambiguous',
    );
  }
  return matches[0] as LibraryBook;
}

export function createRemoveBookTool(library: LibraryBrainClient | null) {
  return defineTool({
    name: 'remove_book',
    description: "Remove a book from the user's library, with all its passages. Cannot be undone.",
    inputSchema: z.object({
      book: z
        .union([z.number().int().positive(), z.string().trim().min(1).max(500)])
        .describe('The book’s id or its exact title'),
    }),
    effect: 'destructive',
    untrustedOutput: false,
    async execute({ book }, context) {
      const brain = client(library);
      const id =
        typeof book === 'number'
          ? book
          : /^\d+$/.test(book)
            ? Number(book)
            : bookByTitle(await brain.books({ signal: context.signal }), book).id;
      const removed = await brain.removeBook(id, { signal: context.signal });
      return {
        text: `Removed "${removed.title}" (id ${removed.id}, ${removed.chunks} passages) from the library.`,
        data: { removed },
      };
    },
  });
}
