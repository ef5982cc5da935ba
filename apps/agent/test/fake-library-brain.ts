// Library Brain's HTTP API as far as remove_book and ask (rag_query) use it, as a real loopback server
// that records each request: the spy that proves a denied removal never reached the organ.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLibraryBrain {
  url: string;
  requests: { method: string; path: string }[];
  /** The questions `POST /api/ask` received, in order. */
  questions: string[];
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

/** What `/api/ask` answers, whatever the question: Library Brain's answer shape, with one citation. */
export const candideAnswer = {
  answer: 'Pangloss teaches that all is for the best in the best of all possible worlds [1].',
  refused: false,
  citations: [
    {
      n: 1,
      book: 'Candide',
      bookId: 3,
      chapter: 'CHAPITRE I',
      start: 120,
      end: 860,
      text: 'Pangloss enseignait la métaphysico-théologo-cosmolonigologie.',
    },
  ],
  mode: 'generated',
  fallback: null,
};

export async function startFakeLibraryBrain(): Promise<FakeLibraryBrain> {
  const requests: FakeLibraryBrain['requests'] = [];
  const questions: string[] = [];
  const server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    requests.push({ method: request.method ?? 'GET', path });
    response.setHeader('content-type', 'application/json');
    if (request.method === 'POST' && path === '/api/ask') {
      const parts: Buffer[] = [];
      for await (const part of request) parts.push(part as Buffer);
      questions.push((JSON.parse(Buffer.concat(parts).toString('utf8')) as { question: string }).question);
      response.end(JSON.stringify(candideAnswer));
    } else if (request.method === 'GET' && path === '/health') response.end('{"status":"ok"}');
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
    questions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
