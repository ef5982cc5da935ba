// Which registry `npm start` gives the gateway: the user's (KLODY_GATEWAY_CONFIG); else the small real
// models (apps/gateway/examples/small.yaml) once `pnpm klody-models install` has put every model that
// file names on this machine; else the toy models, with the one command that installs the real ones.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const realRegistry = 'apps/gateway/examples/small.yaml';
export const toyRegistry = 'apps/gateway/examples/tiny.yaml';
export const installCommand = 'pnpm klody-models install';

export interface GatewayRegistryChoice {
  /** The registry file the gateway starts with. */
  path: string;
  /** Where it came from: the user's variable, the installed real models, or the toy fallback. */
  source: 'environment' | 'real-models' | 'toy-models';
  /** One line for the person who ran `npm start`. */
  notice: string;
}

/**
 * The model names a registry takes from the install: its `{installed:<model>}` and
 * `{installed:<model>:<program>}` values. Comments are left out (small.yaml explains the placeholders
 * in its comments), and so are names no model could have.
 */
export function installedModelNames(registryText: string): string[] {
  const names = new Set<string>();
  const values = registryText
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
  for (const match of values.matchAll(/\{installed:([A-Za-z0-9][A-Za-z0-9._-]*)(?::[^{}]+)?\}/g))
    names.add(match[1] as string);
  return [...names];
}

// The models folder and its manifest.json as tooling/models writes them (KLODY_MODELS_DIR, else
// .tools/models). Only the names are read: whether each model is installed is all this choice needs,
// and the gateway reads the paths itself when it loads the registry.
function installedNames(root: string, env: NodeJS.ProcessEnv): Set<string> {
  const folder = env.KLODY_MODELS_DIR ? resolve(env.KLODY_MODELS_DIR) : join(root, '.tools', 'models');
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as {
      models?: Array<{ name?: unknown }>;
    };
    return new Set((manifest.models ?? []).map((model) => String(model.name)));
  } catch {
    return new Set();
  }
}

export function chooseGatewayRegistry({
  root,
  env = process.env,
}: {
  root: string;
  env?: NodeJS.ProcessEnv;
}): GatewayRegistryChoice {
  if (env.KLODY_GATEWAY_CONFIG) {
    const path = resolve(env.KLODY_GATEWAY_CONFIG);
    return { path, source: 'environment', notice: `gateway registry: ${path} (KLODY_GATEWAY_CONFIG)` };
  }
  const real = join(root, realRegistry);
  const toy = join(root, toyRegistry);
  const needed = existsSync(real) ? installedModelNames(readFileSync(real, 'utf8')) : [];
  const installed = installedNames(root, env);
  const missing = needed.filter((name) => !installed.has(name));
  if (needed.length > 0 && missing.length === 0) {
    return {
      path: real,
      source: 'real-models',
      notice: `gateway registry: ${realRegistry}, the installed real models (${needed.join(', ')})`,
    };
  }
  const why =
    needed.length === 0 ? 'no real-model registry in this checkout' : `not installed: ${missing.join(', ')}`;
  return {
    path: toy,
    source: 'toy-models',
    notice: `gateway registry: ${toyRegistry}, toy models only (${why}). For the real small models, run: ${installCommand}`,
  };
}
