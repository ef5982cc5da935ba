import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseGatewayRegistry, installedModelNames, realRegistry, toyRegistry } from './gateway-registry.js';
import { klodyServices } from './klody-services.js';

const repositoryRoot = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..');

// A checkout with both example registries (the real small.yaml, so that the test follows the names it
// really uses) and, when given, a models manifest listing `installed`.
function checkout(installed: string[] | null, modelsFolder?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'klody-registry-choice-'));
  for (const registry of [realRegistry, toyRegistry]) {
    mkdirSync(dirname(join(root, registry)), { recursive: true });
    writeFileSync(join(root, registry), readFileSync(join(repositoryRoot, registry)));
  }
  mkdirSync(join(root, 'apps/gateway/src'), { recursive: true });
  writeFileSync(join(root, 'apps/gateway/src/cli.ts'), '');
  if (installed) {
    const folder = modelsFolder ?? join(root, '.tools', 'models');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'manifest.json'),
      JSON.stringify({ models: installed.map((name) => ({ name, path: `/m/${name}` })) }),
    );
  }
  return root;
}

const smallNeeds = installedModelNames(readFileSync(join(repositoryRoot, realRegistry), 'utf8'));

describe('the registry npm start gives the gateway', () => {
  it('small.yaml names the real models it takes from the install', () => {
    expect([...smallNeeds].sort()).toEqual([
      'gemma-3-270m',
      'llama-cpp-server',
      'multilingual-e5-small',
      'piper-joe-en-us',
      'whisper-base',
    ]);
  });

  it('leaves out placeholders in comments and names no model could have', () => {
    const text =
      '# `{installed:<model>}` is a file\n  # {installed:qwen}\nx: "{installed:e5:serve}" # {installed:<m>}';
    expect(installedModelNames(text)).toEqual(['e5']);
  });

  it('is small.yaml once every model it names is installed, and says so', () => {
    const root = checkout(smallNeeds);
    const choice = chooseGatewayRegistry({ root, env: {} });
    expect(choice).toMatchObject({ path: join(root, realRegistry), source: 'real-models' });
    expect(choice.notice).toContain('apps/gateway/examples/small.yaml');
    expect(klodyServices({ root, env: {} })[0]?.args).toContain(join(root, realRegistry));
  });

  it('reads the manifest from KLODY_MODELS_DIR when it is set', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'klody-models-'));
    const root = checkout(smallNeeds, elsewhere);
    expect(chooseGatewayRegistry({ root, env: {} }).source).toBe('toy-models');
    expect(chooseGatewayRegistry({ root, env: { KLODY_MODELS_DIR: elsewhere } }).source).toBe('real-models');
  });

  it('is the toy registry with the install command when nothing, or not everything, is installed', () => {
    const bare = checkout(null);
    const none = chooseGatewayRegistry({ root: bare, env: {} });
    expect(none).toMatchObject({ path: join(bare, toyRegistry), source: 'toy-models' });
    expect(none.notice).toContain('For the real small models, run: pnpm klody-models install');
    const partial = checkout(smallNeeds.filter((name) => name !== 'llama-cpp-server'));
    const choice = chooseGatewayRegistry({ root: partial, env: {} });
    expect(choice.source).toBe('toy-models');
    expect(choice.notice).toContain('not installed: llama-cpp-server');
    const broken = checkout(null);
    mkdirSync(join(broken, '.tools', 'models'), { recursive: true });
    writeFileSync(join(broken, '.tools', 'models', 'manifest.json'), '{not json');
    expect(chooseGatewayRegistry({ root: broken, env: {} }).source).toBe('toy-models');
  });

  it('is the user’s registry when KLODY_GATEWAY_CONFIG names one, installed models or not', () => {
    const root = checkout(smallNeeds);
    expect(
      chooseGatewayRegistry({ root, env: { KLODY_GATEWAY_CONFIG: '/etc/klody/models.yaml' } }),
    ).toMatchObject({
      path: '/etc/klody/models.yaml',
      source: 'environment',
    });
  });
});
