import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../errors/index.js';
import { isRemote, type Registry, registrySchema } from './registry-schema.js';

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

/** Validates a parsed registry; paths in it resolve against `directory`. Errors name the bad field's path. */
export function parseRegistry(value: unknown, directory: string, source = 'registry'): LoadedRegistry {
  const result = registrySchema.safeParse(value);
  if (!result.success) {
    throw new GatewayError('invalid_config', `${source}: ${describeIssues(result.error.issues)}`);
  }
  const registry = result.data;
  for (const worker of registry.workers) {
    if (isRemote(worker)) continue;
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
export function loadRegistry(path: string): LoadedRegistry {
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
  const loaded = parseRegistry(value, dirname(absolute), absolute);
  return { ...loaded, path: absolute };
}
