// syncFolder with the signatures a watcher keeps: only new and changed files are read again.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDefaultLoaders, createIngester, migrate } from '@klody/memory';
import { createInMemoryDatabase } from '@klody/memory/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { listBookFiles } from './create-library.js';
import { syncFolder } from './sync.js';

describe('syncFolder with signatures', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('reads only the files that are new or changed since the previous sync, and still removes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'klody-sync-unit-'));
    const database = createInMemoryDatabase();
    cleanups.push(
      () => rmSync(folder, { recursive: true, force: true }),
      () => database.close(),
    );
    await migrate(database);
    const loaders = createDefaultLoaders();
    const ingester = createIngester({ database, loaders });
    const read: string[][] = [];
    const dependencies = {
      connection: database.getConnection(),
      loaders,
      listBookFiles: (root: string) => listBookFiles(root, loaders),
      async ingest(paths: readonly string[]) {
        read.push([...paths].map((path) => path.slice(folder.length + 1)));
        const report = await ingester.ingestFiles(paths);
        return {
          added: report.added,
          updated: report.updated,
          unchanged: report.unchanged,
          failed: report.failed.map((failure) => ({
            path: failure.uri,
            code: failure.code,
            message: failure.message,
          })),
          skipped: [],
          chunks: report.chunks,
          seconds: report.seconds,
        };
      },
      removePaths: (paths: readonly string[]) => ingester.remove(paths),
    };
    writeFileSync(join(folder, 'a.txt'), 'The keeper lit the lamp.');
    writeFileSync(join(folder, 'b.txt'), 'The farmer picked the apples.');
    const signatures = new Map<string, string>();

    expect(await syncFolder(dependencies, folder, { signatures })).toMatchObject({ added: 2 });
    expect(await syncFolder(dependencies, folder, { signatures })).toMatchObject({
      added: 0,
      updated: 0,
      unchanged: 2,
    });
    writeFileSync(join(folder, 'b.txt'), 'The farmer picked the pears.');
    // A modification time moved on, whatever the clock's resolution.
    utimesSync(join(folder, 'b.txt'), new Date(), new Date(Date.now() + 5_000));
    expect(await syncFolder(dependencies, folder, { signatures })).toMatchObject({
      updated: 1,
      unchanged: 1,
    });
    rmSync(join(folder, 'a.txt'));
    expect(await syncFolder(dependencies, folder, { signatures })).toMatchObject({
      removed: 1,
      unchanged: 1,
    });
    expect(read).toEqual([['a.txt', 'b.txt'], ['b.txt']]);

    // Without signatures every file is read and compared by hash.
    expect(await syncFolder(dependencies, folder)).toMatchObject({ unchanged: 1 });
    expect(read.at(-1)).toEqual(['b.txt']);
    expect(read).toHaveLength(3);
  });
});
