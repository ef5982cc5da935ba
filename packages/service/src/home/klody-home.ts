import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** An app's data folder: `$KLODY_HOME/<app>` (CONTRACTS.md), `~/.klody/<app>` by default. */
export function klodyHome(
  app: string,
  environment: Record<string, string | undefined> = process.env,
): string {
  const home = environment.KLODY_HOME ? resolve(environment.KLODY_HOME) : join(homedir(), '.klody');
  return join(home, app);
}
