import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ApiError } from './api-error.js';

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * The real path of `path` when it lies inside one of `roots`, else an ApiError. Symbolic links are
 * resolved first, so a link inside a root cannot reach a file outside it.
 */
export function allowedPath(path: string, roots: readonly string[]): string {
  if (!isAbsolute(path)) throw new ApiError('invalid_request', `"${path}" is not an absolute path`);
  const real = realOrResolved(path);
  for (const root of roots) {
    const realRoot = realOrResolved(root);
    const inside = relative(realRoot, real);
    if (inside === '' || (!inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside)))
      return real;
  }
  throw new ApiError(
    'path_not_allowed',
    `"${path}" is outside the folders Library Brain may read (KLODY_LIBRARY_ROOTS: ${roots.join(', ')})`,
  );
}
