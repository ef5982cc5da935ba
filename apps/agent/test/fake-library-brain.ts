// Library Brain's HTTP API as far as remove_book uses it, as a real loopback server that records each
// request: the spy that proves a denied removal never reached the organ.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLibraryBrain {
  url: string;
  requests: { method: string; path: string }[];
  close(): Promise<void>;
}

const candide = {
  id: 3,
  title: 'Candide',
  author: 'Voltaire',
  language: 'fr',
  chunks: 120,
  state: 'ready',
  error: null,
};

export async function startFakeLibraryBrain(): Promise<FakeLibraryBrain> {
  const requests: FakeLibraryBrain['requests'] = [];
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: request.method ?? 'GET', path });
    response.setHeader('content-type', 'application/json');
    if (request.method === 'GET' && path === '/health') response.end('{"status":"ok"}');
    else if (request.method === 'GET' && path === '/api/books')
      response.end(JSON.stringify({ books: [candide], roots: [] }));
    else if (request.method === 'DELETE' && path === '/api/books/3')
      response.end(JSON.stringify({ removed: candide }));
    else
      response
        .writeHead(404)
        .end(JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
