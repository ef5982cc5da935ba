import { type ChatMessage, type Generator, MemoryError } from '@klody/memory';
import { carryOverTerms } from './question-rewrite-carry-over.js';
import { checkRewrite } from './question-rewrite-validation.js';

/** An earlier turn of the conversation, as the rewrite sees it. */
export interface EarlierTurn {
  question: string;
  /** The question as it was searched (its own rewrite), when it was not searched as asked. */
  standaloneQuestion: string | null;
  answer: string;
}

/**
 * How a follow-up became the question searched:
 * - `chat_model`: the chat model rewrote it (and the rewrite passed the checks);
 * - `carried_terms`: the previous question's content words were carried over (no chat model, or its
 *   rewrite was refused or failed: `fallback` says why);
 * - `as_asked`: it stands alone, and was searched as asked.
 */
export interface QuestionRewrite {
  method: 'chat_model' | 'carried_terms' | 'as_asked';
  /** Why the chat model's rewrite was not used, when one was asked for; null otherwise. */
  fallback: string | null;
}

export interface RewriteResult {
  /** The question to search; null when it is searched as asked. */
  standaloneQuestion: string | null;
  rewrite: QuestionRewrite;
}

/** The turns the chat model sees: the last few are what a follow-up points back to. */
const turnsShown = 3;
const answerCharactersShown = 400;

const instructions =
  "Rewrite the user's last question so that it can be understood without the conversation: replace the pronouns and vague words with the names and things they refer to. Keep the question's language. Write only the rewritten question, on one line; do not answer it.";

function promptFor(question: string, history: readonly EarlierTurn[]): ChatMessage[] {
  const turns = history
    .slice(-turnsShown)
    .map((turn) => {
      // The citation markers mean nothing without the passages.
      const answer = turn.answer
        .replace(/\s*\[\d+(?:,\s*\d+)*\]/g, '')
        .replace(/\s+/g, ' ')
        .trim();
      return `Question: ${turn.question}\nAnswer: ${answer.length > answerCharactersShown ? `${answer.slice(0, answerCharactersShown)}…` : answer}`;
    })
    .join('\n\n');
  return [
    { role: 'system', content: instructions },
    {
      role: 'user',
      content: `Conversation:\n${turns}\n\nLast question: ${question}\n\nStandalone question:`,
    },
  ];
}

export interface QuestionRewriterOptions {
  /** The chat model when the gateway serves one now; null otherwise. */
  generator: () => Generator | null;
  /** The chat model failed (not a refused rewrite): the gateway is not asked again until it is checked. */
  onGeneratorFailure?: (error: MemoryError) => void;
}

/**
 * Makes a follow-up question standalone: by the chat model when there is one (its rewrite checked,
 * junk refused), by carrying the previous question's content words over otherwise. A first
 * question is never rewritten.
 */
export function createQuestionRewriter(options: QuestionRewriterOptions) {
  return {
    async rewrite(
      question: string,
      history: readonly EarlierTurn[],
      signal?: AbortSignal,
    ): Promise<RewriteResult> {
      const previous = history.at(-1);
      if (!previous) return { standaloneQuestion: null, rewrite: { method: 'as_asked', fallback: null } };
      const carryOver = (fallback: string | null): RewriteResult => {
        const carried = carryOverTerms(previous.standaloneQuestion ?? previous.question, question);
        return carried
          ? { standaloneQuestion: carried, rewrite: { method: 'carried_terms', fallback } }
          : { standaloneQuestion: null, rewrite: { method: 'as_asked', fallback } };
      };
      const generator = options.generator();
      if (!generator) return carryOver(null);
      let raw: string;
      try {
        raw = await generator.generate(promptFor(question, history), {
          signal,
          maxTokens: 96,
          temperature: 0,
        });
      } catch (error) {
        if (signal?.aborted || (MemoryError.isInstance(error) && error.code === 'aborted')) throw error;
        if (MemoryError.isInstance(error)) options.onGeneratorFailure?.(error);
        return carryOver(
          `the chat model failed to rewrite the question (${error instanceof Error ? error.message : String(error)})`,
        );
      }
      const check = checkRewrite(raw, {
        question,
        history: history.map((turn) => ({
          question: turn.standaloneQuestion ?? turn.question,
          answer: turn.answer,
        })),
      });
      if (!check.ok) {
        const excerpt = raw.replace(/\s+/g, ' ').trim();
        return carryOver(
          `the chat model's rewrite was not used: ${check.message} ("${excerpt.length > 80 ? `${excerpt.slice(0, 80)}…` : excerpt}")`,
        );
      }
      const unchanged = check.question.trim() === question.trim();
      return {
        standaloneQuestion: unchanged ? null : check.question,
        rewrite: { method: unchanged ? 'as_asked' : 'chat_model', fallback: null },
      };
    },
  };
}

export type QuestionRewriter = ReturnType<typeof createQuestionRewriter>;
