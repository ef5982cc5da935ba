import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngester } from '../ingest/ingester.js';
import { migrate } from '../store/migrate.js';
import { getSourceByUri } from '../store/sources.js';
import { createInMemoryDatabase } from '../testing/in-memory-database.js';
import { loadDocumentFile } from './load-document.js';
import {
  encodePageStarts,
  metadataForStoredText,
  pageAtOffset,
  readPageStarts,
  rebasePageStarts,
} from './page-starts.js';
import { joinPages } from './pdf-loader.js';

/** One sentence per page, each naming its page, and an empty page 3 (a blank page in a real book). */
const pageTexts = [
  'The keeper climbed the stairs of the lighthouse on the first page.',
  'On the second page the lamp was lit and the ships passed safely.',
  '',
  'The fourth page tells how the storm broke the lantern glass.',
];

async function writePdf(path: string): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Pages of the lighthouse');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pageTexts) {
    const page = pdf.addPage([500, 300]);
    if (text) page.drawText(text, { x: 20, y: 250, size: 10, font });
  }
  await writeFile(path, await pdf.save());
}

describe('page starts', () => {
  it('finds the page of an offset, page 1 first, an empty page sharing its start with the next', () => {
    const starts = [0, 10, 20, 20, 35];
    expect([0, 9, 10, 19, 20, 34, 35, 1000].map((offset) => pageAtOffset(starts, offset))).toEqual([
      1, 1, 2, 2, 4, 4, 5, 5,
    ]);
  });

  it('reads what it writes and refuses what is not increasing offsets', () => {
    expect(readPageStarts({ pageStarts: encodePageStarts([0, 5, 9]) })).toEqual([0, 5, 9]);
    expect(readPageStarts({})).toBeNull();
    expect(readPageStarts({ pageStarts: '0,9,5' })).toBeNull();
    expect(readPageStarts({ pageStarts: '0,x' })).toBeNull();
  });

  it('joins pages as normalization leaves them, with no blank lines for empty pages', () => {
    const { text, pageStarts } = joinPages(['', ' first  \r\nline ', '', 'second', '']);
    expect(text).toBe('first\nline\n\nsecond');
    expect(pageStarts).toEqual([0, 0, 10, 12, 18]);
    expect(text.slice(pageStarts[3])).toBe('second');
  });

  it('moves page starts onto a stored text that lost a prefix, and drops them when it is not a slice', () => {
    const loaded = 'HEADER\n\nbody one\n\nbody two';
    const stored = 'body one\n\nbody two';
    expect(rebasePageStarts([0, 8, 18], loaded, stored)).toEqual([0, 0, 10]);
    expect(metadataForStoredText({ pageStarts: '0,8,18', pages: 3 }, loaded, stored)).toEqual({
      pageStarts: '0,0,10',
      pages: 3,
    });
    expect(metadataForStoredText({ pageStarts: '0,8', pages: 2 }, loaded, 'something else')).toEqual({
      pages: 2,
    });
  });
});

describe('a real PDF ingested', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-pages-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('records where each page begins, and each sentence is found on its own page in the stored text', async () => {
    const path = join(folder, 'lighthouse.pdf');
    await writePdf(path);
    const loaded = await loadDocumentFile(path);
    expect(loaded.metadata.pages).toBe(4);
    const database = createInMemoryDatabase();
    try {
      await migrate(database);
      const ingester = createIngester({ database });
      const report = await ingester.ingestFiles([path]);
      expect(report.added).toBe(1);
      const stored = getSourceByUri(database.getConnection(), path);
      const starts = readPageStarts(stored?.metadata ?? {});
      expect(starts).toHaveLength(4);
      const text = database
        .getConnection()
        .prepare('SELECT text FROM memory_sources WHERE uri = ?')
        .pluck()
        .get(path) as string;
      for (const [index, sentence] of pageTexts.entries()) {
        if (!sentence) continue;
        const offset = text.indexOf(sentence.slice(0, 30));
        expect(offset).toBeGreaterThanOrEqual(0);
        expect(pageAtOffset(starts ?? [], offset)).toBe(index + 1);
      }
    } finally {
      database.close();
    }
  });
});
