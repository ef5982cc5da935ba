import { analyse } from '@klody/memory';
import { contentWords, dependsOnConversation } from './question-rewrite-carry-over.js';

/** What the chat model's rewrite is checked against. */
export interface RewriteContext {
  question: string;
  /** The conversation's earlier turns, oldest first. */
  history: readonly { question: string; answer: string }[];
}

export type RewriteRejection =
  | 'empty'
  | 'too_long'
  | 'echoed_instructions'
  | 'answered_instead'
  | 'dropped_question_words'
  | 'invented_words'
  | 'unchanged';

export type RewriteCheck =
  | { ok: true; question: string }
  | { ok: false; reason: RewriteRejection; message: string };

// Labels a model puts before its rewrite ("Standalone question: …"), taken off before the checks.
const leadingLabel =
  /^\s*(?:[*_#>-]+\s*)?(?:standalone question|rewritten question|rewrite|question|reformulation|question autonome|question reformulée)\s*[:：-]\s*/iu;
// Words of the instructions: a model that echoes them is continuing the prompt, not rewriting.
const instructionWords =
  /\b(standalone|rewrite|rewritten|conversation|reformule[rz]?|autonome|last question|dernière question)\b/iu;

const stemsOf = (text: string) => new Set(analyse(text, { language: null }));

/**
 * Checks the chat model's standalone question before it is searched: a small or base model often
 * returns junk (its prompt continued, an answer, a question about something else). Accepted only
 * when it is one short line, keeps most of the follow-up's content words, and brings in no content
 * word that the conversation does not hold (at most one, for a reworded verb); a rewrite identical
 * to a follow-up that plainly points back ("he", "and…?") is refused too, so that the words
 * carried over are used instead.
 */
export function checkRewrite(raw: string, context: RewriteContext): RewriteCheck {
  const line = raw
    .split('\n')
    .map((text) => text.trim())
    .find((text) => text.length > 0);
  const rewrite = (line ?? '')
    .replace(leadingLabel, '')
    .replace(/^["'«“*_\s]+|["'»”*_\s]+$/gu, '')
    .trim();
  const question = context.question.trim();
  if (rewrite.length === 0)
    return { ok: false, reason: 'empty', message: 'the chat model returned no question' };
  if (
    instructionWords.test(rewrite) &&
    !instructionWords.test(`${question} ${context.history.map((turn) => turn.question).join(' ')}`)
  )
    return { ok: false, reason: 'echoed_instructions', message: 'the rewrite repeats the instructions' };
  const limit = Math.max(200, 3 * question.length);
  if (rewrite.length > limit)
    return { ok: false, reason: 'too_long', message: `the rewrite is longer than ${limit} characters` };
  if (
    /\[\d+\]/.test(rewrite) ||
    (!rewrite.includes('?') && question.includes('?') && rewrite.length > question.length * 2)
  )
    return { ok: false, reason: 'answered_instead', message: 'the chat model answered instead of rewriting' };
  const rewriteStems = stemsOf(rewrite);
  const questionStems = [...stemsOf(contentWords(question).join(' '))];
  const kept = questionStems.filter((stem) => rewriteStems.has(stem)).length;
  if (kept * 2 < questionStems.length)
    return {
      ok: false,
      reason: 'dropped_question_words',
      message: `the rewrite keeps ${kept} of the question's ${questionStems.length} content words`,
    };
  const known = stemsOf(
    [question, ...context.history.flatMap((turn) => [turn.question, turn.answer])].join('\n'),
  );
  const invented = contentWords(rewrite).filter((word) =>
    analyse(word, { language: null }).some((stem) => !known.has(stem)),
  );
  if (invented.length > 1)
    return {
      ok: false,
      reason: 'invented_words',
      message: `the rewrite brings words the conversation does not hold: ${invented.slice(0, 5).join(', ')}`,
    };
  const same = rewrite.toLowerCase().replace(/\s+/g, ' ') === question.toLowerCase().replace(/\s+/g, ' ');
  if (same && dependsOnConversation(question))
    return { ok: false, reason: 'unchanged', message: 'the chat model left the follow-up as it was' };
  return { ok: true, question: rewrite };
}
