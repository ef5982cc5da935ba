// The command as a user runs it (tsx on sources), on an empty models folder and on the real one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRequiringModels } from './describe-requiring-models.js';
import { catalogue } from './model-catalogue.js';
import { modelsFolder, readManifest } from './model-manifest.js';
import { repositoryRoot } from './repository-root.js';

const root = repositoryRoot;

function klodyModels(args: string[], environment: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@klody/source',
      join(root, 'tooling', 'models', 'src', 'cli.ts'),
      ...args,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...environment }, timeout: 60_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('klody-models on a folder with nothing installed', () => {
  const empty = { KLODY_MODELS_DIR: mkdtempSync(join(tmpdir(), 'klody-models-empty-')) };

  it('lists the catalogue as one JSON line, nothing installed', () => {
    const listed = klodyModels(['list', '--json'], empty);
    expect(listed.status).toBe(0);
    expect(listed.stdout.trim().split('\n')).toHaveLength(1);
    const body = JSON.parse(listed.stdout);
    expect(body.models.map((model: { name: string }) => model.name)).toEqual(
      catalogue.map((model) => model.name),
    );
    expect(
      body.models.every(
        (model: { installed: boolean; path: null }) => !model.installed && model.path === null,
      ),
    ).toBe(true);
  });

  it('says "not installed" (exit 1) and "unknown" (exit 2), with one JSON line under --json', () => {
    const missing = klodyModels(['path', 'gemma-3-270m', '--json'], empty);
    expect(missing.status).toBe(1);
    expect(JSON.parse(missing.stdout).error.message).toMatch(/pnpm klody-models install/);
    const unknown = klodyModels(['path', 'no-such-model'], empty);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no model "no-such-model" \(known: gemma-3-270m/);
    expect(klodyModels(['frobnicate'], empty).status).toBe(2);
  });
});

describeRequiringModels(
  catalogue.map((model) => model.name),
  'the installed models',
  () => {
    it('are the files the manifest names, with its sizes and sha256', () => {
      const manifest = readManifest(modelsFolder(root));
      expect(manifest?.models.map((model) => model.name)).toEqual(catalogue.map((model) => model.name));
      for (const model of manifest?.models ?? []) {
        const bytes = readFileSync(model.path);
        expect(bytes.length).toBe(model.sizeBytes);
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(model.sha256);
      }
      const path = klodyModels(['path', 'gemma-3-270m']);
      expect(path.stdout.trim()).toBe(manifest?.models[0]?.path);
      // A GGUF file starts with its magic number.
      expect(readFileSync(path.stdout.trim()).subarray(0, 4).toString('latin1')).toBe('GGUF');
    });
  },
);
