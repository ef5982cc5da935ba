import { MemoryError } from '@klody/memory';
import type { AskOptions, BookAnswer } from './answerer.js';
import type { ConversationStore } from './conversations.js';
import type { Answer, BookFilter } from './library.js';
import type { QuestionRewriter } from './question-rewrite.js';

/** How many earlier turns a follow-up is made standalone from. */
const turnsRead = 3;

export interface ConversationAskOptions extends Omit<AskOptions, 'filter'> {
  filter?: BookFilter;
  conversationId?: string;
}

export interface ConversationAskDependencies {
  conversations: ConversationStore;
  rewriter: QuestionRewriter;
  /** The ids of the books the filter allows (null: all); throws on a filter naming nothing. */
  resolveFilter: (filter: BookFilter | undefined) => number[] | null;
  /** Answers from the books (retrieval inside the filter). */
  answer: (question: string, options: AskOptions) => Promise<BookAnswer>;
}

/**
 * One question within a conversation: the filter resolved first (a bad one fails before anything
 * runs), a follow-up made standalone from the earlier turns, the answer found for the standalone
 * question (still only from the books, still cited), then the turn stored. A conversation is
 * created with its first answer, so a question that fails leaves nothing behind.
 */
export async function askInConversation(
  question: string,
  options: ConversationAskOptions,
  dependencies: ConversationAskDependencies,
): Promise<Answer> {
  const { conversations, rewriter } = dependencies;
  const { filter, conversationId, ...askOptions } = options;
  const sourceIds = dependencies.resolveFilter(filter);
  if (conversationId !== undefined && !conversations.exists(conversationId))
    throw new MemoryError('not_found', `no conversation has the id "${conversationId}"`);
  const history = conversationId ? conversations.lastTurns(conversationId, turnsRead) : [];
  const { standaloneQuestion, rewrite } = await rewriter.rewrite(question, history, askOptions.signal);
  const answer = await dependencies.answer(standaloneQuestion ?? question, {
    ...askOptions,
    ...(sourceIds ? { filter: { sourceIds } } : {}),
  });
  const id = conversationId ?? conversations.newId();
  conversations.append(id, {
    question,
    standaloneQuestion,
    rewrite: history.length > 0 ? rewrite : null,
    answer: answer.answer,
    refused: answer.refused,
    citations: answer.citations,
    filter: sourceIds ? (filter ?? null) : null,
  });
  return { ...answer, conversationId: id, standaloneQuestion, rewrite: history.length > 0 ? rewrite : null };
}
