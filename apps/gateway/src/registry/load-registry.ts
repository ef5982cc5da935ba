import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../errors/index.js';
import { expandEnvironment } from './environment-expansion.js';
import {
  type InstalledModels,
  installedModelsFolder,
  readInstalledModels,
  substituteInstalledModels,
  usesInstalledModels,
} from './installed-models.js';
import { isRemote, type ManagedWorkerConfig, type Registry, registrySchema } from './registry-schema.js';

/** A loaded registry, with the folder its relative paths resolve against. */
export interface LoadedRegistry {
  registry: Registry;
  path: string | null;
  directory: string;
}

// A worker is a union (remote or managed): when neither matches, zod reports "invalid input" at the
// worker. The option with the fewest problems is the one the author meant, so its issues are shown,
// with their full path.
function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      lines.push(...flattenIssues(closest, path));
    } else {
      lines.push(`${path.length > 0 ? path.map(String).join('.') : '(root)'}: ${issue.message}`);
    }
  }
  return lines;
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return flattenIssues(issues).join('; ');
}

// `{installed:…}` in a managed worker's command, arguments, environment, cwd and embedded model become
// the installed models' paths. The manifest is read only when a placeholder asks for it, so registries
// without real models never depend on an install.
function substituteInstalled(
  worker: ManagedWorkerConfig,
  index: number,
  installedModels: () => InstalledModels,
): void {
  const substitute = (text: string, field: string) =>
    usesInstalledModels(text)
      ? substituteInstalledModels(text, installedModels(), `workers.${index}.${field}`)
      : text;
  if (worker.command !== undefined) worker.command = substitute(worker.command, 'command');
  worker.args = worker.args.map((argument, position) => substitute(argument, `args.${position}`));
  for (const [name, text] of Object.entries(worker.env)) worker.env[name] = substitute(text, `env.${name}`);
  if (worker.cwd !== undefined) worker.cwd = substitute(worker.cwd, 'cwd');
  if (worker.embedded) worker.embedded.model = substitute(worker.embedded.model, 'embedded.model');
}

/**
 * Validates a parsed registry; paths in it resolve against `directory`, `${env.NAME}` against
 * `environment`. Errors name the bad field's path.
 */
export function parseRegistry(
  value: unknown,
  directory: string,
  source = 'registry',
  environment: NodeJS.ProcessEnv = process.env,
): LoadedRegistry {
  // `${env.NAME}` first, so that the expanded values are validated like written ones.
  const result = registrySchema.safeParse(expandEnvironment(value, environment, source));
  if (!result.success) {
    throw new GatewayError('invalid_config', `${source}: ${describeIssues(result.error.issues)}`);
  }
  const registry = result.data;
  let installed: InstalledModels | undefined;
  const installedModels = (): InstalledModels => {
    if (installed) return installed;
    const folder = installedModelsFolder(registry.modelsFolder, directory, environment);
    if (folder === null) {
      throw new GatewayError(
        'invalid_config',
        `${source}: {installed:…} needs the models folder: set "modelsFolder" in the registry or KLODY_MODELS_DIR`,
      );
    }
    installed = readInstalledModels(folder);
    return installed;
  };
  for (const [index, worker] of registry.workers.entries()) {
    if (isRemote(worker)) continue;
    substituteInstalled(worker, index, installedModels);
    if (worker.embedded && !isAbsolute(worker.embedded.model)) {
      worker.embedded.model = resolve(directory, worker.embedded.model);
    }
    // A command written as a relative path ("./bin/server") is relative to the file, like the model;
    // a bare name ("llama-server") is looked up on PATH.
    if (worker.command && /^\.\.?\//.test(worker.command))
      worker.command = resolve(directory, worker.command);
    if (worker.cwd && !isAbsolute(worker.cwd)) worker.cwd = resolve(directory, worker.cwd);
  }
  return { registry, path: null, directory };
}

/** Reads and validates a YAML (or JSON, which is YAML) registry file. */
export function loadRegistry(path: string, environment: NodeJS.ProcessEnv = process.env): LoadedRegistry {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new GatewayError(
      'invalid_config',
      `cannot read the registry ${absolute}: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new GatewayError('invalid_config', `${absolute} is not valid YAML: ${(error as Error).message}`);
  }
  const loaded = parseRegistry(value, dirname(absolute), absolute, environment);
  return { ...loaded, path: absolute };
}
