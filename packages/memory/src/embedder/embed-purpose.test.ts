// Queries and passages of an asymmetric model (e5): what each embedder sends, what the cache keys
// on, and who passes which purpose. A fake server and a fake model: pure logic.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { createHybridRetriever } from '../retriever/hybrid-retriever.js';
import { migrate } from '../store/migrate.js';
import { createFakeEmbedder } from '../testing/fake-embedder.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { cacheKeyOf, createCachedEmbedder } from './cached-embedder.js';
import type { Embedder, EmbedPurpose } from './embedder.js';
import { createEmbedderFromId } from './embedder-from-id.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { applyPurposePrefix, e5Prefixes, parsePurposeEncoding } from './purpose-encoding.js';

interface EmbeddingRequest {
  input: string[];
  input_type?: string;
}

/** A fake asymmetric model: a query vector is the passage vector of "query " + text. */
function asymmetricFake(): Embedder & { purposes: (EmbedPurpose | undefined)[] } {
  const inner = createFakeEmbedder({ dimensions: 16, id: 'fake:asymmetric' });
  const purposes: (EmbedPurpose | undefined)[] = [];
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    asymmetric: true,
    purposes,
    async embed(texts, options) {
      purposes.push(options?.purpose);
      return inner.embed(options?.purpose === 'query' ? texts.map((text) => `query ${text}`) : texts);
    },
  };
}

describe('purpose encodings', () => {
  it('prefixes texts only for a prefix encoding and a stated purpose', () => {
    expect(applyPurposePrefix(['a', 'b'], e5Prefixes, 'query')).toEqual(['query: a', 'query: b']);
    expect(applyPurposePrefix(['a'], e5Prefixes, 'passage')).toEqual(['passage: a']);
    expect(applyPurposePrefix(['a'], e5Prefixes, undefined)).toEqual(['a']);
    expect(applyPurposePrefix(['a'], { kind: 'input-type' }, 'query')).toEqual(['a']);
    expect(applyPurposePrefix(['a'], undefined, 'query')).toEqual(['a']);
  });

  it('parses the command-line spellings and refuses others', () => {
    expect(parsePurposeEncoding('none')).toBeUndefined();
    expect(parsePurposeEncoding('input-type')).toEqual({ kind: 'input-type' });
    expect(parsePurposeEncoding('e5')).toEqual(e5Prefixes);
    expect(() => parsePurposeEncoding('query')).toThrow(/unknown purpose encoding/);
  });
});

describe('OpenAI-compatible embedder with purposes', () => {
  let server: Server;
  let baseUrl: string;
  const requests: EmbeddingRequest[] = [];
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const parts: Buffer[] = [];
      for await (const part of request) parts.push(part as Buffer);
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as EmbeddingRequest;
      requests.push(body);
      // One-hot on the purpose the server understood, so a test can see which one was applied.
      const slot = body.input_type === 'query' ? 0 : body.input_type === 'passage' ? 1 : 2;
      const data = body.input.map((_, index) => ({
        index,
        embedding: [0, 1, 2].map((position) => (position === slot ? 1 : 0)),
      }));
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends input_type for a server that applies the prefixes itself, never prefixed text', async () => {
    const embedder = await createOpenAiEmbedder({
      baseUrl,
      model: 'embed',
      purposes: { kind: 'input-type' },
    });
    expect(embedder.asymmetric).toBe(true);
    const [query] = (await embedder.embed(['where do whales dive'], { purpose: 'query' })) as [Float32Array];
    expect(requests.at(-1)).toMatchObject({ input: ['where do whales dive'], input_type: 'query' });
    const [passage] = (await embedder.embed(['Whales dive deep.'], { purpose: 'passage' })) as [Float32Array];
    expect(requests.at(-1)).toMatchObject({ input: ['Whales dive deep.'], input_type: 'passage' });
    expect(Array.from(query)).toEqual([1, 0, 0]);
    expect(Array.from(passage)).toEqual([0, 1, 0]);
    await embedder.embed(['no purpose']);
    expect(requests.at(-1)).not.toHaveProperty('input_type');
  });

  it('prefixes the text for a server given raw text, and sends neither for a symmetric model', async () => {
    const prefixed = await createEmbedderFromId('openai:embed', { baseUrl, purposes: e5Prefixes });
    await prefixed.embed(['whales'], { purpose: 'query' });
    expect(requests.at(-1)).toEqual(expect.objectContaining({ input: ['query: whales'] }));
    expect(requests.at(-1)).not.toHaveProperty('input_type');
    const symmetric = await createOpenAiEmbedder({ baseUrl, model: 'embed', dimensions: 3 });
    expect(symmetric.asymmetric).toBe(false);
    await symmetric.embed(['whales'], { purpose: 'query' });
    expect(requests.at(-1)).toEqual(expect.objectContaining({ input: ['whales'] }));
    expect(requests.at(-1)).not.toHaveProperty('input_type');
  });
});

describe('the embedding cache and purposes', () => {
  it('never serves a query vector for a passage of the same text, nor the reverse', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const model = asymmetricFake();
    const cached = createCachedEmbedder({ embedder: model, database });
    expect(cached.asymmetric).toBe(true);
    const [asQuery] = (await cached.embed(['whales dive'], { purpose: 'query' })) as [Float32Array];
    const [asPassage] = (await cached.embed(['whales dive'], { purpose: 'passage' })) as [Float32Array];
    expect(cached.statistics).toEqual({ hits: 0, misses: 2 });
    expect(Array.from(asQuery)).not.toEqual(Array.from(asPassage));
    const [again] = (await cached.embed(['whales dive'], { purpose: 'passage' })) as [Float32Array];
    const [queryAgain] = (await cached.embed(['whales dive'], { purpose: 'query' })) as [Float32Array];
    expect(cached.statistics).toEqual({ hits: 2, misses: 2 });
    expect(Array.from(again)).toEqual(Array.from(asPassage));
    expect(Array.from(queryAgain)).toEqual(Array.from(asQuery));
    database.close();
  });

  it('keys a symmetric model on its bare id whatever the purpose, keeping its old cache valid', () => {
    const symmetric = createFakeEmbedder();
    expect(cacheKeyOf(symmetric, 'query')).toBe(symmetric.id);
    expect(cacheKeyOf(symmetric, 'passage')).toBe(symmetric.id);
    const model = asymmetricFake();
    expect(cacheKeyOf(model, 'query')).toBe('fake:asymmetric#query');
    expect(cacheKeyOf(model, 'passage')).toBe('fake:asymmetric#passage');
    expect(cacheKeyOf(model, undefined)).toBe('fake:asymmetric');
  });
});

describe('who says which purpose', () => {
  it('ingestion embeds passages and retrieval embeds the question as a query', async () => {
    const database = createInMemoryDatabase();
    await migrate(database);
    const model = asymmetricFake();
    await createIngester({ database, embedder: model }).ingest([
      { uri: 'a', title: null, text: 'Whales dive deep into the cold ocean.', format: 'txt' },
    ]);
    expect(model.purposes.length).toBeGreaterThan(0);
    expect(new Set(model.purposes)).toEqual(new Set(['passage']));
    model.purposes.length = 0;
    await createHybridRetriever({ database, embedder: model }).retrieve({ text: 'where do whales dive' });
    expect(model.purposes).toEqual(['query']);
    database.close();
  });
});
