import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRerankerModel } from '../../fixtures/onnx-fixtures.js';
import type { RetrievedChunk } from '../retriever/retriever.js';
import { createFakeReranker } from '../testing/fake-reranker.js';
import { createOpenAiReranker } from './openai-reranker.js';
import { rerankWithinBudget } from './rerank-within-budget.js';
import { createTransformersReranker } from './transformers-reranker.js';

const chunk = (chunkId: number, text: string): RetrievedChunk => ({
  chunkId,
  sourceId: 1,
  sourceUri: 'doc://x',
  sourceTitle: null,
  ordinal: chunkId,
  start: 0,
  end: text.length,
  text,
  heading: null,
  score: 1 / chunkId,
  ranks: { lexical: chunkId, vector: null },
  neighbour: false,
});

const candidates = [
  chunk(1, 'the baker bakes bread'),
  chunk(2, 'a lamp of the sea'),
  chunk(3, 'the lighthouse keeper lights the lamp'),
];

describe('OpenAI-style /v1/rerank against a real local server', () => {
  let server: Server;
  let baseUrl: string;
  let lastBody: unknown;
  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const parts: Buffer[] = [];
      for await (const part of request) parts.push(part as Buffer);
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
        query: string;
        documents: string[];
      };
      lastBody = body;
      const words = new Set(body.query.split(' '));
      const results = body.documents
        .map((document, index) => ({
          index,
          relevance_score: document.split(' ').filter((word) => words.has(word)).length,
        }))
        .sort((left, right) => right.relevance_score - left.relevance_score);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the Jina/Cohere shape and reorders by relevance_score', async () => {
    const reranker = createOpenAiReranker({ baseUrl, model: 'rerank' });
    const outcome = await rerankWithinBudget(reranker, 'lighthouse keeper lamp', candidates, {
      budgetMs: 5_000,
    });
    expect(outcome.skipped).toBeNull();
    expect(outcome.chunks.map((item) => item.chunkId)).toEqual([3, 2, 1]);
    expect(lastBody).toEqual({
      model: 'rerank',
      query: 'lighthouse keeper lamp',
      documents: candidates.map((item) => item.text),
      top_n: 3,
    });
  });
});

describe('transformers.js cross-encoder built by the fixture script', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-reranker-'));
    await writeRerankerModel(folder);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('scores (query, document) pairs with the model and reorders', async () => {
    const reranker = await createTransformersReranker({ modelPath: folder, batchSize: 2 });
    const results = await reranker.rerank(
      'who lights the lamp',
      candidates.map((item) => item.text),
    );
    expect(results.map((result) => result.index)).toEqual([2, 1, 0]);
    // lamp 1.5 twice + lighthouse 3 + keeper 2 = 8; lamp 1.5 + lamp 1.5 = 3; lamp 1.5 + bread −1 = 0.5.
    expect(results.map((result) => result.score)).toEqual([8, 3, 0.5]);
  });
});

describe('rerankWithinBudget', () => {
  it('keeps the fused order when the reranker is slower than the budget, and aborts it', async () => {
    const slow = createFakeReranker({ delayMs: 2_000 });
    const started = performance.now();
    const outcome = await rerankWithinBudget(slow, 'lighthouse', candidates, { budgetMs: 50 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome.skipped).toBe('timeout');
    expect(outcome.chunks.map((item) => item.chunkId)).toEqual([1, 2, 3]);
  });

  it('keeps the fused order on a reranker error, and without a reranker', async () => {
    const failing = { id: 'x', rerank: async () => Promise.reject(new Error('down')) };
    expect((await rerankWithinBudget(failing, 'q', candidates, { budgetMs: 100 })).skipped).toBe('error');
    expect((await rerankWithinBudget(null, 'q', candidates, { budgetMs: 100 })).skipped).toBe('no_reranker');
    const fast = await rerankWithinBudget(createFakeReranker(), 'lighthouse keeper', candidates, {
      budgetMs: 1_000,
    });
    expect(fast.chunks[0]?.chunkId).toBe(3);
  });
});
