import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from './load-registry.js';

const folder = mkdtempSync(join(tmpdir(), 'klody-installed-'));

function writeManifest(modelsFolder: string, models: unknown[]): void {
  mkdirSync(modelsFolder, { recursive: true });
  writeFileSync(
    join(modelsFolder, 'manifest.json'),
    JSON.stringify({ installedAt: '2026-11-30T00:00:00Z', python: '3.11.7', models }),
  );
}

writeManifest(join(folder, 'models'), [
  { name: 'gemma', kind: 'chat', path: '/opt/m/gemma.gguf', executables: {} },
  { name: 'e5', kind: 'embedding', path: '/opt/m/e5.bin', executables: { serve: '/opt/venv/bin/serve' } },
]);

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const registry = `budgetGb: 1
modelsFolder: ./models
workers:
  - name: brain
    embedded: { model: "{installed:gemma}" }
    port: 18001
    estimatedGb: 0.5
  - name: embed
    command: "{installed:e5:serve}"
    args: [--weights, "{installed:e5}", --port, "{port}"]
    env: { WEIGHTS: "{installed:e5}", KEY: "{workerKey}" }
    port: 18002
    estimatedGb: 0.2
`;

describe('{installed:…} placeholders', () => {
  it('become the paths of the manifest in the registry’s modelsFolder, spawn-time placeholders left alone', () => {
    const { registry: loaded } = loadRegistry(write('real.yaml', registry), {});
    expect(loaded.workers[0]).toMatchObject({ embedded: { model: '/opt/m/gemma.gguf' } });
    expect(loaded.workers[1]).toMatchObject({
      command: '/opt/venv/bin/serve',
      args: ['--weights', '/opt/m/e5.bin', '--port', '{port}'],
      env: { WEIGHTS: '/opt/m/e5.bin', KEY: '{workerKey}' },
    });
  });

  it('read KLODY_MODELS_DIR before the registry’s folder', () => {
    const elsewhere = join(folder, 'elsewhere');
    writeManifest(elsewhere, [
      { name: 'gemma', path: '/srv/gemma.gguf', executables: {} },
      { name: 'e5', path: '/srv/e5.bin', executables: { serve: '/srv/serve' } },
    ]);
    const { registry: loaded } = loadRegistry(write('real.yaml', registry), { KLODY_MODELS_DIR: elsewhere });
    expect(loaded.workers[0]).toMatchObject({ embedded: { model: '/srv/gemma.gguf' } });
    expect(loaded.workers[1]).toMatchObject({ command: '/srv/serve' });
  });

  it('name the field, the missing model and the install command', () => {
    const path = write('missing.yaml', registry.replace('{installed:gemma}', '{installed:qwen}'));
    expect(() => loadRegistry(path, {})).toThrow(
      /workers\.0\.embedded\.model: the model "qwen" is not installed \(installed: gemma, e5; install them with `pnpm klody-models install`\)/,
    );
    const program = write('program.yaml', registry.replace('{installed:e5:serve}', '{installed:e5:nope}'));
    expect(() => loadRegistry(program, {})).toThrow(
      /workers\.1\.command: the model "e5" has no program "nope"/,
    );
  });

  it('say when nothing is installed or no folder is given', () => {
    const empty = write('empty.yaml', registry.replace('./models', './nothing-here'));
    expect(() => loadRegistry(empty, {})).toThrow(
      /no installed models: .*nothing-here\/manifest\.json does not exist/,
    );
    const unset = write('unset.yaml', registry.replace('modelsFolder: ./models\n', ''));
    expect(() => loadRegistry(unset, {})).toThrow(/set "modelsFolder" in the registry or KLODY_MODELS_DIR/);
  });

  it('leave a registry without them independent of any install', () => {
    const path = write(
      'plain.yaml',
      'budgetGb: 1\nmodelsFolder: ./nothing-here\nworkers:\n  - name: a\n    command: x\n    port: 18003\n    estimatedGb: 1\n',
    );
    expect(loadRegistry(path, {}).registry.workers[0]).toMatchObject({ command: 'x' });
  });
});
