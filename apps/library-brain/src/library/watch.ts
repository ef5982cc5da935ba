// `serve --watch <folder>`: the library follows a folder as files come, change and go.
import { type FSWatcher, watch } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyncSummary } from './sync.js';

export interface FolderWatch {
  /** Resolves once the sync in progress, if any, has ended. */
  close(): Promise<void>;
}

export interface FolderWatchOptions {
  folder: string;
  sync: () => Promise<SyncSummary>;
  log: (message: string, details?: Record<string, unknown>) => void;
  /** Quiet time after the last change before a sync (default 2 s): a copy of many files syncs once. */
  debounceMs?: number;
  /** Polling interval when the platform cannot watch a tree (default 10 s). */
  pollMs?: number;
  /** `watch` (fs.watch, recursive) or `poll`; by default `watch` when the platform has it. */
  mode?: 'watch' | 'poll';
}

/** Path, size and modification time of every file below `folder`: what polling compares. */
async function snapshot(folder: string): Promise<string> {
  const lines: string[] = [];
  async function walk(directory: string): Promise<void> {
    const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const info = await stat(path).catch(() => null);
        if (info) lines.push(`${path}\u0000${info.size}\u0000${info.mtimeMs}`);
      }
    }
  }
  await walk(folder);
  return lines.sort().join('\n');
}

function summaryLine(summary: SyncSummary): string {
  return `${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.removed} removed, ${summary.failed.length} failed`;
}

/**
 * Syncs the library with `folder` once at start, then after every burst of changes (debounced).
 * Changes seen during a sync lead to one more sync after it, never two at once. Linux has
 * recursive fs.watch since Node 20 (inotify on each folder); where it throws, the folder is polled.
 */
export function watchFolder(options: FolderWatchOptions): FolderWatch {
  const debounceMs = options.debounceMs ?? 2_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const runSync = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = options
      .sync()
      .then((summary) => {
        options.log(`watch: ${options.folder} synced: ${summaryLine(summary)}`, {
          changes: summary.changes,
          failed: summary.failed,
        });
        if (summary.warning) options.log(`watch: ${summary.warning}`);
      })
      .catch((error: unknown) =>
        options.log(
          `watch: syncing ${options.folder} failed: ${error instanceof Error ? error.message : error}`,
        ),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(runSync, debounceMs);
  };

  let watcher: FSWatcher | null = null;
  let poller: NodeJS.Timeout | null = null;
  const startPolling = () => {
    let last: string | null = null;
    const poll = async () => {
      const current = await snapshot(options.folder);
      if (last !== null && current !== last) schedule();
      last = current;
    };
    void poll();
    poller = setInterval(() => void poll(), options.pollMs ?? 10_000);
  };
  if ((options.mode ?? 'watch') === 'watch') {
    try {
      watcher = watch(options.folder, { recursive: true }, (_event, name) => {
        // Hidden files (editors' swap files, partial downloads) are no books.
        if (
          name &&
          String(name)
            .split(/[\\/]/)
            .some((part) => part.startsWith('.'))
        )
          return;
        schedule();
      });
      watcher.on('error', (error) => {
        options.log(`watch: watching ${options.folder} failed (${error.message}); polling it instead`);
        watcher?.close();
        watcher = null;
        if (!closed && !poller) startPolling();
      });
    } catch (error) {
      options.log(
        `watch: ${options.folder} cannot be watched here (${error instanceof Error ? error.message : error}); polling it`,
      );
      startPolling();
    }
  } else startPolling();
  options.log(`watch: following ${options.folder} (${watcher ? 'file-system events' : 'polling'})`);
  runSync();

  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (poller) clearInterval(poller);
      watcher?.close();
      await running;
    },
  };
}
