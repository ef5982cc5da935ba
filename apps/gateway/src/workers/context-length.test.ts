// The context length /v1/models reports: the registry's when it has one, else what the worker says
// (llama-server's /props, a vLLM or llama-server /v1/models row), asked once per start. The worker's
// answers here come from a fake fetch (named as such): the process tests ask real worker processes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRegistry, type RegistryInput } from '../registry/index.js';
import {
  ContextLengths,
  contextLengthFromModels,
  contextLengthFromProps,
  registryContextLength,
} from './context-length.js';
import { WorkerTable } from './worker-table.js';

function table(workers: RegistryInput['workers']): WorkerTable {
  const home = mkdtempSync(join(tmpdir(), 'klody-context-'));
  return new WorkerTable(parseRegistry({ budgetGb: 4, workers }, home).registry, home);
}

describe('registryContextLength', () => {
  it("is an embedded worker's contextSize, another worker's contextLength, else null", () => {
    const workers = table([
      { name: 'embedded', port: 19_300, estimatedGb: 1, embedded: { model: 'm.gguf', contextSize: 2048 } },
      { name: 'server', port: 19_301, estimatedGb: 1, command: 'llama-server', contextLength: 8192 },
      { name: 'unknown', port: 19_302, estimatedGb: 1, command: 'llama-server' },
      { name: 'remote', url: 'http://127.0.0.1:11434/v1', contextLength: 4096 },
    ]);
    expect(registryContextLength(workers.entry('embedded').config)).toBe(2048);
    expect(registryContextLength(workers.entry('server').config)).toBe(8192);
    expect(registryContextLength(workers.entry('unknown').config)).toBeNull();
    expect(registryContextLength(workers.entry('remote').config)).toBe(4096);
  });
});

describe('contextLengthFromProps', () => {
  it("reads llama-server's default_generation_settings.n_ctx, or an older top-level n_ctx", () => {
    expect(contextLengthFromProps({ default_generation_settings: { n_ctx: 4096 }, total_slots: 1 })).toBe(
      4096,
    );
    expect(contextLengthFromProps({ n_ctx: 1024 })).toBe(1024);
  });

  it('is null for anything else', () => {
    for (const body of [
      null,
      'text',
      [],
      {},
      { default_generation_settings: { n_ctx: '4096' } },
      { n_ctx: 0 },
      { n_ctx: 1.5 },
    ])
      expect(contextLengthFromProps(body)).toBeNull();
  });
});

describe('contextLengthFromModels', () => {
  it("reads vLLM's max_model_len and llama-server's meta.n_ctx_train, from the upstream model's row", () => {
    const body = {
      object: 'list',
      data: [
        { id: 'other', max_model_len: 1000 },
        { id: 'qwen', max_model_len: 32_768 },
      ],
    };
    expect(contextLengthFromModels(body, 'qwen')).toBe(32_768);
    // No upstream model, or one the worker does not list: its first row.
    expect(contextLengthFromModels(body, null)).toBe(1000);
    expect(contextLengthFromModels(body, 'missing')).toBe(1000);
    expect(contextLengthFromModels({ data: [{ id: 'q', meta: { n_ctx_train: 131_072 } }] }, null)).toBe(
      131_072,
    );
  });

  it('is null for anything else', () => {
    for (const body of [null, {}, { data: [] }, { data: ['x'] }, { data: [{ id: 'a', meta: {} }] }])
      expect(contextLengthFromModels(body, null)).toBeNull();
  });
});

describe('ContextLengths', () => {
  const registry: RegistryInput['workers'] = [
    { name: 'server', port: 19_310, estimatedGb: 1, command: 'llama-server', upstreamModel: 'q' },
    { name: 'known', port: 19_311, estimatedGb: 1, command: 'llama-server', contextLength: 512 },
  ];

  /** A fake fetch: the answers a worker would give, by path, and the URLs asked. */
  function fakeFetch(answers: Record<string, unknown>) {
    const asked: string[] = [];
    const keys: Array<string | null> = [];
    const fetchJson = async (url: string, workerKey: string | null) => {
      asked.push(url);
      keys.push(workerKey);
      return answers[new URL(url).pathname] ?? null;
    };
    return { asked, keys, fetchJson };
  }

  it("asks /props first, with the worker's key, once per start", async () => {
    const workers = table(registry);
    const entry = workers.entry('server');
    entry.workerKey = 'key-1';
    const fake = fakeFetch({ '/props': { default_generation_settings: { n_ctx: 4096 } } });
    const lengths = new ContextLengths(fake.fetchJson);
    expect(lengths.of(entry)).toBeNull();
    await Promise.all([lengths.learn(entry), lengths.learn(entry)]);
    expect(lengths.of(entry)).toBe(4096);
    expect(fake.asked).toEqual(['http://127.0.0.1:19310/props']);
    expect(fake.keys).toEqual(['key-1']);
    await lengths.learn(entry);
    expect(fake.asked).toHaveLength(1);
    // The next start asks again.
    entry.generation++;
    await lengths.learn(entry);
    expect(fake.asked).toHaveLength(2);
  });

  it('falls back on /v1/models, and keeps the last length when a later start says nothing', async () => {
    const workers = table(registry);
    const entry = workers.entry('server');
    const answers: Record<string, unknown> = { '/v1/models': { data: [{ id: 'q', max_model_len: 8192 }] } };
    const fake = fakeFetch(answers);
    const lengths = new ContextLengths(fake.fetchJson);
    await lengths.learn(entry);
    expect(fake.asked).toEqual(['http://127.0.0.1:19310/props', 'http://127.0.0.1:19310/v1/models']);
    expect(lengths.of(entry)).toBe(8192);
    delete answers['/v1/models'];
    entry.generation++;
    await lengths.learn(entry);
    expect(lengths.of(entry)).toBe(8192);
  });

  it('never asks a worker whose length the registry gives', async () => {
    const workers = table(registry);
    const fake = fakeFetch({ '/props': { n_ctx: 99 } });
    const lengths = new ContextLengths(fake.fetchJson);
    await lengths.learn(workers.entry('known'));
    expect(fake.asked).toEqual([]);
    expect(lengths.of(workers.entry('known'))).toBe(512);
  });
});
