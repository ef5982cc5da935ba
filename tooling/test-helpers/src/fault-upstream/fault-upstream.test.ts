import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultCases } from './fault-cases.js';
import { type FaultUpstream, startFaultUpstream } from './fault-upstream.js';

describe('startFaultUpstream', () => {
  let upstream: FaultUpstream;
  const chat = (stream: boolean, signal?: AbortSignal) =>
    fetch(`${upstream.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'brain', messages: [{ role: 'user', content: 'hi' }], stream }),
      signal,
    });

  beforeAll(async () => {
    upstream = await startFaultUpstream({ chatAnswer: 'Hello from the books [1].', trickleIntervalMs: 100 });
  });
  afterAll(() => upstream.close());

  it('answers like an OpenAI-compatible server when ok', async () => {
    await upstream.setFault('ok');
    expect(upstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const models = (await (await fetch(`${upstream.url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((model) => model.id)).toEqual(['brain', 'embed']);
    const whole = (await (await chat(false)).json()) as { choices: { message: { content: string } }[] };
    expect(whole.choices[0]?.message.content).toBe('Hello from the books [1].');
    const streamed = await (await chat(true)).text();
    const pieces = [...streamed.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(pieces).toBe('Hello from the books [1].');
    expect(streamed.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const embeddings = (await (
      await fetch(`${upstream.url}/v1/embeddings`, {
        method: 'POST',
        body: JSON.stringify({ model: 'embed', input: ['lamp keeper', 'lamp keeper', 'bread'] }),
      })
    ).json()) as { data: { index: number; embedding: number[] }[] };
    expect(embeddings.data.map((item) => item.embedding.length)).toEqual([16, 16, 16]);
    expect(embeddings.data[0]?.embedding).toEqual(embeddings.data[1]?.embedding);
    expect(embeddings.data[0]?.embedding).not.toEqual(embeddings.data[2]?.embedding);
  });

  it('sets a fault per route and records the requests', async () => {
    await upstream.setFault('ok');
    await upstream.setFault('html-500', ['chat']);
    expect((await fetch(`${upstream.url}/v1/models`)).status).toBe(200);
    const failed = await chat(false);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toMatch(/text\/html/);
    expect(upstream.requests.at(-1)).toMatchObject({ route: 'chat', fault: 'html-500', stream: false });
  });

  it('sends HTML with status 200, and JSON of the wrong shape', async () => {
    await upstream.setFault('html-200');
    const html = await chat(false);
    expect(html.status).toBe(200);
    expect(await html.text()).toMatch(/^<!doctype html>/);
    await upstream.setFault('wrong-shape-json');
    const json = (await (await chat(false)).json()) as Record<string, unknown>;
    expect(json.choices).toBeUndefined();
    expect(await (await chat(true)).text()).not.toMatch(/"choices"/);
  });

  it('breaks event streams three ways', async () => {
    await upstream.setFault({ kind: 'broken-sse', variant: 'cut-mid-event' });
    expect(await (await chat(true)).text()).toMatch(/"content":"and then the$/);
    await upstream.setFault({ kind: 'broken-sse', variant: 'invalid-data' });
    expect(await (await chat(true)).text()).toContain('data: <html>');
    await upstream.setFault({ kind: 'broken-sse', variant: 'no-done' });
    const noDone = await (await chat(true)).text();
    expect(noDone).not.toContain('[DONE]');
    expect(noDone).not.toContain('finish_reason":"stop');
  });

  it('hangs, resets and trickles', async () => {
    await upstream.setFault('hang');
    await expect(chat(false, AbortSignal.timeout(200))).rejects.toThrow(/timeout|aborted/i);
    await upstream.setFault({ kind: 'reset', variant: 'before-response' });
    await expect(chat(false)).rejects.toThrow();
    await upstream.setFault({ kind: 'reset', variant: 'mid-stream' });
    const cut = await chat(true);
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    await upstream.setFault('slow-trickle');
    const started = performance.now();
    const slow = await chat(true);
    expect(performance.now() - started).toBeLessThan(1_000); // the headers come at once
    const reader = (slow.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.length).toBe(1); // then one byte at a time
    await reader.cancel();
  });

  it('goes down (connections refused) and comes back on the same port', async () => {
    await expect(upstream.setFault('down', ['chat'])).rejects.toThrow(/whole upstream/);
    await upstream.setFault('down');
    await expect(fetch(`${upstream.url}/health`)).rejects.toThrow();
    await upstream.setFault('ok');
    expect((await fetch(`${upstream.url}/health`)).status).toBe(200);
  });

  it('has one table row per fault kind, each accepting answers only when the upstream is healthy', () => {
    const kinds = new Set(faultCases.map((row) => row.fault.kind));
    expect([...kinds].sort()).toEqual(
      [
        'broken-sse',
        'down',
        'hang',
        'html-200',
        'html-500',
        'ok',
        'reset',
        'slow-trickle',
        'wrong-shape-json',
      ].sort(),
    );
    expect(new Set(faultCases.map((row) => row.name)).size).toBe(faultCases.length);
    for (const row of faultCases) {
      expect(row.accepted.includes('answer')).toBe(row.fault.kind === 'ok');
    }
  });
});
