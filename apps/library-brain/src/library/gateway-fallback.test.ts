import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../config/config.js';
import { createLibrary } from './create-library.js';
import type { Library } from './library.js';

// A fake OpenAI-compatible chat server (a real HTTP server on loopback, with a scripted answer):
// the model's quality is not under test here, the wiring is.
function startFakeChatServer(port: number, answer: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/v1/models') {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ object: 'list', data: [{ id: 'brain', object: 'model' }] }));
      return;
    }
    if (request.url === '/v1/chat/completions') {
      response.setHeader('content-type', 'text/event-stream');
      for (const piece of answer.match(/.{1,12}/g) ?? []) {
        response.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
      }
      response.end('data: [DONE]\n\n');
      return;
    }
    response.statusCode = 404;
    response.end();
  });
  return new Promise((resolveListen) => server.listen(port, '127.0.0.1', () => resolveListen(server)));
}

describeRequiring({ data: ['books/fr/Candide.txt'] }, 'running without, then with, the gateway', () => {
  let library: Library;
  let port: number;
  let server: Server | undefined;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-fallback-'));
    const books = join(home, 'in');
    mkdirSync(books);
    copyFileSync(testDataPath('books', 'fr', 'Candide.txt'), join(books, 'Candide.txt'));
    port = await freePort();
    library = await createLibrary(
      readConfig({ KLODY_HOME: home, KLODY_GATEWAY_URL: `http://127.0.0.1:${port}` }),
      {
        gatewayRetryMs: 0,
      },
    );
    await library.ingest([books]);
  });
  afterAll(async () => {
    await library?.close();
    server?.close();
  });

  it('answers extractively, cited, while the gateway does not answer', async () => {
    expect(await library.gatewayStatus()).toBe('unreachable');
    const answer = await library.ask("Qu'enseignait Pangloss ?");
    expect(answer.mode).toBe('extractive');
    expect(answer.refused).toBe(false);
    expect(answer.citations.length).toBeGreaterThan(0);
  });

  it('streams a generated answer once the gateway is up, without a restart', async () => {
    server = await startFakeChatServer(
      port,
      'Pangloss enseignait la métaphysico-théologo-cosmolonigologie [1].',
    );
    const tokens: string[] = [];
    const answer = await library.ask("Qu'enseignait Pangloss ?", { onToken: (token) => tokens.push(token) });
    expect(await library.gatewayStatus()).toBe('ok');
    expect(answer.mode).toBe('generated');
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.join('')).toBe(answer.answer);
    expect(answer.citations.map((citation) => citation.n)).toEqual([1]);
    expect(
      library.passage(
        answer.citations[0]?.bookId ?? 0,
        answer.citations[0]?.start ?? 0,
        answer.citations[0]?.end ?? 0,
      )?.text,
    ).toBe(answer.citations[0]?.text);
  });
});
