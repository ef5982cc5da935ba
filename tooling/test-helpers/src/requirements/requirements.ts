import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { modelsFolder, readManifest } from '@klody/models';
import { repositoryRoot, testDataDir } from '../data/test-data.js';
import { findPythonMcpClient, missingPythonMcpClient } from '../python-mcp-client/python-mcp-client.js';
import { findExecutable } from './find-executable.js';

/** What a test needs from the machine: shared data files, programs on PATH, installed models and clients. */
export interface Requirements {
  /** Paths relative to the shared test data folder, e.g. `models/stories260K.gguf`. */
  data?: readonly string[];
  /** Executable names looked up on PATH (or absolute paths), e.g. `espeak-ng`, `chromium`. */
  tools?: readonly string[];
  /** Real models installed by `pnpm klody-models install`, by name, e.g. `gemma-3-270m`. */
  models?: readonly string[];
  /**
   * The Python MCP SDK that `runPythonMcpClient` drives servers with (.tools/python-clients/venv, put
   * there by `pnpm klody-models install`).
   */
  pythonMcpClient?: boolean;
}

export type RequirementDecision =
  | { action: 'run' }
  | { action: 'skip'; reason: string }
  | { action: 'fail'; reason: string };

export interface RequirementContext {
  env?: NodeJS.ProcessEnv;
  /** Where the shared data lives; defaults to `testDataDir(env)`. */
  dataDir?: string;
}

/** True when the tests run in CI (`CI=true` or `CI=1`), where nothing may be skipped for want of a tool. */
export function isContinuousIntegration(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').toLowerCase();
  return value === 'true' || value === '1';
}

/** One human-readable line per missing requirement. */
export function findMissingRequirements(
  requirements: Requirements,
  context: RequirementContext = {},
): string[] {
  const env = context.env ?? process.env;
  const missing: string[] = [];
  if (requirements.data && requirements.data.length > 0) {
    const dataDir = context.dataDir ?? testDataDir(env);
    for (const path of requirements.data) {
      const full = join(dataDir, path);
      if (!existsSync(full))
        missing.push(`test data ${full} is missing (set KLODY_TEST_DATA to the shared data folder)`);
    }
  }
  if (requirements.models && requirements.models.length > 0) {
    const installed = readManifest(modelsFolder(repositoryRoot(), env))?.models ?? [];
    for (const name of requirements.models) {
      if (!installed.some((model) => model.name === name))
        missing.push(`model ${name} is not installed (run: pnpm klody-models install)`);
    }
  }
  if (requirements.pythonMcpClient && !findPythonMcpClient(env)) missing.push(missingPythonMcpClient(env));
  for (const tool of requirements.tools ?? []) {
    if (!findExecutable(tool, env.PATH)) missing.push(`${tool} is not installed (not found on PATH)`);
  }
  return missing;
}

/**
 * The rule every test follows: with everything present it runs; with something missing it is
 * skipped with the reason on a developer's machine, and fails under CI, where a skip would hide a
 * missing install step.
 */
export function decideRequirements(
  requirements: Requirements,
  context: RequirementContext = {},
): RequirementDecision {
  const missing = findMissingRequirements(requirements, context);
  if (missing.length === 0) return { action: 'run' };
  const reason = missing.join('; ');
  return isContinuousIntegration(context.env ?? process.env)
    ? { action: 'fail', reason }
    : { action: 'skip', reason };
}
