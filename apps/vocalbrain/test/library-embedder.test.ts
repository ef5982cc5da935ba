// Where the library's embedder comes from: the gateway's `embed` alias when it serves one, looked for
// again after a failure; lexical search with a reason otherwise. The gateway here is a fake upstream
// (a real HTTP server that answers like one); the real gateway with e5 is in library-recall.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { migrate } from '@klody/memory';
import { createInMemoryDatabase } from '@klody/memory/testing';
import { ConfigurationError } from '@klody/service';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayEmbedderSource, libraryEmbedderSource } from '../src/library/index.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server = null;
});

/** A fake gateway: lists `models`, and embeds every text as a 4-dimension vector. */
async function startFakeGateway(
  models: string[],
  requests: { path: string; body: unknown }[] = [],
): Promise<string> {
  const fake = createServer((request, response) => {
    let raw = '';
    request.on('data', (part) => {
      raw += part;
    });
    request.on('end', () => {
      const body = raw ? (JSON.parse(raw) as { input?: string[] }) : null;
      requests.push({ path: request.url ?? '', body });
      response.setHeader('content-type', 'application/json');
      if (request.url === '/v1/models') {
        response.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }));
      } else if (request.url === '/v1/embeddings') {
        const input = body?.input ?? [];
        response.end(
          JSON.stringify({ data: input.map((_, index) => ({ index, embedding: [1, 0, 0, index / 10] })) }),
        );
      } else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
  });
  server = fake;
  await new Promise<void>((done) => fake.listen(0, '127.0.0.1', () => done()));
  return `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
}

/** The embedding cache lives in memory's tables. */
async function memoryDatabase() {
  const database = createInMemoryDatabase();
  await migrate(database);
  return database;
}

describe('gatewayEmbedderSource', () => {
  it("uses the gateway's embed alias, asking for passages and queries by input_type", async () => {
    const requests: { path: string; body: unknown }[] = [];
    const url = await startFakeGateway(['brain', 'embed'], requests);
    const source = gatewayEmbedderSource({ gatewayURL: url, database: await memoryDatabase() });
    const embedder = await source.current();
    expect(embedder?.id).toBe('openai:embed');
    expect(source.note()).toBeNull();
    await embedder?.embed(['a sad piano song'], { purpose: 'query' });
    const last = requests.at(-1)?.body as { model: string; input_type?: string };
    expect(last).toMatchObject({ model: 'embed', input_type: 'query' });
    // The same embedder afterwards: the gateway is not asked for its models again.
    const listed = requests.filter((entry) => entry.path === '/v1/models').length;
    expect(await source.current()).toBe(embedder);
    expect(requests.filter((entry) => entry.path === '/v1/models').length).toBe(listed);
  });

  it('searches by words, saying why, when the gateway serves no embedder or does not answer', async () => {
    const url = await startFakeGateway(['brain']);
    const without = gatewayEmbedderSource({ gatewayURL: url, database: await memoryDatabase() });
    expect(await without.current()).toBeNull();
    expect(without.note()).toContain('does not serve "embed"');
    const custom = gatewayEmbedderSource({
      gatewayURL: url,
      model: 'brain',
      database: await memoryDatabase(),
    });
    expect((await custom.current())?.id).toBe('openai:brain');
    const away = gatewayEmbedderSource({
      gatewayURL: 'http://127.0.0.1:9',
      database: await memoryDatabase(),
    });
    expect(await away.current()).toBeNull();
    expect(away.note()).toContain('did not answer');
    const none = gatewayEmbedderSource({ gatewayURL: null, database: await memoryDatabase() });
    expect(await none.current()).toBeNull();
    expect(none.note()).toContain('KLODY_GATEWAY_URL=none');
  });

  it('drops a failing embedder and asks again only after the retry interval', async () => {
    const url = await startFakeGateway(['embed']);
    let now = 1_000;
    const source = gatewayEmbedderSource({
      gatewayURL: url,
      database: await memoryDatabase(),
      retryMs: 30_000,
      clock: () => now,
    });
    expect(await source.current()).not.toBeNull();
    source.reportFailure(new Error('connection reset'));
    expect(source.note()).toContain('connection reset');
    now += 10_000;
    expect(await source.current()).toBeNull();
    now += 25_000;
    expect(await source.current()).not.toBeNull();
  });
});

describe('libraryEmbedderSource', () => {
  const config = (env: NodeJS.ProcessEnv, gatewayURL: string | null = null) => ({
    home: '/unused',
    gatewayURL,
    gatewayAPIKey: null,
    ffmpegExecutable: 'ffmpeg',
    modelsEnvironment: env,
  });

  it('takes KLODY_EMBED_MODEL at the gateway, or KLODY_EMBEDDER when set', async () => {
    const url = await startFakeGateway(['embed', 'e5-large']);
    const database = await memoryDatabase();
    expect((await libraryEmbedderSource(config({}, url), database).current())?.id).toBe('openai:embed');
    const alias = libraryEmbedderSource(config({ KLODY_EMBED_MODEL: 'e5-large' }, url), database);
    expect((await alias.current())?.id).toBe('openai:e5-large');
    const named = libraryEmbedderSource(config({ KLODY_EMBEDDER: 'openai:e5-large' }, url), database);
    expect((await named.current())?.id).toBe('openai:e5-large');
  });

  it('searches by words, saying why, when an in-process embedder does not load; refuses a bad id', async () => {
    const database = await memoryDatabase();
    const missing = libraryEmbedderSource(config({ KLODY_EMBEDDER: 'model2vec:/nowhere/model' }), database);
    expect(await missing.current()).toBeNull();
    expect(missing.note()).toContain('model2vec:/nowhere/model');
    expect(() => libraryEmbedderSource(config({ KLODY_EMBEDDER: 'word2vec' }), database)).toThrow(
      ConfigurationError,
    );
  });
});
