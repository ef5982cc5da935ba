import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEmbeddingModel } from '../../fixtures/onnx-fixtures.js';
import { MemoryError } from '../errors/index.js';
import { migrate } from '../store/migrate.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { createCachedEmbedder } from './cached-embedder.js';
import { createEmbedderFromId } from './embedder-from-id.js';
import { createModel2VecEmbedder } from './model2vec-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { createTransformersEmbedder } from './transformers-embedder.js';

const cosine = (left: Float32Array, right: Float32Array) =>
  left.reduce((sum, value, index) => sum + value * (right[index] as number), 0);

async function readBody(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

describeRequiring({ data: ['models/model2vec-tiny/model.safetensors'] }, 'model2vec embedder', () => {
  it('loads model2vec-tiny and gives semantically sensible vectors', async () => {
    const embedder = await createModel2VecEmbedder({ modelPath: testDataPath('models', 'model2vec-tiny') });
    expect(embedder.dimensions).toBe(64);
    expect(embedder.id).toMatch(/^model2vec:/);
    const [cat, kitten, stocks, investors] = (await embedder.embed([
      'The cat sat on the mat.',
      'A kitten is resting on a rug.',
      'Stock markets fell sharply today.',
      'Investors sold shares as prices dropped.',
    ])) as Float32Array[] as [Float32Array, Float32Array, Float32Array, Float32Array];
    expect(cosine(cat, cat)).toBeCloseTo(1, 5);
    expect(cosine(cat, kitten)).toBeGreaterThan(cosine(cat, stocks) + 0.2);
    expect(cosine(stocks, investors)).toBeGreaterThan(cosine(stocks, kitten) + 0.2);
    expect(cosine(stocks, investors)).toBeGreaterThan(0.5);
  });

  it('is built from its id and refuses a folder that is not a model', async () => {
    const embedder = await createEmbedderFromId(`model2vec:${testDataPath('models', 'model2vec-tiny')}`);
    expect(embedder.dimensions).toBe(64);
    await expect(createModel2VecEmbedder({ modelPath: tmpdir() })).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'model_invalid',
    );
    await expect(createEmbedderFromId('nonsense:x')).rejects.toThrow(/unknown embedder kind/);
  });
});

describe('OpenAI-compatible embedder against a real local HTTP server', () => {
  let server: Server;
  let baseUrl: string;
  const requests: { body: { model: string; input: string[] }; authorization: string | undefined }[] = [];
  let failNext = false;
  beforeAll(async () => {
    const fake = createFakeEmbedder({ dimensions: 12 });
    server = createServer(async (request, response) => {
      if (request.url !== '/v1/embeddings' || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      const body = (await readBody(request)) as { model: string; input: string[] };
      requests.push({ body, authorization: request.headers.authorization });
      if (failNext) {
        failNext = false;
        response
          .writeHead(503, { 'content-type': 'application/json' })
          .end('{"error":{"code":"busy","message":"busy"}}');
        return;
      }
      const vectors = await fake.embed(body.input);
      // Listed in reverse: the client must restore the order by index.
      const data = vectors
        .map((vector, index) => ({ object: 'embedding', index, embedding: Array.from(vector) }))
        .reverse();
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ object: 'list', data }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('probes the dimension, sends the model and key, and returns vectors in request order', async () => {
    const embedder = await createOpenAiEmbedder({
      baseUrl: `${baseUrl}/v1`,
      model: 'embed',
      apiKey: 'secret',
    });
    expect(embedder.id).toBe('openai:embed');
    expect(embedder.dimensions).toBe(12);
    const texts = ['whales dive', 'bread rises', 'whales dive deep'];
    const vectors = await embedder.embed(texts);
    const expected = await createFakeEmbedder({ dimensions: 12 }).embed(texts);
    expect(vectors.map((vector) => Array.from(vector))).toEqual(expected.map((vector) => Array.from(vector)));
    expect(requests.at(-1)).toMatchObject({
      body: { model: 'embed', input: texts },
      authorization: 'Bearer secret',
    });
  });

  it('turns a server error into embedder_failed and an unreachable server too', async () => {
    const embedder = await createOpenAiEmbedder({ baseUrl, model: 'embed', dimensions: 12 });
    failNext = true;
    await expect(embedder.embed(['x'])).rejects.toSatisfy(
      (error) =>
        MemoryError.isInstance(error) && error.code === 'embedder_failed' && /503/.test(error.message),
    );
    const closed = await createOpenAiEmbedder({
      baseUrl: 'http://127.0.0.1:9',
      model: 'embed',
      dimensions: 12,
    });
    await expect(closed.embed(['x'])).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'embedder_failed',
    );
  });

  it('is cached by content hash, embedder id and dimension', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const embedder = await createOpenAiEmbedder({ baseUrl, model: 'embed', dimensions: 12 });
    const cached = createCachedEmbedder({ embedder, database });
    const before = requests.length;
    const first = await cached.embed(['Whales  dive.', 'Bread rises.']);
    const second = await cached.embed(['Whales dive.', 'Bread\nrises.']);
    expect(requests.length).toBe(before + 1);
    expect(cached.statistics).toEqual({ hits: 2, misses: 2 });
    expect(Array.from(second[0] as Float32Array)).toEqual(Array.from(first[0] as Float32Array));
    const other = createCachedEmbedder({ embedder: { ...embedder, id: 'openai:other' }, database });
    await other.embed(['Whales dive.']);
    expect(requests.length).toBe(before + 2);
  });
});

describe('transformers.js embedder with a fixture-built ONNX model', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-onnx-'));
    await writeEmbeddingModel(join(folder, 'embedder'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('loads offline from a local folder and pools token vectors', async () => {
    const embedder = await createTransformersEmbedder({ modelPath: join(folder, 'embedder') });
    expect(embedder.dimensions).toBe(8);
    const [cat, puppy, stock, unknown] = (await embedder.embed([
      'cat kitten',
      'dog puppy',
      'stock market',
      'zzz qqq',
    ])) as [Float32Array, Float32Array, Float32Array, Float32Array];
    expect(cosine(cat, puppy)).toBeGreaterThan(0.9);
    expect(cosine(cat, stock)).toBeLessThan(0.1);
    expect(Array.from(unknown).every((value) => value === 0)).toBe(true);
    await expect(createTransformersEmbedder({ modelPath: join(folder, 'missing') })).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'model_invalid',
    );
  });
});
