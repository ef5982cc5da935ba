import { join } from 'node:path';
import { klodyHome } from '@klody/service';

/** `$KLODY_HOME/gateway` (default `~/.klody/gateway`), with its run/ and logs/ folders. */
export function gatewayHome(environment: Record<string, string | undefined> = process.env) {
  const root = klodyHome('gateway', environment);
  return { root, run: join(root, 'run'), logs: join(root, 'logs'), pidFile: join(root, 'gateway.pid') };
}
