import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A script this package ships under `src/` (the Python workers): beside the calling module when
 * running on sources, else under the package's own `src/` when running from a bundled `dist/` (the
 * package publishes `src`). `moduleUrl` is the caller's `import.meta.url`; `path` is relative to `src/`.
 */
export function packageScriptPath(moduleUrl: string, path: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const beside = join(here, path.split('/').at(-1) as string);
  if (existsSync(beside)) return beside;
  let folder = here;
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === '@klody/voice') {
      return join(folder, 'src', ...path.split('/'));
    }
    const parent = dirname(folder);
    if (parent === folder) return beside;
    folder = parent;
  }
}
