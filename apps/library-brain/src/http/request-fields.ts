// Fields that the HTTP API and the MCP tools both accept, validated the same way in both: a question,
// a search query, a book list's words, and the bounds of how many results one asks for. HTTP reads
// numbers from a query string (coerced there); MCP gets them as JSON numbers.
import { z } from 'zod';

/** The longest question or search query (characters). */
export const maximumQuestionCharacters = 4_000;

/** Passages a search returns when not told (`k` over HTTP, `limit` for MCP), and at most. */
export const defaultSearchCount = 10;
export const maximumSearchCount = 100;

/** The longest book-list query (characters): words of a title or an author. */
export const maximumBookQueryCharacters = 200;

/** A question to answer from the books: POST /api/ask's `question`, the ask_books tool's. */
export const questionField = z
  .string()
  .trim()
  .min(1, 'question is empty')
  .max(maximumQuestionCharacters, 'question is longer than 4,000 characters');

/** What to search the books for, named as the caller names it (`q` over HTTP, `query` for MCP). */
export function searchQueryField(name: string) {
  return z
    .string()
    .trim()
    .min(1, `${name} is empty`)
    .max(maximumQuestionCharacters, `${name} is longer than 4,000 characters`);
}

/** Words of a title or an author that a book list keeps; empty keeps every book. */
export function bookQueryField(name: string) {
  return z
    .string()
    .trim()
    .max(maximumBookQueryCharacters, `${name} is longer than ${maximumBookQueryCharacters} characters`);
}
