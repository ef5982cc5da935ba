// A stream's headers through the gateway, with the fixture worker: relayed as soon as the worker sends
// them. The relay holds them for the rest of an event-loop turn at most, so that a first chunk that
// came in the same read goes out with them in one write; a first chunk that comes later must not hold
// them back.
import { request } from 'node:http';
import { freePorts } from '@klody/test-helpers';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWorker, useQuietGateway } from './helpers.js';

const gateway = useQuietGateway(async () => {
  const [port] = await freePorts(1);
  return { budgetGb: 4, workers: [testWorker('streamer', port as number)] };
});

interface TimedStream {
  status: number;
  contentType: string | undefined;
  /** From sending the request to its response's headers, and to its first body chunk. */
  headersMs: number;
  firstChunkMs: number;
  body: string;
}

function timedStream(url: string, body: unknown): Promise<TimedStream> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const started = performance.now();
    const outgoing = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': text.length } },
      (response) => {
        const headersMs = performance.now() - started;
        let firstChunkMs = 0;
        let received = '';
        response.on('data', (chunk: Buffer) => {
          if (firstChunkMs === 0) firstChunkMs = performance.now() - started;
          received += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            headersMs,
            firstChunkMs,
            body: received,
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}

describe('stream headers', () => {
  // Loaded first: a stream that finds its model cold gets the gateway's own headers at once, with
  // loading comments (load-progress.ts), and these tests are about the worker's headers.
  beforeAll(async () => {
    const response = await fetch(`${gateway.url}/admin/ensure`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'streamer' }),
    });
    expect(response.status).toBe(200);
  });

  it('relays headers a worker sent long before its first chunk at once, not with that chunk', async () => {
    // The worker sends its headers, then its first chunk 1.5 s later.
    const stream = await timedStream(`${gateway.url}/v1/chat/completions`, {
      model: 'streamer',
      stream: true,
      flush_headers: true,
      chunks: 1,
      interval_ms: 1_500,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream');
    expect(stream.firstChunkMs - stream.headersMs).toBeGreaterThan(700);
    expect(stream.body).toContain('streamer:0');
    expect(stream.body).toContain('[DONE]');
  });

  it('relays a stream whose headers come with its first chunk whole, headers first', async () => {
    const stream = await timedStream(`${gateway.url}/v1/chat/completions`, {
      model: 'streamer',
      stream: true,
      chunks: 3,
      interval_ms: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream');
    for (const index of [0, 1, 2]) expect(stream.body).toContain(`streamer:${index}`);
    expect(stream.body.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
