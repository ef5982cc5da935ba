// Library Brain against every fault of the shared fault table (@klody/test-helpers), by the same
// table as every app: the real server (startServer, worker threads, a real SQLite library in a temp
// folder with a few small books) with its gateway pointed at a fault upstream, for each fault kind ×
// { /api/ask, /api/ask streamed over SSE, start-up }. Never a 500 internal_error, never an empty
// success: a clear 502/504 naming the gateway, or an extractive answer marked as a fallback — within
// the configured time limits, set low here so that the suite stays fast.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FaultCase,
  type FaultOutcome,
  type FaultUpstream,
  faultCases,
  freePort,
  startFaultUpstream,
} from '@klody/test-helpers';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LibraryBrainConfig, readConfig } from '../src/config/config.js';
import { type RunningServer, startServer } from '../src/http/start-server.js';
import { createLibrary } from '../src/library/create-library.js';
import type { Answer } from '../src/library/library.js';

const chatAnswer = 'The keeper lit the great lamp at dusk [1].';
const question = 'When did the keeper light the lamp?';
const limits = { timeout: 1, idle: 0.5, check: 0.5 };
// A question waits at most for the query's embedding and then the first token, each within the
// time limit, after a check of the gateway when one is due; the rest is the suite's own slack.
const answerBoundMs = (2 * limits.timeout + limits.idle + 2 * limits.check) * 1000 + 1_500;

const books: Record<string, string> = {
  'lighthouse.txt':
    'The Lighthouse Keeper\n\nThe keeper climbed the tower every evening. He lit the great lamp at dusk so that the ships could see the rocks. In winter the storms were terrible and the waves broke over the rocks.\n',
  'bread.txt':
    'Bread\n\nBakers knead the dough and let it rise overnight. In the morning they bake the loaves in a hot oven.\n',
  'bees.txt':
    'Bees\n\nBees collect nectar from the flowers of the meadow and turn it into honey inside the hive.\n',
};

interface Observed {
  outcome: FaultOutcome | 'defect';
  detail: string;
  milliseconds: number;
}

/** What an answer object says, as one of the table's outcomes. */
function answerOutcome(answer: Answer): Observed['outcome'] {
  if (!answer.refused && answer.answer.trim().length === 0) return 'defect'; // a silent, empty success
  if (answer.fallback) {
    const marked =
      answer.mode === 'extractive' && answer.citations.length > 0 && answer.fallback.message.length > 0;
    return marked ? 'fallback' : 'defect';
  }
  return answer.mode === 'generated' && answer.answer === chatAnswer ? 'answer' : 'defect';
}

/** A clear error naming the gateway, as the table's outcome; anything else is a defect. */
function errorOutcome(
  status: number,
  error: { code?: string; message?: string } | undefined,
  gateway: string,
): Observed['outcome'] {
  if (!error?.message?.includes(gateway)) return 'defect';
  if (status === 502 && error.code === 'gateway_error') return 'upstream_error';
  if (status === 504 && error.code === 'gateway_timeout') return 'upstream_timeout';
  return 'defect';
}

async function askJson(server: RunningServer, gateway: string): Promise<Observed> {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question }),
  });
  const body = (await response.json()) as Answer & { error?: { code: string; message: string } };
  const milliseconds = performance.now() - started;
  const detail = `${response.status} ${JSON.stringify(body).slice(0, 400)}`;
  if (response.status === 200) return { outcome: answerOutcome(body), detail, milliseconds };
  return { outcome: errorOutcome(response.status, body.error, gateway), detail, milliseconds };
}

async function askStreamed(server: RunningServer, gateway: string): Promise<Observed> {
  const started = performance.now();
  const response = await fetch(`${server.url}/api/ask`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ question, stream: true }),
  });
  const text = await response.text();
  const milliseconds = performance.now() - started;
  const detail = `${response.status} ${text.slice(0, 600)}`;
  if (response.status !== 200) {
    const body = JSON.parse(text) as { error?: { code: string; message: string } };
    return { outcome: errorOutcome(response.status, body.error, gateway), detail, milliseconds };
  }
  const events = [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((match) => ({
    event: match[1] as string,
    data: JSON.parse(match[2] as string) as Record<string, unknown>,
  }));
  const last = events.at(-1);
  if (last?.event === 'error') {
    const error = last.data.error as { code?: string; message?: string };
    return {
      outcome: errorOutcome(200, error, gateway) === 'defect' ? 'defect' : streamedError(error),
      detail,
      milliseconds,
    };
  }
  if (last?.event !== 'done') return { outcome: 'defect', detail, milliseconds };
  const answer = last.data as unknown as Answer;
  // The tokens after the last `fallback` event spell the final answer: a client that follows the
  // stream shows exactly what `done` holds.
  const lastFallback = events.map((event) => event.event).lastIndexOf('fallback');
  const spelled = events
    .slice(lastFallback + 1)
    .filter((event) => event.event === 'token')
    .map((event) => event.data.text)
    .join('');
  if (spelled !== answer.answer)
    return { outcome: 'defect', detail: `tokens ≠ done: ${detail}`, milliseconds };
  if (lastFallback >= 0 && !answer.fallback) return { outcome: 'defect', detail, milliseconds };
  return { outcome: answerOutcome(answer), detail, milliseconds };
}

/** An SSE `error` event carries the same code as the JSON error would, with status 200 already sent. */
function streamedError(error: { code?: string }): Observed['outcome'] {
  if (error.code === 'gateway_error') return 'upstream_error';
  if (error.code === 'gateway_timeout') return 'upstream_timeout';
  return 'defect';
}

describe('Library Brain against a faulty gateway (the shared fault table)', () => {
  let upstream: FaultUpstream;
  let config: LibraryBrainConfig;
  let server: RunningServer | null = null;

  beforeAll(async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-faults-'));
    const folder = join(home, 'books');
    mkdirSync(folder);
    for (const [name, text] of Object.entries(books)) writeFileSync(join(folder, name), text);
    upstream = await startFaultUpstream({ chatAnswer, trickleIntervalMs: 200 });
    config = readConfig({
      KLODY_HOME: home,
      KLODY_GATEWAY_URL: upstream.url,
      KLODY_LIBRARY_ROOTS: folder,
      KLODY_LIBRARY_BRAIN_GATEWAY_TIMEOUT: String(limits.timeout),
      KLODY_LIBRARY_BRAIN_GATEWAY_IDLE_TIMEOUT: String(limits.idle),
      KLODY_LIBRARY_BRAIN_GATEWAY_CHECK_TIMEOUT: String(limits.check),
      // No second look at the gateway during a case: each case sees one fault from start to end.
      KLODY_LIBRARY_BRAIN_GATEWAY_RETRY: '600',
    });
    // The books are ingested once, with the upstream's embeddings, as a user's library would be.
    const library = await createLibrary(config);
    const summary = await library.ingest([folder]);
    expect(summary).toMatchObject({ added: 3, failed: [] });
    expect(await library.gatewayHealth()).toEqual({ state: 'ok', reason: null });
    await library.close();
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  afterAll(() => upstream?.close());

  async function startWhenWell(): Promise<RunningServer> {
    // Library Brain caches embeddings in its database: without this, the question's embedding
    // would come from the cache and the embeddings route's fault would never be met.
    const database = new Database(config.databasePath);
    database.exec('DELETE FROM memory_embedding_cache');
    database.close();
    await upstream.setFault('ok');
    // Scans on the event loop: a worker thread's start-up is no part of these cases (start-up is).
    const running = await startServer(config, { port: await freePort(), workerThreads: false });
    await vi.waitUntil(async () => (await running.library.gatewayHealth()).state === 'ok', {
      timeout: 5_000,
      interval: 20,
    });
    return running;
  }

  async function breakGateway(row: FaultCase): Promise<void> {
    // The models' routes break; `/v1/models` stays well, so the app keeps believing in the gateway.
    if (row.fault.kind === 'down') await upstream.setFault('down');
    else await upstream.setFault(row.fault, ['chat', 'embeddings']);
  }

  function check(row: FaultCase, observed: Observed): void {
    expect(row.accepted, observed.detail).toContain(observed.outcome);
    expect(observed.milliseconds, observed.detail).toBeLessThan(answerBoundMs);
  }

  describe('POST /api/ask', () => {
    for (const row of faultCases) {
      it(row.name, async () => {
        server = await startWhenWell();
        await breakGateway(row);
        check(row, await askJson(server, upstream.url));
      });
    }
  });

  describe('POST /api/ask, streamed', () => {
    for (const row of faultCases) {
      it(row.name, async () => {
        server = await startWhenWell();
        await breakGateway(row);
        check(row, await askStreamed(server, upstream.url));
      });
    }
  });

  describe('start-up', () => {
    for (const row of faultCases) {
      it(row.name, async () => {
        await upstream.setFault('ok');
        await upstream.setFault(row.fault);
        const started = performance.now();
        server = await startServer(config, { port: await freePort() });
        // Listening comes first: no wait on the gateway's models or embeddings.
        expect(performance.now() - started).toBeLessThan(limits.check * 1000 + 1_500);
        const health = await fetch(`${server.url}/health`);
        expect(health.status).toBe(200);
        const first = (await health.json()) as { status: string; gateway: string };
        if (row.fault.kind !== 'ok') expect(first.status).toBe('degraded');
        check(row, await askJson(server, upstream.url));
        const after = (await (await fetch(`${server.url}/health`)).json()) as {
          status: string;
          gateway: string;
          reason: string | null;
        };
        if (row.fault.kind === 'ok')
          expect(after).toMatchObject({ status: 'ok', gateway: 'ok', reason: null });
        else {
          expect(after.status).toBe('degraded');
          expect(after.reason).toContain(upstream.url);
        }
      });
    }
  });

  it('listens at once when the embeddings hang, says degraded until they answer, then searches with them', async () => {
    await upstream.setFault('ok');
    await upstream.setFault('hang', ['embeddings']);
    const retrying = { ...config, gatewayRetryMs: 200 };
    const started = performance.now();
    server = await startServer(retrying, { port: await freePort() });
    expect(performance.now() - started).toBeLessThan(1_500);
    const degraded = (await (await fetch(`${server.url}/health`)).json()) as { status: string };
    expect(degraded.status).toBe('degraded');
    // Meanwhile search is lexical and still finds the passage.
    const search = (await (await fetch(`${server.url}/api/search?q=lamp`)).json()) as {
      results: { book: string }[];
    };
    expect(search.results[0]?.book).toBe('The Lighthouse Keeper');
    await upstream.setFault('ok', ['embeddings']);
    const running = server;
    await vi.waitUntil(
      async () =>
        ((await (await fetch(`${running.url}/health`)).json()) as { status: string }).status === 'ok',
      { timeout: 10_000, interval: 100 },
    );
    const embeddingsBefore = upstream.requests.filter((request) => request.route === 'embeddings').length;
    await fetch(`${server.url}/api/search?q=${encodeURIComponent('storms and waves')}`);
    expect(upstream.requests.filter((request) => request.route === 'embeddings').length).toBe(
      embeddingsBefore + 1,
    );
  });
});
