// The filter inside vector retrieval, with a real embedder: the gateway's command (a real process)
// serves multilingual-e5-small, and a query that shares no word with the books (so that BM25 finds
// nothing) is answered by the vector search alone. Filtered, it still returns k passages, all from
// the filtered book: the filter is applied inside the vector scan, not to its top results.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, startE5Gateway } from '@klody/test-helpers';
import { describeRequiring, useProcessReaper } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../src/config/config.js';
import { createLibrary } from '../src/library/create-library.js';
import type { Library } from '../src/library/library.js';
import { writeWhaleBooks } from '../src/testing/whale-books.js';

describeRequiring(
  { models: ['multilingual-e5-small'] },
  'the book filter inside vector retrieval (e5)',
  () => {
    const reaper = useProcessReaper();
    let gateway: GatewayProcess | undefined;
    let library: Library | undefined;

    beforeAll(async () => {
      gateway = await startE5Gateway(reaper);
      const home = mkdtempSync(join(tmpdir(), 'klody-filter-vector-'));
      // Small books: e5 on one thread embeds each book in one request, within the embedder's 60 s.
      const books = writeWhaleBooks(join(home, 'books'), { paragraphs: 4 });
      library = await createLibrary(
        readConfig({
          KLODY_HOME: home,
          KLODY_GATEWAY_URL: gateway.url,
        }),
      );
      expect((await library.ingest([books.folder])).added).toBe(3);
    }, 600_000);

    afterAll(async () => {
      await library?.close();
      await gateway?.stop();
    }, 40_000);

    it('returns k passages from the filtered book for a query that only the vectors can match', async () => {
      const current = library as Library;
      // No word of this query is in any book: only the vector search can find passages for it.
      const query = 'cetacean glimpsed offshore';
      const unfiltered = await current.search(query, { k: 3 });
      expect(unfiltered).toHaveLength(3);
      const harbour = current.books().find((book) => book.title === 'Harbour Notes');
      for (const filter of [{ books: ['Harbour Notes'] }, { language: 'fr' }]) {
        const filtered = await current.search(query, { k: 3, filter });
        expect(filtered).toHaveLength(3);
        const expected = filter.language ? 'Baleines et ports' : harbour?.title;
        expect(filtered.every((passage) => passage.book === expected)).toBe(true);
      }
    });
  },
);
