import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncSummary } from './sync.js';
import { type FolderWatch, watchFolder } from './watch.js';

function fakeSyncSummary(folder: string): SyncSummary {
  return {
    folder,
    dryRun: false,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    changes: [],
    failed: [],
    skipped: [],
    chunks: 0,
    seconds: 0,
    warning: null,
  };
}

describe('watchFolder', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const mode of ['watch', 'poll'] as const) {
    it(`${mode}: syncs at start, then once per burst of changes, ignoring hidden files`, async () => {
      const folder = mkdtempSync(join(tmpdir(), 'klody-watch-unit-'));
      cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
      let syncs = 0;
      const logs: string[] = [];
      const watching: FolderWatch = watchFolder({
        folder,
        mode,
        debounceMs: 200,
        pollMs: 100,
        sync: async () => {
          syncs++;
          return fakeSyncSummary(folder);
        },
        log: (message) => logs.push(message),
      });
      cleanups.push(() => watching.close());
      await expect.poll(() => syncs).toBe(1);
      // Poll mode compares listings: give it its first one before the burst.
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (let index = 0; index < 5; index++)
        writeFileSync(join(folder, `book-${index}.txt`), `book ${index}`);
      await expect.poll(() => syncs, { timeout: 5_000 }).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(syncs).toBe(2);
      writeFileSync(join(folder, '.swap'), 'editor state');
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(syncs).toBe(2);
      expect(logs[0]).toMatch(mode === 'watch' ? /file-system events/ : /polling/);
      expect(logs.filter((line) => /synced: 0 added/.test(line))).toHaveLength(2);
    });
  }
});
