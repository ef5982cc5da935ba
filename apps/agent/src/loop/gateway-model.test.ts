import { streamText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.js';
import { agentBench, collect, eventOf } from '../agent/testing/agent-test-bench.js';
import { createApprovalStore } from '../approvals/approval-store.js';
import { createGatewayModel } from './gateway-model.js';
import { requireModelObject } from './model-object.js';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './testing/fake-openai-server.js';

const loopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

/** Wraps the global fetch: records every URL, and refuses (without sending) any that is not loopback. */
function recordFetch() {
  const original = globalThis.fetch;
  const urls: string[] = [];
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    urls.push(url);
    if (!loopback(url)) throw new Error(`refused a call outside loopback: ${url}`);
    return original(input, init);
  }) as typeof fetch;
  return { urls, restore: () => (globalThis.fetch = original) };
}

let bench: ReturnType<typeof agentBench>;
let server: FakeOpenAiServer | null = null;
let recorder: ReturnType<typeof recordFetch>;
beforeEach(() => {
  bench = agentBench();
  recorder = recordFetch();
});
afterEach(async () => {
  recorder.restore();
  await server?.close();
  server = null;
  await bench.cleanup();
});

describe('the model is a provider instance on the gateway, never a cloud call', () => {
  it("the AI SDK itself resolves a bare model id to Vercel's cloud gateway (what createAgent refuses)", async () => {
    const key = process.env.AI_GATEWAY_API_KEY;
    process.env.AI_GATEWAY_API_KEY = 'a-key-a-user-might-have-set';
    try {
      const result = streamText({ model: 'brain', prompt: 'hello', maxRetries: 0, onError: () => {} });
      for await (const _part of result.fullStream) {
        // drained: the error part is the refused call
      }
    } finally {
      if (key === undefined) delete process.env.AI_GATEWAY_API_KEY;
      else process.env.AI_GATEWAY_API_KEY = key;
    }
    // The wrapper refused it before anything was sent; this is the call the rest of the file rules out.
    expect(recorder.urls.map((url) => new URL(url).hostname)).toEqual(['ai-gateway.vercel.sh']);
  });

  it('createAgent refuses a model id string, at compile time and at run time, before any call', () => {
    const database = bench.open(
      createGatewayModel({ baseURL: 'http://127.0.0.1:9', model: 'brain' }),
    ).database;
    const approvals = createApprovalStore(database.connection);
    expect(() =>
      createAgent({
        // @ts-expect-error a bare model id is not a language model object
        model: 'brain',
        connection: database.connection,
        tools: [],
        approvals,
      }),
    ).toThrow(/not the model id "brain".*Vercel's cloud gateway/);
    expect(() => requireModelObject({ modelId: 'brain' })).toThrow(/language model object/);
    expect(recorder.urls).toEqual([]);
  });

  it('a turn with streamed tool calls runs end to end against a local OpenAI server, every URL on loopback', async () => {
    server = await startFakeOpenAiServer([
      {
        content: 'Let me look. ',
        toolCalls: [
          { id: 'call_abc', name: 'lookup', arguments: JSON.stringify({ query: 'the white whale' }) },
          // A second call in the same answer, with the slips a small model makes (repaired locally).
          { id: 'call_def', name: 'count', arguments: "{n: '3', exact: true,}" },
        ],
      },
      { content: 'The book is about the white whale.' },
    ]);
    const model = createGatewayModel({ baseURL: `${server.url}/v1/`, model: 'brain', apiKey: 'local-key' });
    const { agent } = bench.open(model);
    const events = await collect(agent.send({ message: 'What is Moby Dick about?' }));

    expect(bench.spies.lookup.calls).toEqual([{ query: 'the white whale' }]);
    const end = eventOf(events, 'turn-end');
    expect(end.answer).toBe('The book is about the white whale.');
    expect(bench.spies.count.calls).toEqual([{ n: 3, exact: true }]);
    expect(end.steps).toMatchObject([
      { toolCallId: 'call_abc', tool: 'lookup', status: 'done' },
      { toolCallId: 'call_def', tool: 'count', status: 'done', arguments: { n: 3, exact: true } },
    ]);
    const deltas = events.filter((event) => event.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(3);

    expect(recorder.urls).toHaveLength(2);
    expect(recorder.urls.every((url) => url === `${server?.url}/v1/chat/completions`)).toBe(true);
    const [first, second] = server.requests;
    expect(first).toMatchObject({ model: 'brain', stream: true });
    expect(
      ((first?.tools ?? []) as Array<{ function: { name: string } }>).map((tool) => tool.function.name),
    ).toEqual(['lookup', 'note', 'erase', 'count', 'fail']);
    // The second request carries the assistant's tool call and the tool's result, as data.
    const messages = second?.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool', 'tool']);
    expect(messages[3]?.tool_call_id).toBe('call_abc');
    expect(String(messages[3]?.content)).toContain('passage about the white whale');
    expect(messages[4]?.tool_call_id).toBe('call_def');
    expect(String(messages[4]?.content)).toContain('counted to 3');
  });

  it('a gateway error is an error event, not a crash, and is not retried', async () => {
    server = await startFakeOpenAiServer([{ status: 503, error: 'no worker for brain' }]);
    const { agent } = bench.open(createGatewayModel({ baseURL: server.url, model: 'brain' }));
    const events = await collect(agent.send({ message: 'Hello' }));
    expect(eventOf(events, 'error').code).toBe('model_failed');
    expect(events.at(-1)?.type).toBe('turn-end');
    expect(server.requests).toHaveLength(1);
  });
});
