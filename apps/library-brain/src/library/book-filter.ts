import { MemoryError } from '@klody/memory';
import type { Database } from 'better-sqlite3';
import type { BookFilter, FilterChoices } from './library.js';

/** What a filter is matched on, for each book in the library. */
export interface FilterableBook {
  id: number;
  title: string;
  author: string | null;
  language: string | null;
  shelves: readonly string[];
}

/** Case, accents and spacing do not matter when a title, author or shelf is typed by hand. */
export function foldName(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[’‘]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = (previous[column - 1] as number) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(
        Math.min(substitution, (previous[column] as number) + 1, (current[column - 1] as number) + 1),
      );
    }
    previous = current;
  }
  return previous[right.length] as number;
}

/**
 * The candidates nearest to what was typed, best first: those containing it (or contained in it),
 * then those within a third of its length in edits. At most `count`.
 */
export function nearMatches(wanted: string, candidates: readonly string[], count = 3): string[] {
  const folded = foldName(wanted);
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    const name = foldName(candidate);
    if (name.length === 0 || folded.length === 0) continue;
    if (name.includes(folded) || folded.includes(name)) {
      scored.push({ candidate, score: 0 });
      continue;
    }
    // Compared with the candidate's start too, so that "moby" is near "Moby Dick; or, The Whale".
    const distance = Math.min(editDistance(folded, name), editDistance(folded, name.slice(0, folded.length)));
    if (distance <= Math.max(1, Math.floor(folded.length / 3)))
      scored.push({ candidate, score: distance / folded.length });
  }
  return scored
    .sort((left, right) => left.score - right.score || left.candidate.localeCompare(right.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}

function suggestion(wanted: string, candidates: readonly string[], what: string): string {
  const near = nearMatches(wanted, candidates);
  return near.length > 0
    ? `; did you mean ${near.map((name) => `"${name}"`).join(', ')}?`
    : `; the library has ${new Set(candidates).size} ${what}`;
}

/** An author matches when the names are the same, or when every word typed is a word of the name ("Melville"). */
function authorMatches(author: string, wanted: string): boolean {
  const name = foldName(author);
  const folded = foldName(wanted);
  if (name === folded) return true;
  const words = new Set(name.split(/[\s,.]+/));
  return folded.split(/[\s,.]+/).every((word) => word.length > 0 && words.has(word));
}

const isEmpty = (filter: BookFilter) =>
  !filter.books?.length && !filter.author?.trim() && !filter.language?.trim() && !filter.shelf?.trim();

/**
 * The ids of the books a filter allows, or null when it allows every book (no filter, or an empty
 * one). Books are named by id or title (several: any of them); author, language and shelf must all
 * hold too. Whatever names nothing in the library — a title, an author, a shelf, a language no book
 * is in, or parts that no book satisfies together — is an `invalid_argument` error naming the near
 * matches: an empty filter result would read as "the books do not say", which would be untrue.
 */
export function resolveBookFilter(
  filter: BookFilter | null | undefined,
  books: readonly FilterableBook[],
): number[] | null {
  if (!filter || isEmpty(filter)) return null;
  let allowed = books;
  if (filter.books?.length) {
    const named = new Set<number>();
    for (const entry of filter.books) {
      const wanted = entry.trim();
      const byId = /^\d+$/.test(wanted) ? books.find((book) => book.id === Number(wanted)) : undefined;
      const matches = byId
        ? [byId]
        : books.filter((book) => book.title === wanted).length > 0
          ? books.filter((book) => book.title === wanted)
          : books.filter((book) => foldName(book.title) === foldName(wanted));
      if (matches.length === 0)
        throw new MemoryError(
          'invalid_argument',
          `no book has the id or title "${wanted}"${suggestion(
            wanted,
            books.map((book) => book.title),
            'books (library-brain books lists them)',
          )}`,
        );
      for (const book of matches) named.add(book.id);
    }
    allowed = allowed.filter((book) => named.has(book.id));
  }
  const author = filter.author?.trim();
  if (author) {
    const authors = books.flatMap((book) => (book.author ? [book.author] : []));
    if (!authors.some((name) => authorMatches(name, author)))
      throw new MemoryError(
        'invalid_argument',
        `no book is by "${author}"${suggestion(author, authors, 'authors')}`,
      );
    allowed = allowed.filter((book) => book.author !== null && authorMatches(book.author, author));
  }
  const language = filter.language?.trim().toLowerCase();
  if (language) {
    const languages = [...new Set(books.flatMap((book) => (book.language ? [book.language] : [])))].sort();
    if (!languages.includes(language))
      throw new MemoryError(
        'invalid_argument',
        `no book is in the language "${language}"; the library's languages: ${languages.join(', ') || 'none known'}`,
      );
    allowed = allowed.filter((book) => book.language === language);
  }
  const shelf = filter.shelf?.trim();
  if (shelf) {
    const shelves = books.flatMap((book) => book.shelves);
    if (!shelves.some((name) => foldName(name) === foldName(shelf)))
      throw new MemoryError(
        'invalid_argument',
        `no shelf is named "${shelf}"${suggestion(shelf, shelves, 'shelves')}`,
      );
    allowed = allowed.filter((book) => book.shelves.some((name) => foldName(name) === foldName(shelf)));
  }
  if (allowed.length === 0)
    throw new MemoryError(
      'invalid_argument',
      `no book matches every part of the filter ${describeFilter(filter)}`,
    );
  return allowed.map((book) => book.id);
}

/** The filter in words, for messages: book "Moby Dick", author "Melville". */
export function describeFilter(filter: BookFilter): string {
  const parts = [
    ...(filter.books ?? []).map((book) => `book "${book}"`),
    ...(filter.author ? [`author "${filter.author}"`] : []),
    ...(filter.language ? [`language "${filter.language}"`] : []),
    ...(filter.shelf ? [`shelf "${filter.shelf}"`] : []),
  ];
  return parts.join(', ');
}

/**
 * What the filter is matched on, read straight from the sources (no chunk count: it runs before
 * every filtered question, on libraries of thousands of books).
 */
export function readFilterableBooks(
  connection: Database,
  shelvesByPath: ReadonlyMap<string, readonly string[]>,
): FilterableBook[] {
  const rows = connection
    .prepare(
      `SELECT id, COALESCE(title, uri) AS title, uri, language, json_extract(metadata, '$.author') AS author
       FROM memory_sources ORDER BY id`,
    )
    .all() as { id: number; title: string; uri: string; language: string | null; author: unknown }[];
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    author: typeof row.author === 'string' ? row.author : null,
    language: row.language,
    shelves: shelvesByPath.get(row.uri) ?? [],
  }));
}

/** The authors, languages and shelves that the books have, each once, sorted. */
export function filterChoices(books: readonly FilterableBook[]): FilterChoices {
  const sorted = (values: Iterable<string>) =>
    [...new Set(values)].sort((left, right) => left.localeCompare(right));
  return {
    authors: sorted(books.flatMap((book) => (book.author ? [book.author] : []))),
    languages: sorted(books.flatMap((book) => (book.language ? [book.language] : []))),
    shelves: sorted(books.flatMap((book) => book.shelves)),
  };
}
