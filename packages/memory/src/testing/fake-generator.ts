import type { ChatMessage } from '../generator/chat-message.js';
import type { Generator } from '../generator/generator.js';

/** A fake generator that answers from a script (a fixed text or a function of the messages). */
export function createFakeGenerator(
  reply: string | ((messages: readonly ChatMessage[]) => string),
): Generator & { calls: ChatMessage[][] } {
  const calls: ChatMessage[][] = [];
  const answer = (messages: readonly ChatMessage[]) => {
    calls.push([...messages]);
    return typeof reply === 'function' ? reply(messages) : reply;
  };
  return {
    id: 'fake:generator',
    calls,
    async generate(messages) {
      return answer(messages);
    },
    async *stream(messages) {
      for (const piece of answer(messages).split(/(?<=\s)/)) yield piece;
    },
  };
}
