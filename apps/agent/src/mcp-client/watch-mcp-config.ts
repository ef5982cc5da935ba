import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface ConfigWatcher {
  close(): void;
}

/**
 * Calls `onChange` once things settle after mcp.yaml changed. The folder is watched, not the file:
 * editors replace a file (write a new one, rename it over the old), and a watch on the old file would
 * go silent after the first save. Other files of the folder (agent.db and its journal) are ignored.
 */
export function watchMcpConfig(
  path: string,
  onChange: () => void,
  options: { debounceMs: number; onError(error: Error): void },
): ConfigWatcher {
  const folder = dirname(path);
  const name = basename(path);
  mkdirSync(folder, { recursive: true });
  let timer: NodeJS.Timeout | null = null;
  let watcher: FSWatcher | null = null;
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onChange();
    }, options.debounceMs);
    timer.unref();
  };
  try {
    watcher = watch(folder, { persistent: false }, (_event, filename) => {
      // Some platforms give no file name: reading the file again is cheap.
      if (filename === null || filename === name) schedule();
    });
    watcher.on('error', (error) => options.onError(error));
  } catch (error) {
    options.onError(error as Error);
  }
  return {
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      watcher?.close();
      watcher = null;
    },
  };
}
