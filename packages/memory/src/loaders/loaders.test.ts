import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDataPath } from '@klody/test-helpers';
import { describeRequiring } from '@klody/test-helpers/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executableHead, randomContent } from '../../fixtures/binary-files.js';
import { fixtureTexts, writeDocumentFixtures } from '../../fixtures/document-fixtures.js';
import { createStructuralChunker } from '../chunker/index.js';
import { MemoryError } from '../errors/index.js';
import { normalizeText } from '../text/normalize.js';
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
      const text = normalizeText(document.text);
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

/** Encodes text as Windows-1252, the legacy encoding of many old French texts (a test helper). */
function windows1252(text: string): Buffer {
  const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
  return Buffer.from(
    [...text].map((character) => {
      const code = character.charCodeAt(0);
      const position = high.indexOf(character);
      if (position >= 0) return 0x80 + position;
      if (code < 0x100) return code;
      throw new Error(`not in Windows-1252: ${character}`);
    }),
  );
}

describe('binary content and text encodings', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-binary-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const refusedAsBinary = (path: string) => (error: unknown) =>
    MemoryError.isInstance(error) &&
    error.code === 'binary_content' &&
    error.message.includes(path) &&
    /is not text/.test(error.message);

  it('refuses random bytes and an executable renamed .txt, .md or .html, naming the file', async () => {
    const random = join(folder, 'random.txt');
    await writeFile(random, randomContent());
    await expect(loadDocumentFile(random)).rejects.toSatisfy(refusedAsBinary(random));
    for (const name of ['program.txt', 'program.md', 'program.html']) {
      const path = join(folder, name);
      await writeFile(path, await executableHead());
      await expect(loadDocumentFile(path)).rejects.toSatisfy(refusedAsBinary(path));
    }
  });

  it('refuses random bytes without a single NUL by their share of control codes', async () => {
    const bytes = randomContent(16_384).filter((byte) => byte !== 0);
    const path = join(folder, 'random-without-nul.txt');
    await writeFile(path, bytes);
    await expect(loadDocumentFile(path)).rejects.toSatisfy(
      (error) => refusedAsBinary(path)(error) && /control codes/.test((error as Error).message),
    );
  });

  it('loads a 0-byte file as empty text (the ingester skips it with a note)', async () => {
    const path = join(folder, 'empty.txt');
    await writeFile(path, '');
    expect((await loadDocumentFile(path)).text).toBe('');
  });

  it('decodes UTF-16 with a byte order mark, little and big endian', async () => {
    const french = 'Les navires passaient au large, guidés par la lumière du phare — « ô nuit ! »\n';
    const little = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(french, 'utf16le')]);
    const big = Buffer.from(little);
    big.swap16();
    for (const [name, bytes] of [
      ['utf16le.txt', little],
      ['utf16be.txt', big],
    ] as const) {
      const path = join(folder, name);
      await writeFile(path, bytes);
      expect((await loadDocumentFile(path)).text).toBe(french);
    }
  });

  it('decodes Windows-1252 French with its curly quotes and ligatures, not as control codes', async () => {
    const french = 'L’œuvre de Voltaire… « Il faut cultiver notre jardin », dit Candide — été 1759.\n';
    const path = join(folder, 'windows-1252.txt');
    await writeFile(path, windows1252(french));
    expect((await loadDocumentFile(path)).text).toBe(french);
  });
});

describeRequiring({ data: ['books/en/11-0.txt', 'books/fr/Candide.txt'] }, 'real books are text', () => {
  it('loads every shared English and French book without calling it binary', async () => {
    for (const language of ['en', 'fr']) {
      for (const name of await readdir(testDataPath('books', language))) {
        const path = testDataPath('books', language, name);
        const text = (await loadDocumentFile(path)).text;
        expect(text.length, path).toBeGreaterThan((await readFile(path)).length / 2);
      }
    }
  });
});
