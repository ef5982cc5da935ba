// The embedded worker as a real process serving the shared GGUF files over the OpenAI API.
import { freePort, testDataPath, waitForHttp } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { beforeAll, expect, it } from 'vitest';
import { embeddedWorkerEntry } from '../workers/worker-command.js';

const reaper = useProcessReaper();

async function startWorker(model: string, extra: string[] = []): Promise<string> {
  const port = await freePort();
  const entry = embeddedWorkerEntry();
  reaper.spawn(entry.command, [
    ...entry.args,
    '--model',
    testDataPath('models', model),
    '--port',
    String(port),
    '--threads',
    '1',
    '--alias',
    'toy',
    ...extra,
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, { timeoutMs: 30_000 });
  return url;
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: SSE events are checked field by field by the assertions
async function sse(response: Response): Promise<Array<Record<string, any>>> {
  const text = await response.text();
  const events = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));
  expect(events.at(-1)).toBe('[DONE]');
  return events.slice(0, -1).map((event) => JSON.parse(event));
}

const story = [{ role: 'user', content: 'Once upon a time, there was a little girl named Lily.' }];

describeRequiring({ data: ['models/stories260K.gguf'] }, 'embedded worker with stories260K', () => {
  let url: string;
  beforeAll(async () => {
    url = await startWorker('stories260K.gguf', ['--parallel', '2']);
  });

  it('answers a chat completion, deterministic at temperature 0, stopping at max_tokens', async () => {
    const request = { model: 'toy', messages: story, temperature: 0, max_tokens: 24 };
    const first = await (await post(`${url}/v1/chat/completions`, request)).json();
    const second = await (await post(`${url}/v1/chat/completions`, request)).json();
    expect(first.object).toBe('chat.completion');
    expect(first.choices[0].finish_reason).toBe('length');
    expect(first.usage.completion_tokens).toBe(24);
    expect(first.usage.prompt_tokens).toBeGreaterThan(5);
    expect(first.choices[0].message.content.length).toBeGreaterThan(10);
    expect(second.choices[0].message.content).toBe(first.choices[0].message.content);
  });

  it('honours stop sequences', async () => {
    const request = { messages: story, temperature: 0, max_tokens: 40 };
    const full = (await (await post(`${url}/v1/chat/completions`, request)).json()).choices[0].message
      .content as string;
    const word = full.trim().split(/\s+/)[3] as string;
    const stopped = await (await post(`${url}/v1/chat/completions`, { ...request, stop: [word] })).json();
    expect(stopped.choices[0].finish_reason).toBe('stop');
    expect(stopped.choices[0].message.content).not.toContain(word);
    expect(full.startsWith(stopped.choices[0].message.content.trimEnd())).toBe(true);
  });

  it('streams the same text as the non-streaming answer, then usage and [DONE]', async () => {
    const request = { messages: story, temperature: 0, max_tokens: 20 };
    const whole = (await (await post(`${url}/v1/chat/completions`, request)).json()).choices[0].message
      .content;
    const events = await sse(
      await post(`${url}/v1/chat/completions`, {
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(events[0]?.choices[0].delta.role).toBe('assistant');
    const text = events.map((event) => event.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(whole);
    expect(events.filter((event) => (event.choices[0]?.delta?.content ?? '') !== '').length).toBeGreaterThan(
      3,
    );
    expect(events.at(-2)?.choices[0].finish_reason).toBe('length');
    expect(events.at(-1)?.usage.completion_tokens).toBe(20);
  });

  it('serves text completions, streamed or not', async () => {
    const answer = await (
      await post(`${url}/v1/completions`, { prompt: 'Once upon a time', max_tokens: 16, temperature: 0 })
    ).json();
    expect(answer.object).toBe('text_completion');
    expect(answer.choices[0].text.length).toBeGreaterThan(5);
    const events = await sse(
      await post(`${url}/v1/completions`, {
        prompt: 'Once upon a time',
        max_tokens: 16,
        temperature: 0,
        stream: true,
      }),
    );
    expect(events.map((event) => event.choices[0].text).join('')).toBe(answer.choices[0].text);
  });

  it('serves embeddings', async () => {
    const answer = await (await post(`${url}/v1/embeddings`, { input: ['a cat', 'a dog'] })).json();
    expect(answer.data).toHaveLength(2);
    expect(answer.data[0].embedding).toHaveLength(64);
    expect(answer.data[0].embedding.every((value: number) => Number.isFinite(value))).toBe(true);
    expect(answer.data[0].embedding).not.toEqual(answer.data[1].embedding);
  });

  it('refuses bad requests with 400 and a message naming the field', async () => {
    const missing = await post(`${url}/v1/chat/completions`, { model: 'toy' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toContain('messages');
    const hot = await post(`${url}/v1/chat/completions`, { messages: story, temperature: 'hot' });
    expect(hot.status).toBe(400);
    const broken = await fetch(`${url}/v1/completions`, { method: 'POST', body: '{' });
    expect(broken.status).toBe(400);
  });

  it('stops generating when the client goes away', async () => {
    const before = await (await fetch(`${url}/health`)).json();
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Once upon a time', max_tokens: 480, stream: true }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    const deadline = Date.now() + 10_000;
    let health = before;
    while (Date.now() < deadline) {
      health = await (await fetch(`${url}/health`)).json();
      if (health.aborted > before.aborted && health.active === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(health.aborted).toBe(before.aborted + 1);
    expect(health.active).toBe(0);
  });
});

describeRequiring(
  { data: ['models/llama-2-tiny-random.gguf'] },
  'embedded worker with llama-2-tiny-random (tools)',
  () => {
    let url: string;
    beforeAll(async () => {
      url = await startWorker('llama-2-tiny-random.gguf', ['--context-size', '1024']);
    });

    const tools = [
      {
        type: 'function',
        function: {
          name: 'speak',
          description: 'Say something aloud',
          parameters: {
            type: 'object',
            properties: { lang: { type: 'string', enum: ['fr', 'en'] }, loud: { type: 'boolean' } },
            required: ['lang', 'loud'],
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'search_books',
          parameters: {
            type: 'object',
            properties: { shelf: { enum: ['novels', 'poems'] } },
            required: ['shelf'],
          },
        },
      },
    ];

    it('makes a grammar-constrained tool call when one is required', async () => {
      const answer = await (
        await post(`${url}/v1/chat/completions`, {
          messages: [{ role: 'user', content: 'Say hello in French' }],
          tools,
          tool_choice: 'required',
          max_tokens: 64,
        })
      ).json();
      expect(answer.choices[0].finish_reason).toBe('tool_calls');
      const call = answer.choices[0].message.tool_calls[0];
      expect(['speak', 'search_books']).toContain(call.function.name);
      const parsed = JSON.parse(call.function.arguments);
      if (call.function.name === 'speak') {
        expect(['fr', 'en']).toContain(parsed.lang);
        expect(typeof parsed.loud).toBe('boolean');
      } else {
        expect(['novels', 'poems']).toContain(parsed.shelf);
      }
      expect(call.id).toMatch(/^call_/);
    });

    it('calls the named function when tool_choice names one', async () => {
      const answer = await (
        await post(`${url}/v1/chat/completions`, {
          messages: [{ role: 'user', content: 'find a book' }],
          tools,
          tool_choice: { type: 'function', function: { name: 'search_books' } },
          max_tokens: 64,
        })
      ).json();
      expect(answer.choices[0].message.tool_calls[0].function.name).toBe('search_books');
      expect(['novels', 'poems']).toContain(
        JSON.parse(answer.choices[0].message.tool_calls[0].function.arguments).shelf,
      );
    });

    it('answers in text when tools are offered with tool_choice auto (a random model does not call them)', async () => {
      const answer = await (
        await post(`${url}/v1/chat/completions`, {
          messages: [{ role: 'user', content: 'hi' }],
          tools,
          max_tokens: 12,
        })
      ).json();
      expect(answer.choices[0].message.role).toBe('assistant');
      expect(['stop', 'length', 'tool_calls']).toContain(answer.choices[0].finish_reason);
    });

    it('constrains the answer to a JSON schema (response_format)', async () => {
      const answer = await (
        await post(`${url}/v1/chat/completions`, {
          messages: [{ role: 'user', content: 'pick a colour' }],
          max_tokens: 48,
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'pick',
              schema: {
                type: 'object',
                properties: { colour: { enum: ['red', 'blue'] } },
                required: ['colour'],
              },
            },
          },
        })
      ).json();
      expect(['red', 'blue']).toContain(JSON.parse(answer.choices[0].message.content).colour);
    });

    it('refuses n > 1 rather than answering one choice silently', async () => {
      const response = await post(`${url}/v1/chat/completions`, {
        messages: [{ role: 'user', content: 'x' }],
        n: 3,
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.message).toContain('n = 1');
    });

    it('refuses a tool_choice naming an unknown function', async () => {
      const response = await post(`${url}/v1/chat/completions`, {
        messages: [{ role: 'user', content: 'x' }],
        tools,
        tool_choice: { type: 'function', function: { name: 'nope' } },
      });
      expect(response.status).toBe(400);
    });
  },
);
