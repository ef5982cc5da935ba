// rag_query: a question answered from the user's books by Library Brain (`POST /api/ask`), through the
// agent's own client (its time limits, its errors naming Library Brain and its URL). The answer's
// citations come back as structured content, declared by an output schema so that clients can rely on them.
import { textResult } from '@klody/mcp';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
  libraryBrainDefaultURL,
  libraryBrainName,
  libraryBrainURLVariable,
} from '../organs/library-brain-client.js';
import { organDisabledError } from '../organs/organ-request.js';
import { formatAnswer } from '../tools/library-brain-tools.js';
import { guardKlodyTool } from './guard-klody-tool.js';
import type { KlodyMcpDependencies } from './klody-mcp-dependencies.js';

export const ragQueryInput = {
  question: z.string().trim().min(1).max(2_000).describe("The question, in the user's words (any language)"),
};

export const ragQueryOutput = {
  answer: z.string().describe('The answer, with [n] markers pointing at its citations'),
  refused: z.boolean().describe('True when the books do not answer the question'),
  mode: z.enum(['generated', 'extractive']).describe('Written by the chat model, or cited sentences only'),
  citations: z
    .array(
      z.object({
        n: z.number().int().describe('The number of its [n] marker'),
        book: z.string(),
        bookId: z.number().int(),
        chapter: z.string().nullable(),
        start: z.number().int().describe('Offset of the passage in the book’s text (UTF-16 code units)'),
        end: z.number().int(),
        text: z.string().describe('The cited passage'),
      }),
    )
    .describe('The passages the answer cites'),
};

export function registerRagQueryTool(server: McpServer, dependencies: KlodyMcpDependencies): void {
  server.registerTool(
    'rag_query',
    {
      title: "Ask the user's books",
      description:
        "Answers a question from the user's own books (Library Brain, Klody's local RAG engine), with numbered citations: book, chapter, offsets and the cited passage. `refused` is true when the books do not answer it.",
      inputSchema: ragQueryInput,
      outputSchema: ragQueryOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ question }, extra) =>
      guardKlodyTool('rag_query', dependencies, async () => {
        const library = dependencies.library;
        if (!library)
          throw organDisabledError(libraryBrainName, libraryBrainURLVariable, libraryBrainDefaultURL);
        const answer = await library.ask(question, { signal: extra.signal });
        return textResult(formatAnswer(answer), {
          answer: answer.answer,
          refused: answer.refused,
          mode: answer.mode,
          citations: answer.citations.map(({ n, book, bookId, chapter, start, end, text }) => ({
            n,
            book,
            bookId,
            chapter,
            start,
            end,
            text,
          })),
        });
      }),
  );
}
