import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort, type ProcessReaper, type ReapedProcess, waitForHttp } from '@klody/test-helpers';

export interface Verdaccio {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  port: number;
  process: ReapedProcess;
}

export interface StartVerdaccioOptions {
  reaper: ProcessReaper;
  /** A temporary folder that receives the configuration and the storage. */
  folder: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

/**
 * A throwaway registry for the `@klody` scope only: anyone may read and publish `@klody/*`, nothing
 * else is served and nothing is proxied (`uplinks: {}`), so every other package must come from the
 * machine's own registry. No web UI, warnings only in the log.
 */
export function verdaccioConfiguration(folder: string): string {
  // JSON strings are valid YAML double-quoted scalars: paths need no further escaping.
  return [
    `storage: ${JSON.stringify(join(folder, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(folder, 'htpasswd'))}`,
    '    max_users: -1',
    'uplinks: {}',
    'packages:',
    "  '@klody/*':",
    '    access: $all',
    '    publish: $anonymous',
    'web:',
    '  enable: false',
    // @klody/memory ships dist and src: well above the 10 MB default would be a bug, not a limit.
    'max_body_size: 50mb',
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n');
}

function verdaccioBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('verdaccio/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.verdaccio;
  if (!bin) throw new Error(`verdaccio's package.json names no bin (${manifestPath})`);
  return join(dirname(manifestPath), bin);
}

/** Starts verdaccio on 127.0.0.1 at a free port and resolves once it answers `/-/ping`. */
export async function startVerdaccio(options: StartVerdaccioOptions): Promise<Verdaccio> {
  mkdirSync(join(options.folder, 'storage'), { recursive: true });
  const configPath = join(options.folder, 'config.yaml');
  writeFileSync(configPath, verdaccioConfiguration(options.folder));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = options.reaper.spawn(
    process.execPath,
    [verdaccioBin(), '--config', configPath, '--listen', `127.0.0.1:${port}`],
    { cwd: options.folder, env: options.env ?? process.env },
  );
  const exitedEarly = child.exited.then((exit) => {
    throw new Error(
      `verdaccio exited (code ${exit.code}, signal ${exit.signal}) before answering; its output:\n${child.output()}`,
    );
  });
  // Handled here so that its stop at the end of the tests is no unhandled rejection; the race below
  // still sees an early exit.
  exitedEarly.catch(() => {});
  await Promise.race([
    waitForHttp(`${url}-/ping`, { timeoutMs: options.startTimeoutMs ?? 60_000 }),
    exitedEarly,
  ]);
  return { url, port, process: child };
}

/** What a registry answers for a package name (the parts the tests read). */
export interface Packument {
  name: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, { version: string; dist: { tarball: string; integrity?: string } }>;
}

/** The registry's document of a package (all versions and dist-tags), or null when it has none. */
export async function fetchPackument(registryUrl: string, name: string): Promise<Packument | null> {
  const response = await fetch(new URL(name.replace('/', '%2f'), registryUrl));
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${registryUrl} answered ${response.status} for ${name}`);
  return (await response.json()) as Packument;
}
