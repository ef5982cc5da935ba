import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The full path of an executable found on `PATH` (or the absolute path given), or null. */
export function findExecutable(
  name: string,
  pathVariable: string | undefined = process.env.PATH,
): string | null {
  if (isAbsolute(name)) return isExecutableFile(name) ? name : null;
  for (const folder of (pathVariable ?? '').split(delimiter)) {
    if (folder.length === 0) continue;
    const candidate = join(folder, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
