import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { freePort } from '../ports/free-port.js';
import { waitForHttp } from './wait-for-http.js';

describe('waitForHttp', () => {
  it('waits until a server that starts late answers 200', async () => {
    const port = await freePort();
    let calls = 0;
    const server = createServer((_request, response) => {
      calls++;
      response.statusCode = calls < 3 ? 503 : 200;
      response.end('ok');
    });
    setTimeout(() => server.listen(port, '127.0.0.1'), 100);
    try {
      const response = await waitForHttp(`http://127.0.0.1:${port}/health`, { timeoutMs: 5_000 });
      expect(response.status).toBe(200);
      expect(calls).toBe(3);
    } finally {
      server.close();
    }
  });

  it('gives up after the timeout, naming the last problem', async () => {
    const port = await freePort();
    await expect(waitForHttp(`http://127.0.0.1:${port}/`, { timeoutMs: 300 })).rejects.toThrow(
      /not ready within 300 ms/,
    );
  });
});
