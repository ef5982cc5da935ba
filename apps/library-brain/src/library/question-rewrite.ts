import { type ChatMessage, type Generator, MemoryError } from '@klody/memory';
import { carryOverTerms, contentWords, pointsBack } from './question-rewrite-carry-over.js';
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

/** The earlier questions the chat model sees: the last few are what a follow-up points back to. */
const turnsShown = 3;
const answerCharactersShown = 300;

const instructions =
  "Rewrite the follow-up question so that it can be understood without the conversation: replace the pronouns and vague words with the names and things they refer to. Keep the question's language. Write only the rewritten question, on one line; do not answer it.";

// Two worked examples, English and French: a small model, even a base one that only continues text,
// follows a pattern it has seen better than instructions. Their names (Ahab, Candide) cannot leak
// into a rewrite unnoticed: the checks refuse a word that the conversation does not hold.
const examples = `Earlier question: Who is Captain Ahab?
Earlier answer: Ahab is the captain of the Pequod.
Follow-up question: What ship does he command?
Standalone question: What ship does Captain Ahab command?

Earlier question: Qui est Candide ?
Earlier answer: Candide est un jeune homme élevé chez le baron.
Follow-up question: Où a-t-il grandi ?
Standalone question: Où Candide a-t-il grandi ?`;

function promptFor(question: string, history: readonly EarlierTurn[]): ChatMessage[] {
  const shown = history.slice(-turnsShown);
  // The citation markers mean nothing without the passages.
  const answer = (shown.at(-1)?.answer ?? '')
    .replace(/\s*\[\d+(?:,\s*\d+)*\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const conversation = [
    ...shown.map((turn) => `Earlier question: ${turn.question}`),
    `Earlier answer: ${answer.length > answerCharactersShown ? `${answer.slice(0, answerCharactersShown)}…` : answer}`,
    `Follow-up question: ${question}`,
    'Standalone question:',
  ].join('\n');
  return [
    { role: 'system', content: instructions },
    { role: 'user', content: `${examples}\n\n${conversation}` },
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
        // A follow-up that points back ("Why does it grin?") may point at a word the previous
        // question carried itself: the previous question as searched. One that names its own subject
        // ("And the Cheshire Cat?") takes the previous question as asked, without what it carried.
        const source =
          pointsBack(question) || contentWords(previous.question).length === 0
            ? (previous.standaloneQuestion ?? previous.question)
            : previous.question;
        const carried = carryOverTerms(source, question);
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
