import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$KLODY_HOME/gateway` (default `~/.klody/gateway`), with its run/ and logs/ folders. */
export function gatewayHome(environment: Record<string, string | undefined> = process.env) {
  const home = environment.KLODY_HOME ? resolve(environment.KLODY_HOME) : join(homedir(), '.klody');
  const root = join(home, 'gateway');
  return { root, run: join(root, 'run'), logs: join(root, 'logs'), pidFile: join(root, 'gateway.pid') };
}
