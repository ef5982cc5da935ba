import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureTexts, writeDocumentFixtures } from '../../fixtures/document-fixtures.js';
import { createStructuralChunker } from '../chunker/index.js';
import { MemoryError } from '../errors/index.js';
import { normaliseText } from '../text/normalise.js';
import { loadDocumentFile } from './load-document.js';

describe('document loaders on real files of each format', () => {
  let folder: string;
  let files: Record<string, string>;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-loaders-'));
    files = await writeDocumentFixtures(folder);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  for (const format of ['txt', 'md', 'html', 'pdf', 'docx', 'epub'] as const) {
    it(`reads ${format}`, async () => {
      const document = await loadDocumentFile(files[format] as string);
      expect(document.format).toBe(format);
      const text = normaliseText(document.text);
      expect(text).toContain(fixtureTexts.first);
      expect(text).toContain(fixtureTexts.second);
      expect(text).toContain(fixtureTexts.heading);
      expect(text).not.toMatch(/<|var x|color:red|example\.org|Home \| About/);
      if (format !== 'txt') expect(document.title).toBe(fixtureTexts.title);
      // Structure survives: the formats that have headings give the chunker a heading.
      if (['md', 'html', 'docx', 'epub'].includes(format)) {
        const chunks = createStructuralChunker().chunk(text);
        expect(chunks.some((chunk) => chunk.heading === fixtureTexts.heading)).toBe(true);
      }
    });
  }

  it('reads the epub spine in order, not the manifest order', async () => {
    const text = (await loadDocumentFile(files.epub as string)).text;
    expect(text.indexOf(fixtureTexts.first)).toBeLessThan(text.indexOf(fixtureTexts.second));
  });

  it('rejects an unknown extension and a broken file with clear errors', async () => {
    await expect(loadDocumentFile(join(folder, 'x.xyz'))).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'unsupported_format',
    );
    await expect(loadDocumentFile(files.txt as string, undefined)).resolves.toBeTruthy();
    const { writeFile } = await import('node:fs/promises');
    const broken = join(folder, 'broken.epub');
    await writeFile(broken, 'not a zip');
    await expect(loadDocumentFile(broken)).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'load_failed',
    );
    const brokenPdf = join(folder, 'broken.pdf');
    await writeFile(brokenPdf, '%PDF-1.4 garbage');
    await expect(loadDocumentFile(brokenPdf)).rejects.toSatisfy(
      (error) => MemoryError.isInstance(error) && error.code === 'load_failed',
    );
  });
});
