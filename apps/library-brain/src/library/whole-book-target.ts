// Which book a whole-book question is about: the one the filter selects, else the one the question
// names, else the only book in the library. Pure.

export interface TargetBook {
  id: number;
  title: string;
}

export type BookTarget<Book extends TargetBook> =
  | { book: Book }
  /** Several books fit: the question is answered by asking which. */
  | { ambiguous: Book[] }
  /** No book named, or none fits what was named. */
  | { none: true };

const englishStopWords = new Set(['the', 'a', 'an', 'of', 'and', 'in', 'or', 'to', 'by', 'book', 'novel']);
const frenchStopWords = new Set([
  'le',
  'la',
  'les',
  'l',
  'de',
  'du',
  'des',
  'et',
  'un',
  'une',
  'en',
  'livre',
  'roman',
]);

/** Lower case, no accents, letters and digits only, single spaces. */
export function foldTitle(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/['’‘]s\b/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The title without its subtitle: "Moby Dick; or, The Whale" → "Moby Dick". */
function shortTitle(title: string): string {
  return title.split(/\s*(?:[;:(]|,\s*or\b|--|—)\s*/i)[0] ?? title;
}

const contentWords = (text: string) =>
  foldTitle(text)
    .split(' ')
    .filter((word) => word.length > 1 && !englishStopWords.has(word) && !frenchStopWords.has(word));

/** How well a reference names a title: 2 the short title itself, 1 all its words are the title's, 0 not. */
function nameScore(reference: string, title: string): number {
  const folded = foldTitle(reference);
  const short = foldTitle(shortTitle(title));
  if (folded === foldTitle(title) || folded === short) return 2;
  const words = contentWords(reference);
  const titleWords = new Set(contentWords(title));
  if (words.length > 0 && words.every((word) => titleWords.has(word))) return 1;
  return 0;
}

/**
 * The book a whole-book question is about. `allowed` is the filter's choice (null: no filter);
 * `reference` the words naming the book in the question; `question` the whole question, searched
 * for a short title when the reference names none.
 */
export function chooseBook<Book extends TargetBook>(
  books: readonly Book[],
  allowed: readonly number[] | null,
  reference: string | null,
  question: string,
): BookTarget<Book> {
  const candidates = allowed ? books.filter((book) => allowed.includes(book.id)) : books;
  if (candidates.length === 1) return { book: candidates[0] as Book };
  if (candidates.length === 0) return { none: true };
  const best = (scored: { book: Book; score: number }[]): BookTarget<Book> | null => {
    const top = Math.max(0, ...scored.map((entry) => entry.score));
    if (top === 0) return null;
    const winners = scored.filter((entry) => entry.score === top).map((entry) => entry.book);
    return winners.length === 1 ? { book: winners[0] as Book } : { ambiguous: winners };
  };
  if (reference) {
    const named = best(candidates.map((book) => ({ book, score: nameScore(reference, book.title) })));
    if (named) return named;
  }
  // A short title anywhere in the question: "moby dick's main characters".
  const foldedQuestion = ` ${foldTitle(question)} `;
  const mentioned = best(
    candidates.map((book) => {
      const short = foldTitle(shortTitle(book.title));
      return { book, score: short.length >= 3 && foldedQuestion.includes(` ${short} `) ? short.length : 0 };
    }),
  );
  if (mentioned) return mentioned;
  return allowed ? { ambiguous: [...candidates] } : { none: true };
}
