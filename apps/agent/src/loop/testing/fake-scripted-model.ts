import { MockLanguageModelV3 } from 'ai/test';

type StreamResult = Awaited<ReturnType<MockLanguageModelV3['doStream']>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer Part> ? Part : never;
/** What the loop sent the model for one step (the AI SDK's standardized prompt). */
export type FakePrompt = MockLanguageModelV3['doStreamCalls'][number]['prompt'];

export interface FakeToolCall {
  /** The model's tool call id (default `call_<step>_<index>`). */
  id?: string;
  tool: string;
  /** Written as JSON; a string is sent as it is (for malformed arguments). */
  input: unknown;
}

/** One scripted model answer: text (streamed word by word), tool calls, or a failure. */
export type FakeStep = { text?: string; toolCalls?: FakeToolCall[] } | { error: string };

/**
 * A scripted fake chat model for the loop's unit tests (the AI SDK's MockLanguageModelV3): each call
 * streams the next scripted step; a step may be a function of the prompt the loop sent. It records
 * every prompt so that tests can check what the model was told.
 */
export function fakeScriptedModel(script: ReadonlyArray<FakeStep | ((prompt: FakePrompt) => FakeStep)>) {
  let calls = 0;
  const model = new MockLanguageModelV3({
    provider: 'fake',
    modelId: 'fake-scripted',
    doStream: async (options) => {
      const index = calls++;
      const entry = script[index];
      if (entry === undefined) throw new Error(`the fake model's script has no step ${index + 1}`);
      const step = typeof entry === 'function' ? entry(options.prompt) : entry;
      if ('error' in step) throw new Error(step.error);
      const parts: StreamPart[] = [{ type: 'stream-start', warnings: [] }];
      if (step.text) {
        parts.push({ type: 'text-start', id: 'text' });
        for (const word of step.text.match(/\S+\s*/g) ?? [])
          parts.push({ type: 'text-delta', id: 'text', delta: word });
        parts.push({ type: 'text-end', id: 'text' });
      }
      (step.toolCalls ?? []).forEach((call, position) => {
        parts.push({
          type: 'tool-call',
          toolCallId: call.id ?? `call_${index + 1}_${position}`,
          toolName: call.tool,
          input: typeof call.input === 'string' ? call.input : JSON.stringify(call.input),
        });
      });
      parts.push({
        type: 'finish',
        finishReason: { unified: step.toolCalls?.length ? 'tool-calls' : 'stop', raw: undefined },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 5, text: 5, reasoning: undefined },
        },
      });
      return {
        stream: new ReadableStream<StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  });
  return {
    model,
    /** The prompts the loop sent, one per model call. */
    prompts: (): FakePrompt[] => model.doStreamCalls.map((call) => call.prompt),
    /** How many model calls were made. */
    calls: () => calls,
  };
}
