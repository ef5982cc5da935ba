// A scripted stand-in for the gateway's chat model, for unit tests of tools that call it (summarize):
// it answers what `reply` returns and records every call. A fake, named as one: the real model is
// tested in test/real-*.
import { MockLanguageModelV3 } from 'ai/test';

export type FakeChatCall = Parameters<MockLanguageModelV3['doGenerate']>[0];

/** The text of a call's system and user messages, for assertions on the prompt a tool sent. */
export function promptText(call: FakeChatCall, role: 'system' | 'user'): string {
  return call.prompt
    .filter((message) => message.role === role)
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => ('text' in part ? part.text : '')).join(''),
    )
    .join('\n');
}

export function createFakeChatModel(
  reply: (call: FakeChatCall) => string | Promise<string>,
): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    provider: 'fake-chat',
    modelId: 'fake-chat-model',
    doGenerate: async (call) => {
      const text = await reply(call);
      return {
        content: text.length > 0 ? [{ type: 'text', text }] : [],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 5, text: 5, reasoning: undefined },
        },
        warnings: [],
      };
    },
  });
}

/** A model that never answers: it waits until the call is aborted, then fails as a cancelled fetch does. */
export function createSilentChatModel(): MockLanguageModelV3 {
  return createFakeChatModel(
    (call) =>
      new Promise<string>((_resolve, reject) => {
        const signal = call.abortSignal;
        if (!signal) return;
        const abort = () => reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }),
  );
}
