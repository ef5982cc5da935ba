// Two real embedded workers (the shared toy GGUF models) under the example's budget, which fits one:
// alternating requests swap them (LRU eviction) and every answer is the model's own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRegistry } from '../src/registry/index.js';
import type { RunningGateway } from '../src/server/index.js';
import {
  gatewayRoot,
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  writeRegistry,
} from './helpers.js';

const example = join(gatewayRoot, 'examples', 'tiny.yaml');

describeRequiring(
  { data: ['models/stories260K.gguf', 'models/llama-2-tiny-random.gguf'] },
  'two embedded workers under a budget that fits one',
  () => {
    const home = temporaryHome();
    let gateway: RunningGateway;

    beforeAll(async () => {
      // The example itself, on free ports and with the models found through the test data folder.
      const { registry } = loadRegistry(example);
      const ports = await freePorts(2);
      const workers = registry.workers.map((worker, index) => {
        if (!('embedded' in worker) || !worker.embedded)
          throw new Error('the example lists embedded workers');
        const file = worker.name === 'tiny-story' ? 'stories260K.gguf' : 'llama-2-tiny-random.gguf';
        return {
          ...worker,
          port: ports[index],
          embedded: { ...worker.embedded, model: testDataPath('models', file) },
        };
      });
      const config = writeRegistry(home, { ...registry, workers } as never);
      gateway = await startQuietGateway(home, config);
    });

    afterAll(async () => {
      await gateway?.close({ workers: true });
      killRecordedWorkers(home);
    });

    it('the example resolves its model paths relative to the file', () => {
      const { registry } = loadRegistry(example);
      expect(registry.workers.map((worker) => worker.aliases)).toEqual([['toy-story'], ['toy-random']]);
      for (const worker of registry.workers) {
        const model = 'embedded' in worker ? worker.embedded?.model : undefined;
        expect(model && existsSync(model)).toBe(true);
      }
    });

    it('swaps on alternating requests and every answer is the right model’s', async () => {
      const answers: Record<string, string[]> = { 'toy-story': [], 'toy-random': [] };
      const sequence = ['toy-story', 'toy-random', 'toy-story', 'toy-random', 'toy-story'];
      for (const model of sequence) {
        const response = await postJson(`${gateway.url}/v1/chat/completions`, {
          model,
          temperature: 0,
          max_tokens: 16,
          messages: [{ role: 'user', content: 'Once upon a time' }],
        });
        expect(response.status).toBe(200);
        const body = await response.json();
        answers[model]?.push(body.choices[0].message.content);
        const status = await (await fetch(`${gateway.url}/admin/status`)).json();
        // Exactly one resident at a time: the one that just answered.
        const ready = status.workers
          .filter((worker: { state: string }) => worker.state === 'ready')
          .map((worker: { aliases: string[] }) => worker.aliases[0]);
        expect(ready).toEqual([model]);
      }
      // Greedy decoding: each model gives the same answer every time it is reloaded, and the two differ.
      expect(new Set(answers['toy-story']).size).toBe(1);
      expect(new Set(answers['toy-random']).size).toBe(1);
      expect(answers['toy-story']?.[0]).not.toBe(answers['toy-random']?.[0]);
      const status = await (await fetch(`${gateway.url}/admin/status`)).json();
      const starts = Object.fromEntries(
        status.workers.map((worker: { name: string; starts: number }) => [worker.name, worker.starts]),
      );
      expect(starts).toEqual({ 'tiny-story': 3, 'tiny-random': 2 });
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toContain('klody_gateway_worker_evictions_total{worker="tiny-story"} 2');
      expect(metrics).toContain('klody_gateway_worker_evictions_total{worker="tiny-random"} 2');
    }, 120_000);

    it('the budget comes from measured footprints: each fits, both do not', async () => {
      await gateway.manager.tick();
      const status = await (await fetch(`${gateway.url}/admin/status`)).json();
      const story = status.workers.find((worker: { name: string }) => worker.name === 'tiny-story');
      expect(story.state).toBe('ready');
      expect(story.measuredGb).toBeGreaterThan(0.05);
      expect(story.measuredGb).toBeLessThan(status.budgetGb);
      expect(story.measuredGb * 2).toBeGreaterThan(status.budgetGb);
    });
  },
);
