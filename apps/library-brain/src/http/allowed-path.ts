import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { apiError } from './api-error.js';

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** A path for an error message: on one line, control characters shown as escapes. */
function quoted(path: string): string {
  return JSON.stringify(path.length > 300 ? `${path.slice(0, 300)}…` : path);
}

/**
 * The real path of `path` when it lies inside one of `roots` and exists, else an API error: 400 for
 * a path that is not one (relative, a NUL character), 403 outside the roots, 404 when nothing is
 * there (checked only inside the roots, so that the answer says nothing about other folders).
 * Symbolic links are resolved first, so a link inside a root cannot reach a file outside it.
 */
export function allowedPath(path: string, roots: readonly string[]): string {
  // The file-system calls throw on a NUL character: it is never part of a real path.
  if (path.includes('\0'))
    throw apiError('invalid_path', `${quoted(path)} contains a NUL character: it is not a path`);
  if (!isAbsolute(path)) throw apiError('invalid_path', `${quoted(path)} is not an absolute path`);
  const real = realOrResolved(path);
  for (const root of roots) {
    const realRoot = realOrResolved(root);
    const inside = relative(realRoot, real);
    if (inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside))) {
      try {
        statSync(real);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EACCES' || code === 'EPERM')
          throw apiError('permission_denied', `${quoted(path)} cannot be read (permission denied)`);
        throw apiError('not_found', `no such file or folder: ${quoted(path)}`);
      }
      return real;
    }
  }
  throw apiError(
    'path_not_allowed',
    `"${path}" is outside the folders Library Brain may read (KLODY_LIBRARY_ROOTS: ${roots.join(', ')})`,
  );
}
