import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run-fixture.js';
import { findPythonMcpClient } from '../python-mcp-client/index.js';
import { findExecutable } from './find-executable.js';
import { decideRequirements, findMissingRequirements, isContinuousIntegration } from './requirements.js';

const dataDir = mkdtempSync(join(tmpdir(), 'klody-data-'));
writeFileSync(join(dataDir, 'present.txt'), 'here');
const missingTool = 'klody-tool-that-does-not-exist';

describe('requirements', () => {
  it('runs when the data and the tools are there', () => {
    const env = { PATH: process.env.PATH, CI: 'true' };
    expect(decideRequirements({ data: ['present.txt'], tools: ['node'] }, { env, dataDir })).toEqual({
      action: 'run',
    });
  });

  it('skips with the reason on a developer machine', () => {
    const decision = decideRequirements(
      { tools: [missingTool] },
      { env: { PATH: process.env.PATH }, dataDir },
    );
    expect(decision).toEqual({
      action: 'skip',
      reason: `${missingTool} is not installed (not found on PATH)`,
    });
  });

  it('fails under CI=true instead of skipping', () => {
    const decision = decideRequirements(
      { tools: [missingTool] },
      { env: { PATH: process.env.PATH, CI: 'true' }, dataDir },
    );
    expect(decision.action).toBe('fail');
  });

  it('names every missing data file with where it was looked for', () => {
    const missing = findMissingRequirements(
      { data: ['present.txt', 'models/absent.gguf'] },
      { env: {}, dataDir },
    );
    expect(missing).toEqual([
      `test data ${join(dataDir, 'models/absent.gguf')} is missing (set KLODY_TEST_DATA to the shared data folder)`,
    ]);
  });

  it('reads CI the way CI systems set it', () => {
    expect(isContinuousIntegration({ CI: 'true' })).toBe(true);
    expect(isContinuousIntegration({ CI: '1' })).toBe(true);
    expect(isContinuousIntegration({ CI: 'false' })).toBe(false);
    expect(isContinuousIntegration({})).toBe(false);
  });

  it('finds executables on PATH and by absolute path, and nothing else', () => {
    expect(findExecutable('node')).not.toBeNull();
    expect(findExecutable(process.execPath)).toBe(process.execPath);
    expect(findExecutable(join(dataDir, 'present.txt'))).toBeNull();
    expect(findExecutable(missingTool)).toBeNull();
  });
});

describe('a whole vitest run with a missing tool', () => {
  it('fails under CI=true, naming the tool', () => {
    const run = runFixture('missing-tool.fixture.ts', { ...process.env, CI: 'true' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(missingTool);
    expect(run.output).toContain('missing under CI=true');
  });

  it('passes with the test skipped and the reason shown on a developer machine', () => {
    const env = { ...process.env };
    delete env.CI;
    const run = runFixture('missing-tool.fixture.ts', env);
    expect(run.status).toBe(0);
    expect(run.output).toContain(
      `skipping "needs a missing tool": ${missingTool} is not installed (not found on PATH)`,
    );
    expect(run.output).toMatch(/1 skipped/);
  });
});

describe('real models as requirements', () => {
  const modelsDir = mkdtempSync(join(tmpdir(), 'klody-models-'));
  const model = {
    name: 'tiny-test-model',
    kind: 'chat',
    description: 'a manifest entry written by this test',
    package: 'none',
    version: '0',
    licence: 'none',
    path: join(modelsDir, 'model.gguf'),
    sizeBytes: 4,
    sha256: 'a'.repeat(64),
    executables: {},
  };

  it('says how to install a model that is missing, and fails under CI', () => {
    const env = { KLODY_MODELS_DIR: modelsDir, CI: 'true' };
    const decision = decideRequirements({ models: ['tiny-test-model'] }, { env });
    expect(decision).toEqual({
      action: 'fail',
      reason: 'model tiny-test-model is not installed (run: pnpm klody-models install)',
    });
  });

  it('runs once the manifest lists it', () => {
    writeFileSync(
      join(modelsDir, 'manifest.json'),
      JSON.stringify({ installedAt: new Date().toISOString(), python: '3.11', models: [model] }),
    );
    expect(
      decideRequirements({ models: ['tiny-test-model'] }, { env: { KLODY_MODELS_DIR: modelsDir } }),
    ).toEqual({
      action: 'run',
    });
    expect(
      findMissingRequirements(
        { models: ['tiny-test-model', 'another'] },
        { env: { KLODY_MODELS_DIR: modelsDir } },
      ),
    ).toEqual(['model another is not installed (run: pnpm klody-models install)']);
  });
});

describe('the Python MCP client as a requirement', () => {
  const clientsDir = mkdtempSync(join(tmpdir(), 'klody-python-clients-'));

  it('says where it is looked for and how to install it, and fails under CI', () => {
    const env = { KLODY_PYTHON_CLIENTS_DIR: clientsDir, CI: 'true' };
    expect(decideRequirements({ pythonMcpClient: true }, { env })).toEqual({
      action: 'fail',
      reason: `the Python MCP client (mcp from PyPI) is not installed in ${join(clientsDir, 'venv')} (run: pnpm klody-models install)`,
    });
    expect(
      decideRequirements({ pythonMcpClient: true }, { env: { KLODY_PYTHON_CLIENTS_DIR: clientsDir } }).action,
    ).toBe('skip');
  });

  it('runs once the venv has a python and the install recorded the SDK', () => {
    const env = { KLODY_PYTHON_CLIENTS_DIR: clientsDir };
    mkdirSync(join(clientsDir, 'venv', 'bin'), { recursive: true });
    writeFileSync(join(clientsDir, 'venv', 'bin', 'python'), '');
    // A python without the install's record (an install that stopped half-way) is not enough.
    expect(decideRequirements({ pythonMcpClient: true }, { env }).action).toBe('skip');
    writeFileSync(
      join(clientsDir, 'installed.json'),
      JSON.stringify({ checkedAt: new Date().toISOString(), python: '3.11.7', packages: { mcp: '2.3.0' } }),
    );
    expect(decideRequirements({ pythonMcpClient: true }, { env })).toEqual({ action: 'run' });
    expect(findPythonMcpClient(env)).toBe(join(clientsDir, 'venv', 'bin', 'python'));
  });
});
