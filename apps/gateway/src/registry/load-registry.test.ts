import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/index.js';
import { loadRegistry, parseRegistry } from './load-registry.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-registry-'));

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('loadRegistry', () => {
  it('loads YAML, applies defaults and resolves paths against the file', () => {
    const path = write(
      'ok.yaml',
      `budgetGb: 1
workers:
  - name: story
    aliases: [toy-story]
    embedded: { model: models/s.gguf }
    port: 18001
    estimatedGb: 0.2
    defaults: { stop: ["</s>"] }
  - name: remote
    url: http://127.0.0.1:11434/v1
    aliases: [llama3]
`,
    );
    const { registry, directory } = loadRegistry(path);
    expect(directory).toBe(folder);
    const story = registry.workers[0];
    expect(story).toMatchObject({
      name: 'story',
      kind: 'chat',
      slots: 1,
      healthPath: '/health',
      pinned: false,
      startTimeoutSeconds: 120,
      embedded: { model: join(folder, 'models/s.gguf'), threads: 1, chatWrapper: 'general' },
      defaults: { stop: ['</s>'] },
    });
    expect(registry.server).toMatchObject({ host: '127.0.0.1', port: 8090, allowNonLoopback: false });
    expect(registry.workers[1]).toMatchObject({ url: 'http://127.0.0.1:11434/v1' });
  });

  it('names the path of a bad field', () => {
    const path = write(
      'bad.yaml',
      'budgetGb: 1\nworkers:\n  - name: a\n    command: x\n    port: "eighty"\n    estimatedGb: 1\n',
    );
    expect(() => loadRegistry(path)).toThrow(/workers\.0\.port/);
  });

  it('refuses duplicate aliases and ports, naming both', () => {
    const value = {
      budgetGb: 4,
      workers: [
        { name: 'a', command: 'x', port: 1000, estimatedGb: 1, aliases: ['chat'] },
        { name: 'b', command: 'y', port: 1000, estimatedGb: 1, aliases: ['chat'] },
      ],
    };
    try {
      parseRegistry(value, folder);
      throw new Error('expected a failure');
    } catch (error) {
      expect(GatewayError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /workers\.1\.aliases\.0: alias "chat" is already used by worker "a"/,
      );
      expect((error as Error).message).toMatch(/workers\.1\.port: port 1000/);
    }
  });

  it('needs exactly one of command or embedded', () => {
    expect(() =>
      parseRegistry({ budgetGb: 1, workers: [{ name: 'a', port: 1, estimatedGb: 1 }] }, folder),
    ).toThrow(/workers\.0\.command: a managed worker needs exactly one/);
  });

  it('refuses unknown keys and bad YAML with the file named', () => {
    expect(() => parseRegistry({ budgetGb: 1, workers: [], colour: 'red' }, folder)).toThrow(
      /colour|workers/,
    );
    const path = write('broken.yaml', 'budgetGb: [1\n');
    expect(() => loadRegistry(path)).toThrow(/broken\.yaml is not valid YAML/);
    expect(() => loadRegistry(join(folder, 'missing.yaml'))).toThrow(/cannot read the registry/);
  });
});

describe('the shipped examples', () => {
  const examples = join(import.meta.dirname, '..', '..', 'examples');
  for (const file of [
    'tiny.yaml',
    'llama-server.yaml',
    'ollama-remote.yaml',
    'mlx-lm.yaml',
    'vllm.yaml',
    'voice.yaml',
  ]) {
    it(`${file} is a valid registry`, () => {
      const { registry } = loadRegistry(join(examples, file));
      expect(registry.workers.length).toBeGreaterThan(0);
    });
  }

  it('the toy example never poses as the real brain or embed models', () => {
    const { registry } = loadRegistry(join(examples, 'tiny.yaml'));
    const aliases = registry.workers.flatMap((worker) => [worker.name, ...worker.aliases]);
    expect(aliases).not.toContain('brain');
    expect(aliases).not.toContain('embed');
  });
});
