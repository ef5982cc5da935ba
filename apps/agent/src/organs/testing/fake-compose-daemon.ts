// A stand-in compose daemon for tests: a real HTTP server on loopback that honours the contract in
// ../compose-client.ts (POST /compose) with scripted answers, and records what it was asked. It
// writes a small file where it says the piece is, as a real daemon would. A fake, named as one:
// Klody ships no music daemon.
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** How the daemon answers the next requests. */
export type FakeComposeBehaviour =
  | { kind: 'path' }
  | { kind: 'url' }
  | { kind: 'error'; status: number; code: string; message: string }
  | { kind: 'no-location' }
  | { kind: 'silent' };

export interface FakeComposeDaemon {
  readonly url: string;
  readonly requests: { path: string; body: unknown }[];
  behave(behaviour: FakeComposeBehaviour): void;
  close(): Promise<void>;
}

export async function startFakeComposeDaemon(options: { outputFolder: string }): Promise<FakeComposeDaemon> {
  let behaviour: FakeComposeBehaviour = { kind: 'path' };
  const requests: { path: string; body: unknown }[] = [];
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
    });
    request.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      requests.push({ path: request.url ?? '', body });
      const json = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.method !== 'POST' || request.url !== '/compose') {
        json(404, { error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } });
        return;
      }
      const seconds = (body as { duration_seconds?: number }).duration_seconds ?? 30;
      const id = `piece-${++count}`;
      switch (behaviour.kind) {
        case 'path': {
          const path = join(options.outputFolder, `${id}.wav`);
          writeFileSync(path, 'RIFF');
          json(200, { id, path, duration_seconds: seconds });
          return;
        }
        case 'url':
          json(200, { id, url: `http://127.0.0.1/pieces/${id}.ogg` });
          return;
        case 'error':
          json(behaviour.status, { error: { code: behaviour.code, message: behaviour.message } });
          return;
        case 'no-location':
          json(200, { id });
          return;
        case 'silent':
          // Composes forever: the agent's time limit must end the wait.
          return;
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    behave(next) {
      behaviour = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
