import { delimiter } from 'node:path';
import { repositoryRoot } from '../data/index.js';
import { waitForHttp } from '../http/index.js';
import { freePort } from '../ports/index.js';
import type { ProcessReaper, ReapedProcess } from '../processes/index.js';
import { sourceArguments } from './source-arguments.js';

export interface LibraryBrainOptions {
  /** Its KLODY_HOME: the library's SQLite file and its settings go there. */
  home: string;
  /** KLODY_LIBRARY_ROOTS: the folders it may ingest from (it refuses paths outside them). */
  roots?: readonly string[];
  /** KLODY_LIBRARY_BRAIN_API_KEY: when set, /api/* asks for it, and `ingest` sends it. */
  apiKey?: string;
  /** `serve --seed`: a folder it ingests in the background on its first run. */
  seed?: string;
  /** More environment, over the defaults (no gateway, warnings only). */
  env?: Record<string, string>;
}

export interface LibraryBrainProcess {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  process: ReapedProcess;
  /** POSTs /api/ingest and answers its JSON; throws with the body when the status is not 200. */
  ingest(paths: readonly string[]): Promise<unknown>;
  stop(): Promise<unknown>;
}

/**
 * Library Brain as a real process, as `pnpm library-brain serve` starts it: no gateway (lexical
 * search and extractive answers), a real SQLite library in `home`. Resolves once /health answers.
 * The reaper stops it after the tests if they do not.
 */
export async function startLibraryBrain(
  reaper: ProcessReaper,
  options: LibraryBrainOptions,
): Promise<LibraryBrainProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = ['serve', '--port', String(port), ...(options.seed ? ['--seed', options.seed] : [])];
  const server = reaper.spawn(process.execPath, sourceArguments('apps/library-brain/src/cli.ts', args), {
    cwd: repositoryRoot(),
    env: {
      ...process.env,
      KLODY_HOME: options.home,
      KLODY_GATEWAY_URL: 'none',
      KLODY_LOG_LEVEL: 'warn',
      ...(options.roots ? { KLODY_LIBRARY_ROOTS: options.roots.join(delimiter) } : {}),
      ...(options.apiKey ? { KLODY_LIBRARY_BRAIN_API_KEY: options.apiKey } : {}),
      ...options.env,
    },
  });
  await waitForHttp(`${url}/health`, { timeoutMs: 60_000 });

  async function ingest(paths: readonly string[]): Promise<unknown> {
    const response = await fetch(`${url}/api/ingest`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      },
      body: JSON.stringify({ paths }),
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${text}`);
    return JSON.parse(text);
  }

  return { url, process: server, ingest, stop: () => server.stop() };
}
