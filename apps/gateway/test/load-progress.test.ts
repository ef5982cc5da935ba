// Load progress with real worker processes and the official openai SDK: a streamed request for a
// model that is not loaded gets its SSE headers at once and a comment every ~2 s while the worker
// starts, then the worker's stream (the SDK sees the whole answer and no error); a load that fails
// after those headers, or a worker that answers an error, ends the stream with an SSE error event (the
// SDK throws it as an APIError). Every relayed answer says in `x-klody-loaded` whether it waited for
// a load; a non-streamed request waits as before.
import { freePorts } from '@klody/test-helpers';
import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { postJson, testWorker, useQuietGateway, waitFor } from './helpers.js';

const loadingComment = /^: klody loading (\S+) \(([^,]+), (\d+\.\d) s waited\)$/;

describe('load progress', () => {
  const gateway = useQuietGateway(async () => {
    const ports = (await freePorts(7)) as [number, number, number, number, number, number, number];
    // Slower to listen than the 2 s between comments, so that the wait has more than one.
    const slow = ['--start-delay-ms', '3000'];
    return {
      budgetGb: 4,
      workers: [
        testWorker('sdk', ports[0], { extraArgs: slow }),
        testWorker('raw', ports[1], { extraArgs: slow }),
        testWorker('plain', ports[2], { extraArgs: ['--start-delay-ms', '500'] }),
        // A worker that exits as soon as it starts.
        { ...testWorker('broken', ports[3]), args: ['-e', 'process.exit(3)'] },
        testWorker('erring', ports[4], { extraArgs: ['--start-delay-ms', '500'] }),
        testWorker('leaving', ports[5], { extraArgs: slow }),
        // Larger than the whole budget: refused without waiting.
        testWorker('huge', ports[6], { estimatedGb: 8 }),
      ],
    };
  });

  const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const stateOf = async (id: string): Promise<string> =>
    (
      (await (await fetch(`${gateway.url}/v1/models`)).json()).data as Array<{ id: string; state: string }>
    ).find((row) => row.id === id)?.state ?? 'absent';

  it('streams a cold load to the openai SDK: the whole answer, no error', async () => {
    const { data: stream, response } = await client()
      .chat.completions.create({
        model: 'sdk-alias',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      })
      .withResponse();
    // The headers came before the worker was ready.
    expect(response.status).toBe(200);
    expect(response.headers.get('x-klody-loaded')).toBe('pending');
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces).toEqual(['sdk:0', 'sdk:1', 'sdk:2', 'sdk:3', 'sdk:4']);
  }, 60_000);

  it('sends the headers at once, a comment every ~2 s while loading, then the worker’s stream', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'raw',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-klody-loaded')).toBe('pending');
    // The worker listens only after 3 s: the response began while it was loading.
    expect(await stateOf('raw')).toBe('loading');
    const body = await response.text();
    const lines = body.split('\n').filter((line) => line !== '');
    const comments = lines.filter((line) => loadingComment.test(line));
    expect(comments.length).toBeGreaterThanOrEqual(2);
    expect(comments[0]).toMatch(/^: klody loading raw \(loading, \d+\.\d s waited\)$/);
    // Waits grow, about 2 s apart.
    const waits = comments.map((line) => Number(loadingComment.exec(line)?.[3]));
    expect(waits[1] as number).toBeGreaterThan(waits[0] as number);
    // Every comment comes before the worker's first byte; the load's length is the last comment.
    const firstData = lines.findIndex((line) => line.startsWith('data: '));
    expect(lines.slice(0, firstData).every((line) => line.startsWith(': klody '))).toBe(true);
    expect(lines[firstData - 1]).toMatch(/^: klody loaded raw in \d+\.\d s$/);
    expect(lines.slice(firstData)).toEqual([
      ...[0, 1, 2, 3, 4].map(
        (index) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: `raw:${index}` } }] })}`,
      ),
      'data: [DONE]',
    ]);
  }, 60_000);

  it('relays a ready model’s stream with its own headers and x-klody-loaded: 0', async () => {
    // Loaded by the test above.
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'raw',
      messages: [{ role: 'user', content: 'again' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-klody-loaded')).toBe('0');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const body = await response.text();
    expect(body.startsWith('data: ')).toBe(true);
    expect(body).not.toContain(': klody');
  }, 60_000);

  it('keeps a non-streamed request as it was, saying how long it waited for the load', async () => {
    const cold = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'plain',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(cold.status).toBe(200);
    expect(cold.headers.get('content-type')).toBe('application/json');
    expect((await cold.json()).choices[0].message.content).toBe('plain heard: hi');
    // The worker listens after 0.5 s at the earliest.
    expect(Number(cold.headers.get('x-klody-loaded'))).toBeGreaterThanOrEqual(0.5);
    const warm = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'plain',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(warm.headers.get('x-klody-loaded')).toBe('0');
  }, 60_000);

  it('ends the stream with an SSE error event when the load fails after the headers', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'broken',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events).toHaveLength(1);
    const error = JSON.parse((events[0] as string).slice('data: '.length));
    expect(error.error.code).toBe('worker_start_failed');
    expect(error.error.message).toMatch(/exited while starting/);

    // The openai SDK throws it; a non-streamed request still gets the HTTP status.
    const failure = await (async () => {
      const stream = await client().chat.completions.create({
        model: 'broken',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      for await (const _chunk of stream) {
        // nothing comes
      }
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).code).toBe('worker_start_failed');
    const plain = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'broken',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(plain.status).toBe(502);
    expect((await plain.json()).error.code).toBe('worker_start_failed');
  }, 60_000);

  it('turns an error answer of the worker after the headers into an SSE error event', async () => {
    // The test worker answers this prompt with a 503 HTML page.
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'erring',
      messages: [{ role: 'user', content: 'html-error' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const body = await response.text();
    const events = body.split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events).toEqual([
      `data: ${JSON.stringify({
        error: {
          code: 'worker_error',
          message: 'the worker answered 503: <html><body>worker overloaded</body></html>',
        },
      })}`,
    ]);
  }, 60_000);

  it('keeps the HTTP status of a refusal that comes without waiting', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'huge',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await response.json()).error.code).toBe('insufficient_memory');
  });

  it('lets a client leave during the load: the wait ends and the model still loads', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'leaving',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    // The first comment, then the client goes.
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toMatch(/^: klody loading leaving/);
    await reader?.cancel();
    const queued = async () =>
      (
        (await (await fetch(`${gateway.url}/admin/status`)).json()).workers as Array<{
          name: string;
          queued: number;
        }>
      ).find((worker) => worker.name === 'leaving')?.queued;
    await waitFor(async () => (await queued()) === 0, 10_000, 'the request to leave the queue');
    await waitFor(async () => (await stateOf('leaving')) === 'ready', 20_000, 'the model to load');
  }, 60_000);
});
