// `serve` following a folder (KLODY_LIBRARY_BRAIN_WATCH): a real server process, files written,
// changed and deleted beside it; the library follows, and each sync is logged.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLibraryBrain } from '@klody/test-helpers';
import { useProcessReaper } from '@klody/test-helpers/vitest';
import { describe, expect, it } from 'vitest';

describe('serve with a watched folder', () => {
  const reaper = useProcessReaper();

  it('adds, replaces and removes books as their files come, change and go', async () => {
    const home = mkdtempSync(join(tmpdir(), 'klody-watch-'));
    const folder = join(home, 'watched');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(
      join(folder, 'lighthouse.txt'),
      'The Lighthouse\n\nThe keeper lit the great lamp every night.\n',
    );
    const server = await startLibraryBrain(reaper, {
      home,
      env: { KLODY_LIBRARY_BRAIN_WATCH: folder, KLODY_LOG_LEVEL: 'info' },
    });
    const titles = async () => {
      const { books } = (await (await fetch(`${server.url}/api/books?limit=100`)).json()) as {
        books: { title: string; chunks: number }[];
      };
      return books.map((book) => book.title).sort();
    };
    const search = async (query: string) =>
      JSON.stringify(await (await fetch(`${server.url}/api/search?q=${encodeURIComponent(query)}`)).json());

    // The first sync, at start.
    await expect.poll(titles, { timeout: 30_000 }).toEqual(['The Lighthouse']);
    await server.process.waitForOutput(/watch: .*synced: 1 added/, 10_000);

    // A new file in a folder below, then a change, then a deletion.
    writeFileSync(join(folder, 'nested', 'orchard.txt'), 'The Orchard\n\nApples ripened in the orchard.\n');
    await expect.poll(titles, { timeout: 30_000 }).toEqual(['The Lighthouse', 'The Orchard']);
    writeFileSync(
      join(folder, 'nested', 'orchard.txt'),
      'The Orchard\n\nPears ripened in the orchard this year.\n',
    );
    await expect.poll(() => search('pears'), { timeout: 30_000 }).toMatch(/Pears ripened/);
    rmSync(join(folder, 'lighthouse.txt'));
    await expect.poll(titles, { timeout: 30_000 }).toEqual(['The Orchard']);
    await server.process.waitForOutput(/watch: .*synced: 0 added, 0 updated, 1 unchanged, 1 removed/, 10_000);
    expect(await search('keeper lamp')).not.toMatch(/keeper/);
  });
});
