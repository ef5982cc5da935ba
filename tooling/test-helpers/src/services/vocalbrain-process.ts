import { repositoryRoot } from '../data/index.js';
import { waitForHttp } from '../http/index.js';
import { freePort } from '../ports/index.js';
import type { ProcessReaper, ReapedProcess } from '../processes/index.js';
import { sourceArguments } from './source-arguments.js';

export interface VocalBrainProcess {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  url: string;
  process: ReapedProcess;
}

/**
 * VocalBrain as a real process, as `pnpm vocalbrain serve` starts it: no gateway (its own engines:
 * espeak-ng, Piper and Whisper where installed), no calibration run, warnings only, its KLODY_HOME in
 * `home`. Resolves once /health answers; the reaper stops it after the tests.
 */
export async function startVocalBrain(
  reaper: ProcessReaper,
  options: { home: string; env?: Record<string, string> },
): Promise<VocalBrainProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = reaper.spawn(
    process.execPath,
    sourceArguments('apps/vocalbrain/src/cli.ts', ['serve', '--port', String(port)]),
    {
      cwd: repositoryRoot(),
      env: {
        ...process.env,
        KLODY_HOME: options.home,
        KLODY_GATEWAY_URL: 'none',
        KLODY_VOCALBRAIN_CALIBRATE: '0',
        KLODY_LOG_LEVEL: 'warn',
        ...options.env,
      },
    },
  );
  await waitForHttp(`${url}/health`, { timeoutMs: 120_000 });
  return { url, process: server };
}
