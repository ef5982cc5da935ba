import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../registry/index.js';
import { createWorkerKey, workerCommand, workerEnvironment, workerKeyVariable } from './worker-command.js';

function llamaServer() {
  const { registry, directory } = parseRegistry(
    {
      budgetGb: 4,
      workers: [
        {
          name: 'qwen',
          command: 'llama-server',
          args: ['--port', '{port}'],
          env: { LLAMA_API_KEY: '{workerKey}', MODEL_HOME: '{configDir}/models' },
          port: 8101,
          estimatedGb: 1,
        },
      ],
    },
    '/etc/klody',
  );
  const worker = registry.workers[0];
  if (!worker || !('port' in worker)) throw new Error('a managed worker was expected');
  return { worker, directory };
}

describe('a spawned worker’s key', () => {
  it('is new at each spawn and long enough not to be guessed', () => {
    const keys = new Set(Array.from({ length: 20 }, () => createWorkerKey()));
    expect(keys.size).toBe(20);
    for (const key of keys) expect(key).toMatch(/^[\w-]{43}$/);
  });

  it('reaches the worker in its environment, through {workerKey} too, never on its command line', () => {
    const { worker, directory } = llamaServer();
    const environment = workerEnvironment(worker, directory, 'the-key');
    expect(environment).toEqual({
      LLAMA_API_KEY: 'the-key',
      MODEL_HOME: '/etc/klody/models',
      [workerKeyVariable]: 'the-key',
    });
    expect(workerCommand(worker, directory).args.join(' ')).not.toContain('the-key');
  });
});
