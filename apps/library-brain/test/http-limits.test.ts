// Bounded resources and bad input on the real server (a real library on SQLite in a temp folder):
// bodies over the limit are refused before they are read whole, chunked ones included; JSON nested
// thousands of levels deep, a missing file, a NUL in a path are clear 4xx, never a 500.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@klody/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { jsonBodyLimitBytes } from '../src/http/create-app.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';

const postRoutes = ['/api/ask', '/api/ingest'];

interface Reply {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  /** Bytes the client had sent when the answer arrived. */
  sentWhenAnswered: number;
}

/**
 * Streams a chunked body (no content-length) of `total` bytes in 64 KiB pieces, without ending the
 * request until the server answers or everything is sent: an answer that arrives before the end
 * shows the body was not read whole first.
 */
function postChunked(url: string, total: number): Promise<Reply> {
  return new Promise((resolveReply, reject) => {
    const target = new URL(url);
    let sent = 0;
    let answered = false;
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', host: target.host },
      },
      (response) => {
        answered = true;
        const sentWhenAnswered = sent;
        let text = '';
        response.on('data', (part: Buffer) => {
          text += part.toString('utf8');
        });
        response.on('end', () => {
          resolveReply({ status: response.statusCode ?? 0, body: JSON.parse(text), sentWhenAnswered });
          request.destroy();
        });
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const piece = Buffer.alloc(64 * 1024, 'a');
    request.write('{"question": "');
    const pump = () => {
      if (answered) return;
      if (sent >= total) {
        request.end('"}');
        return;
      }
      sent += piece.length;
      if (request.write(piece)) setImmediate(pump);
      else request.once('drain', pump);
    };
    pump();
  });
}

describe('Library Brain HTTP limits on the real server', () => {
  let server: RunningServer;
  let root: string;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-limits-'));
    root = join(home, 'books');
    mkdirSync(root);
    writeFileSync(join(root, 'lighthouse.txt'), 'The Lighthouse\n\nThe keeper lit the great lamp at dusk.\n');
    server = await startServer(
      readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: 'none', KLODY_LIBRARY_ROOTS: root }),
      { port: await freePort() },
    );
  });
  afterAll(() => server?.close());

  const post = (path: string, body: string) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  for (const route of postRoutes) {
    it(`${route}: 413 body_too_large for a body over the limit, with a content-length`, async () => {
      const response = await post(route, JSON.stringify({ question: 'x'.repeat(jsonBodyLimitBytes + 1) }));
      expect(response.status).toBe(413);
      expect(((await response.json()) as Reply['body']).error?.code).toBe('body_too_large');
      // The unread rest of the body makes the connection useless: the client is told to drop it, so
      // its next request goes out on a fresh one and succeeds.
      expect(response.headers.get('connection')).toBe('close');
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
    });

    it(`${route}: 413 body_too_large for a chunked body over the limit, before it is sent whole`, async () => {
      const total = 8 * jsonBodyLimitBytes;
      const reply = await postChunked(`${server.url}${route}`, total);
      expect(reply.status).toBe(413);
      expect(reply.body.error?.code).toBe('body_too_large');
      expect(reply.sentWhenAnswered).toBeLessThan(total);
    });

    it(`${route}: 400 for JSON nested 4,000 levels deep`, async () => {
      for (const deep of [
        `${'['.repeat(4_000)}${']'.repeat(4_000)}`,
        `{"question": ${'{"a":'.repeat(4_000)}1${'}'.repeat(4_000)}, "paths": ${'['.repeat(4_000)}${']'.repeat(4_000)}}`,
      ]) {
        const response = await post(route, deep);
        expect(response.status).toBe(400);
        expect(((await response.json()) as Reply['body']).error?.code).toMatch(/^invalid_/);
      }
    });
  }

  it('a request that cannot be read (a malformed Host) gets 400 malformed_request as JSON', async () => {
    const answer = await new Promise<string>((resolveAnswer, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString('utf8');
      });
      socket.on('end', () => resolveAnswer(text));
      socket.on('error', reject);
      socket.write('GET /health HTTP/1.1\r\nHost: localhost:80:evil\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
    expect(JSON.parse(body)).toMatchObject({ error: { code: 'malformed_request' } });
  });

  it('POST /api/ingest: 404 for a file that does not exist, 400 for a NUL in the path', async () => {
    const missing = await post('/api/ingest', JSON.stringify({ paths: [join(root, 'no-such-book.txt')] }));
    expect(missing.status).toBe(404);
    const missingError = ((await missing.json()) as Reply['body']).error;
    expect(missingError?.code).toBe('not_found');
    expect(missingError?.message).toContain('no-such-book.txt');
    const nul = await post('/api/ingest', JSON.stringify({ paths: [`${root}/book\u0000.txt`] }));
    expect(nul.status).toBe(400);
    expect(((await nul.json()) as Reply['body']).error).toMatchObject({
      code: 'invalid_path',
      message: expect.stringMatching(/NUL/),
    });
    // A real book in the same folder still ingests.
    const ingested = await post('/api/ingest', JSON.stringify({ paths: [join(root, 'lighthouse.txt')] }));
    expect(ingested.status).toBe(200);
    expect(await ingested.json()).toMatchObject({ added: 1, failed: [] });
  });
});
