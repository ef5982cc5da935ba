import type { TurnSummarySource } from './agent-memory.js';

/** How much of the user's message and of the answer a summary keeps (characters). */
const messageLimit = 400;
const answerLimit = 400;

function clip(text: string, limit: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= limit) return clean;
  // Cut at a word boundary when there is one not too far back.
  const cut = clean.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  return `${space > limit * 0.6 ? cut.slice(0, space) : cut}…`;
}

/**
 * The summary of one turn, extractive on purpose: the user's message and the start of the answer,
 * word for word. It needs no chat model (backfill runs with the gateway off, and a small model's
 * abstract summary could drop or invent what was said), it costs nothing per turn, and what it keeps
 * is what recall searches best: the user's own words.
 *
 * Its labels (`User:`, `Agent:`) are no stop word of either language: @klody/memory picks the stemmer
 * of a text from its stop words, and an English "the user said" around a short French turn would
 * get it stemmed as English, and missed by a French question.
 */
export function summarizeTurn(turn: TurnSummarySource): string {
  const date = new Date(turn.at).toISOString().slice(0, 10);
  const asked = `[${date}] User: ${clip(turn.userMessage, messageLimit)}`;
  const answer = clip(turn.answer, answerLimit);
  return answer.length > 0 ? `${asked}\nAgent: ${answer}` : asked;
}
