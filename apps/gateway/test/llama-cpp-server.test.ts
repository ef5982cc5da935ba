// A worker we did not write, with real weights, through the whole lifecycle: llama-cpp-python's
// OpenAI-compatible server (`python -m llama_cpp.server`) on Gemma 3 270M, spawned by the gateway,
// health-checked, answering a chat completion, adopted by a restarted gateway (same PID, no spawn),
// evicted when the budget needs room for multilingual-e5-small, and leaving no process behind.
import { e5WorkerEntry, freePorts, installedModel, isProcessAlive } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningGateway } from '../src/server/index.js';
import {
  killRecordedWorkers,
  postJson,
  startQuietGateway,
  temporaryHome,
  waitFor,
  writeRegistry,
} from './helpers.js';

describeRequiring(
  { models: ['gemma-3-270m', 'llama-cpp-server', 'multilingual-e5-small'] },
  'llama-cpp-python’s server as a managed worker (Gemma 3 270M)',
  () => {
    const home = temporaryHome();
    let config: string;
    let llamaPort: number;
    let gateway: RunningGateway | undefined;

    async function status(): Promise<
      Record<string, { state: string; pid: number | null; adopted: boolean; starts: number }>
    > {
      const answer = await (await fetch(`${(gateway as RunningGateway).url}/admin/status`)).json();
      return Object.fromEntries(
        (
          answer.workers as Array<{
            name: string;
            state: string;
            pid: number | null;
            adopted: boolean;
            starts: number;
          }>
        ).map((worker) => [worker.name, worker]),
      );
    }

    async function chat(): Promise<Response> {
      return postJson(`${(gateway as RunningGateway).url}/v1/chat/completions`, {
        model: 'brain-llamacpp',
        messages: [{ role: 'user', content: 'Name three colours.' }],
        temperature: 0,
        max_tokens: 8,
      });
    }

    beforeAll(async () => {
      let embedPort: number;
      [llamaPort, embedPort] = (await freePorts(2)) as [number, number];
      config = writeRegistry(home, {
        // Room for either worker, never both: e5's estimate (before it is measured) is made large on
        // purpose, so that loading it must evict the llama.cpp worker whatever that one measures.
        budgetGb: 1,
        workers: [
          {
            name: 'gemma-llamacpp',
            aliases: ['brain-llamacpp'],
            command: installedModel('llama-cpp-server').executables.python as string,
            args: [
              '-m',
              'llama_cpp.server',
              '--model',
              installedModel('gemma-3-270m').path,
              '--host',
              '127.0.0.1',
              '--port',
              '{port}',
              '--n_ctx',
              '512',
              '--n_threads',
              '1',
              '--n_threads_batch',
              '1',
              '--chat_format',
              'gemma',
            ],
            env: { API_KEY: '{workerKey}', HOST: '127.0.0.1', PORT: '{port}' },
            port: llamaPort,
            healthPath: '/docs',
            estimatedGb: 0.4,
            startTimeoutSeconds: 120,
            stopTimeoutSeconds: 5,
          },
          e5WorkerEntry(embedPort, { estimatedGb: 0.8, stopTimeoutSeconds: 5 }),
        ],
      });
      gateway = await startQuietGateway(home, config);
    }, 60_000);

    afterAll(async () => {
      await gateway?.close({ workers: true });
      killRecordedWorkers(home);
    });

    let llamaPid: number;

    it('is spawned and health-checked on first use, then answers a chat completion through the gateway', async () => {
      const response = await chat();
      expect(response.status).toBe(200);
      const answer = await response.json();
      expect(typeof answer.choices[0].message.content).toBe('string');
      expect(answer.usage.completion_tokens).toBeGreaterThan(0);
      // Gemma's turn format around the question: more tokens than the question alone.
      expect(answer.usage.prompt_tokens).toBeGreaterThan(8);
      const worker = (await status())['gemma-llamacpp'];
      expect(worker).toMatchObject({ state: 'ready', adopted: false, starts: 1 });
      llamaPid = worker?.pid as number;
      expect(isProcessAlive(llamaPid)).toBe(true);
    }, 120_000);

    it('answers only the gateway: its own port refuses a request without this spawn’s key', async () => {
      const response = await fetch(`http://127.0.0.1:${llamaPort}/v1/models`);
      expect(response.status).toBe(401);
    });

    it('is adopted by a restarted gateway: same PID, no new spawn, still answering', async () => {
      await (gateway as RunningGateway).close();
      gateway = undefined;
      expect(isProcessAlive(llamaPid)).toBe(true);
      gateway = await startQuietGateway(home, config);
      expect((await status())['gemma-llamacpp']).toMatchObject({
        state: 'ready',
        adopted: true,
        pid: llamaPid,
      });
      const response = await chat();
      expect(response.status).toBe(200);
      expect((await response.json()).usage.completion_tokens).toBeGreaterThan(0);
      expect((await status())['gemma-llamacpp']).toMatchObject({ pid: llamaPid, starts: 0 });
    }, 60_000);

    it('is evicted, its process gone, when the budget needs room for the embedder', async () => {
      const response = await postJson(`${(gateway as RunningGateway).url}/v1/embeddings`, {
        model: 'embed',
        input: ['bonjour'],
      });
      expect(response.status).toBe(200);
      expect((await response.json()).data[0].embedding).toHaveLength(384);
      const workers = await status();
      expect(workers['gemma-llamacpp']).toMatchObject({ state: 'stopped', pid: null });
      expect(workers.e5?.state).toBe('ready');
      expect(isProcessAlive(llamaPid)).toBe(false);
    }, 60_000);

    it('stops cleanly with the gateway: no worker process left', async () => {
      const e5Pid = (await status()).e5?.pid as number;
      expect(isProcessAlive(e5Pid)).toBe(true);
      await (gateway as RunningGateway).close({ workers: true });
      gateway = undefined;
      await waitFor(
        () => !isProcessAlive(e5Pid) && !isProcessAlive(llamaPid),
        10_000,
        'every worker to exit',
      );
    }, 30_000);
  },
);
