// What the OpenAI-compatible endpoint reads and writes: the request's question and history, the
// answer as an assistant message (its [n] markers and a Sources list in the text), the completion
// and its stream chunks. Pure.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Answer, Citation } from '../library/library.js';

/** The one model Library Brain serves: the books. */
export const libraryModel = 'library-brain';

const textPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const chatCompletionBody = z.looseObject({
  model: z.string().min(1, 'model is empty'),
  messages: z
    .array(
      z.looseObject({
        role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
        content: z.union([z.string(), z.array(textPart), z.null()]).optional(),
      }),
    )
    .min(1, 'messages is empty')
    .max(500, 'more than 500 messages'),
  stream: z.boolean().nullish(),
  /** Library Brain's own field: the books to ask (as /api/ask's filter). */
  filter: z
    .object({
      books: z.array(z.string().min(1)).max(100).optional(),
      author: z.string().optional(),
      language: z.string().optional(),
      shelf: z.string().optional(),
    })
    .optional(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;
type ChatMessage = ChatCompletionBody['messages'][number];

/** A message's text: a string, or its text parts joined (images and other parts are ignored). */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/**
 * The user's and the assistant's turns before the question, as one key: the same history sent
 * again (as every OpenAI client does) finds the conversation its last answer belongs to.
 * System messages are left out: clients change them freely.
 */
export function historyKey(messages: readonly ChatMessage[]): string | null {
  const turns = messages
    .filter((message) => message.role === 'user' || message.role === 'assistant')
    .map((message) => `${message.role}\u0000${messageText(message).replace(/\s+/g, ' ').trim()}`);
  if (turns.length === 0) return null;
  return createHash('sha256').update(turns.join('\u0001')).digest('hex');
}

/** The question (the last message, the user's) and the history before it. */
export function questionOf(
  messages: readonly ChatMessage[],
): { question: string; history: ChatMessage[] } | { problem: string } {
  const last = messages.at(-1) as ChatMessage;
  if (last.role !== 'user')
    return { problem: `the last message must be the user's question (it is ${last.role})` };
  const question = messageText(last).trim();
  if (!question) return { problem: "the last message (the user's question) has no text" };
  if (question.length > 4_000) return { problem: 'the question is longer than 4,000 characters' };
  return { question, history: messages.slice(0, -1) };
}

const excerpt = (text: string) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
};

/** One source per line, numbered as in the answer: book, chapter, page, an excerpt. */
export function sourcesText(citations: readonly Citation[], language: 'en' | 'fr'): string {
  if (citations.length === 0) return '';
  const lines = citations.map((citation) => {
    const where = [citation.chapter, citation.page !== null ? `p. ${citation.page}` : null]
      .filter(Boolean)
      .join(', ');
    const quoted = language === 'fr' ? `« ${excerpt(citation.text)} »` : `“${excerpt(citation.text)}”`;
    return `[${citation.n}] ${citation.book}${where ? ` — ${where}` : ''}: ${quoted}`;
  });
  // "Sources" in both languages.
  return `\n\nSources:\n${lines.join('\n')}`;
}

/** The citations as structured data, on the completion and on the stream's last chunk. */
export function structuredCitations(citations: readonly Citation[]) {
  return citations.map((citation) => ({
    n: citation.n,
    book: citation.book,
    book_id: citation.bookId,
    chapter: citation.chapter,
    page: citation.page,
    start: citation.start,
    end: citation.end,
    text: citation.text,
  }));
}

/** What Library Brain says beside the answer (OpenAI clients ignore fields they do not know). */
export function answerDetails(answer: Answer) {
  return {
    refused: answer.refused,
    mode: answer.mode,
    language: answer.language,
    fallback: answer.fallback,
    conversation_id: answer.conversationId,
    standalone_question: answer.standaloneQuestion,
    translated_question: answer.translatedQuestion,
  };
}

/** Token counts are estimated (a word is about 1.3 tokens): Library Brain runs no tokenizer here. */
export function estimatedUsage(question: string, answer: string) {
  const count = (text: string) => Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3);
  const prompt = count(question);
  const completion = count(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** An OpenAI error type for a status, beside our `code`. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}
