import type { ChatMessage } from '../generator/chat-message.js';

const comparable = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Whether a generated answer repeats a whole line of the system instructions: a model that
 * continues the prompt instead of answering it (a base model without instruction tuning does). Such
 * an answer carries the instructions' example citations ("[1] or [2][3]"), which name supplied
 * passages but cite nothing, so the citation check alone would pass it. Short lines are ignored:
 * an answer may share a few words with the instructions by chance, never a whole sentence of them.
 */
export function echoesInstructions(answer: string, messages: readonly ChatMessage[]): boolean {
  const text = comparable(answer);
  return messages
    .filter((message) => message.role === 'system')
    .flatMap((message) => message.content.split('\n'))
    .map(comparable)
    .some((line) => line.length >= 24 && text.includes(line));
}
