// `{installed:<model>}` and `{installed:<model>:<program>}` in a registry: the files and programs that
// `pnpm klody-models install` put on this machine, read from its manifest.json. A registry of real
// models then names them (`{installed:gemma-3-270m}`) instead of hard-coding one machine's paths, and
// the same file works in every checkout, wherever the models were installed (KLODY_MODELS_DIR).
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { GatewayError } from '../errors/index.js';

// The part of the manifest (written by tooling/models) the gateway reads: where each model's file and
// programs are. The rest (sizes, hashes, licences) is for people and the installer.
const manifestSchema = z.object({
  models: z.array(
    z.object({
      name: z.string(),
      path: z.string(),
      executables: z.record(z.string(), z.string()).default({}),
    }),
  ),
});

export type InstalledModels = z.output<typeof manifestSchema>['models'];

const placeholderPattern = /\{installed:([^{}:]+)(?::([^{}]+))?\}/g;

/** Whether a text names an installed model (so the manifest must be read). */
export function usesInstalledModels(text: string): boolean {
  return new RegExp(placeholderPattern.source).test(text);
}

/**
 * The models folder: KLODY_MODELS_DIR when set (where the installer put them), else the registry's
 * `modelsFolder`, relative to the registry file. Null when neither says.
 */
export function installedModelsFolder(
  modelsFolder: string | undefined,
  directory: string,
  environment: NodeJS.ProcessEnv,
): string | null {
  if (environment.KLODY_MODELS_DIR) return resolve(environment.KLODY_MODELS_DIR);
  if (modelsFolder === undefined) return null;
  return isAbsolute(modelsFolder) ? modelsFolder : resolve(directory, modelsFolder);
}

const installHint = 'install them with `pnpm klody-models install`';

/** Reads the manifest of a models folder; a registry that needs it and finds none is a config error. */
export function readInstalledModels(folder: string): InstalledModels {
  const path = join(folder, 'manifest.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new GatewayError('invalid_config', `no installed models: ${path} does not exist (${installHint})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new GatewayError('invalid_config', `${path} is not JSON (${installHint} again)`);
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success) {
    throw new GatewayError('invalid_config', `${path} is not a models manifest (${installHint} again)`);
  }
  return result.data.models;
}

/** Replaces every `{installed:<model>}` (the model's file) and `{installed:<model>:<program>}` in a text. */
export function substituteInstalledModels(text: string, models: InstalledModels, where: string): string {
  return text.replace(placeholderPattern, (_whole, name: string, program: string | undefined) => {
    const model = models.find((candidate) => candidate.name === name);
    if (!model) {
      throw new GatewayError(
        'invalid_config',
        `${where}: the model "${name}" is not installed (installed: ${models.map((candidate) => candidate.name).join(', ') || 'none'}; ${installHint})`,
      );
    }
    if (program === undefined) return model.path;
    const path = model.executables[program];
    if (path === undefined) {
      throw new GatewayError(
        'invalid_config',
        `${where}: the model "${name}" has no program "${program}" (it has: ${Object.keys(model.executables).join(', ') || 'none'})`,
      );
    }
    return path;
  });
}
