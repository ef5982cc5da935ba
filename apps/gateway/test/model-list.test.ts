// GET /v1/models with real worker processes: each id's state follows its worker (stopped → loading →
// ready → stopped again, failed after a start that failed) and its context length comes from the
// registry, or from what the worker reported once ready (/props like llama-server, a /v1/models row's
// max_model_len like vLLM). The official openai SDK still lists the ids.
import { freePorts } from '@klody/test-helpers';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { postJson, testWorker, useQuietGateway, waitFor } from './helpers.js';

interface Row {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  worker: string;
  state: string;
  context_length: number | null;
}

describe('GET /v1/models', () => {
  const gateway = useQuietGateway(async () => {
    const [slow, vllm, declared, broken] = (await freePorts(4)) as [number, number, number, number];
    return {
      budgetGb: 4,
      workers: [
        // Slow to listen, so that its loading state is seen; says its context like llama-server.
        testWorker('slow', slow, { extraArgs: ['--start-delay-ms', '1500', '--props-n-ctx', '4096'] }),
        testWorker('vllm', vllm, { extraArgs: ['--max-model-len', '8192'] }),
        // The registry's figure wins over the worker's.
        testWorker('declared', declared, { extraArgs: ['--props-n-ctx', '99'], contextLength: 1234 }),
        // A worker that exits as soon as it starts.
        { ...testWorker('broken', broken), args: ['-e', 'process.exit(3)'] },
        { name: 'faraway', url: 'http://127.0.0.1:9/v1', contextLength: 32_768 },
      ],
    };
  });

  const rows = async (): Promise<Row[]> => (await (await fetch(`${gateway.url}/v1/models`)).json()).data;
  const row = async (id: string): Promise<Row> => {
    const found = (await rows()).find((candidate) => candidate.id === id);
    if (!found) throw new Error(`no row ${id}`);
    return found;
  };

  it('lists every name and alias in OpenAI’s shape, with its state and the context lengths known', async () => {
    const list = await (await fetch(`${gateway.url}/v1/models`)).json();
    expect(list.object).toBe('list');
    const byId = Object.fromEntries((list.data as Row[]).map((entry) => [entry.id, entry]));
    expect(Object.keys(byId).sort()).toEqual(
      [
        'broken',
        'broken-alias',
        'declared',
        'declared-alias',
        'faraway',
        'slow',
        'slow-alias',
        'vllm',
        'vllm-alias',
      ].sort(),
    );
    expect(byId['slow-alias']).toEqual({
      id: 'slow-alias',
      object: 'model',
      created: 0,
      owned_by: 'klody-gateway',
      worker: 'slow',
      kind: 'chat',
      remote: false,
      state: 'stopped',
      context_length: null,
    });
    expect(byId.declared).toMatchObject({ state: 'stopped', context_length: 1234 });
    expect(byId.faraway).toMatchObject({ state: 'remote', remote: true, context_length: 32_768 });

    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(Object.keys(byId).sort());
  });

  it('shows a worker stopped, then loading while it starts, then ready with the context it reported', async () => {
    const answer = postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'slow-alias',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await waitFor(async () => (await row('slow')).state === 'loading', 10_000, 'slow loading');
    // Every id of the worker says the same.
    expect((await row('slow-alias')).state).toBe('loading');
    expect((await answer).status).toBe(200);
    await waitFor(async () => (await row('slow')).context_length === 4096, 10_000, 'slow context length');
    expect(await row('slow-alias')).toMatchObject({ state: 'ready', context_length: 4096 });

    // Unloaded, it is stopped again; the length it reported stays known.
    const unload = await postJson(`${gateway.url}/admin/unload`, { model: 'slow' });
    expect(unload.status).toBe(200);
    expect(await row('slow')).toMatchObject({ state: 'stopped', context_length: 4096 });
  }, 60_000);

  it("reads a vLLM-like worker's max_model_len from its /v1/models, and keeps the registry's figure", async () => {
    for (const model of ['vllm', 'declared']) {
      const response = await postJson(`${gateway.url}/v1/chat/completions`, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => (await row('vllm')).context_length === 8192, 10_000, 'vllm context length');
    expect(await row('vllm')).toMatchObject({ state: 'ready' });
    expect(await row('declared')).toMatchObject({ state: 'ready', context_length: 1234 });
  }, 60_000);

  it('shows a worker whose start failed as failed', async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, {
      model: 'broken',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe('worker_start_failed');
    expect(await row('broken-alias')).toMatchObject({ state: 'failed', context_length: null });
  }, 60_000);
});
