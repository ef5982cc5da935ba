import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { bookFilterFields, bookFilterOf, conversationIdField } from '../http/book-filter-request.js';
import { sourcesText } from '../http/openai-chat.js';
import { questionField } from '../http/request-fields.js';
import type { Answer } from '../library/library.js';
import { guardLibraryTool } from './guard-library-tool.js';
import type { LibraryMcpDependencies } from './library-mcp-dependencies.js';
import { bookFilterDescriptions } from './tool-descriptions.js';

const citationShape = z.object({
  n: z.number().int().describe('the [n] marker in the answer'),
  book: z.string(),
  bookId: z.number().int(),
  chapter: z.string().nullable(),
  start: z.number().int().describe('first character of the cited passage in the book (UTF-16 index)'),
  end: z.number().int().describe('character after the cited passage'),
  text: z.string().describe("the cited passage, exactly the book's text from start to end"),
  page: z.number().int().nullable().describe("a PDF's page; null for books without pages"),
});

/** POST /api/ask's answer, field for field. */
const answerShape = {
  answer: z.string().describe('the answer with its [n] markers, or the refusal'),
  refused: z.boolean().describe('true when the books do not hold the answer'),
  citations: z.array(citationShape).describe('every [n] of the answer, checked against the books'),
  mode: z.enum(['generated', 'extractive']).describe('written by the chat model, or cited sentences'),
  language: z.enum(['en', 'fr']),
  fallback: z
    .object({
      code: z.enum([
        'gateway_unreachable',
        'gateway_error',
        'gateway_timeout',
        'uncited_answer',
        'invalid_citation',
        'echoed_prompt',
      ]),
      message: z.string(),
    })
    .nullable()
    .describe('why the answer is extractive although the chat model was to write it; null otherwise'),
  conversationId: z.string().describe('pass it back as conversationId to ask a follow-up'),
  standaloneQuestion: z.string().nullable(),
  translatedQuestion: z.string().nullable(),
  rewrite: z
    .object({ method: z.enum(['chat_model', 'carried_terms', 'as_asked']), fallback: z.string().nullable() })
    .nullable(),
};

/** The answer for a model to read: the answer, its sources, and what it may want to tell the user. */
function answerText(answer: Answer): string {
  const notes = [
    answer.fallback ? `Note: ${answer.fallback.message}` : null,
    `Conversation ${answer.conversationId} (pass it as conversationId to ask a follow-up).`,
  ].filter(Boolean);
  return `${answer.answer}${sourcesText(answer.citations, answer.language)}\n\n${notes.join('\n')}`;
}

/** `ask_books`: POST /api/ask as a tool, on the library's own answer path (retrieval, refusal, checks). */
export function registerAskBooksTool(server: McpServer, dependencies: LibraryMcpDependencies): void {
  server.registerTool(
    'ask_books',
    {
      title: 'Ask the books',
      description:
        "Answers a question only from the user's books (Library Brain), with numbered citations checked against the books' text: book, chapter, page and character offsets. When the books do not hold the answer it says so (refused: true) rather than guess. Questions in English or French.",
      inputSchema: {
        question: questionField.describe('the question, in English or French'),
        books: bookFilterFields.books.describe(bookFilterDescriptions.books),
        author: bookFilterFields.author.describe(bookFilterDescriptions.author),
        language: bookFilterFields.language.describe(bookFilterDescriptions.language),
        shelf: bookFilterFields.shelf.describe(bookFilterDescriptions.shelf),
        conversationId: conversationIdField
          .optional()
          .describe('a previous answer’s conversationId: the question is a follow-up in that conversation'),
      },
      outputSchema: answerShape,
      // Not read-only: every answer is kept as a turn of its conversation.
      annotations: { readOnlyHint: false, openWorldHint: false },
    },
    ({ question, books, author, language, shelf, conversationId }, extra) =>
      guardLibraryTool('ask_books', dependencies, async (library) => {
        const answer = await library.ask(question, {
          filter: bookFilterOf({ books, author, language, shelf }),
          conversationId,
          signal: extra.signal,
        });
        return textResult(answerText(answer), { ...answer });
      }),
  );
}
