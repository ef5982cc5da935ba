import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDocumentFixtures } from '../fixtures/document-fixtures.js';
import { writeEmbeddingModel } from '../fixtures/onnx-fixtures.js';

const run = promisify(execFile);
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const child = join(packageRoot, 'fixtures/root-import-child.ts');

// What a plain `import '@klody/memory'` must not load: each is imported by the functions that need it.
const heavy = {
  'transformers.js': '/node_modules/@huggingface/transformers/',
  onnxruntime: '/node_modules/onnxruntime-',
  sharp: '/node_modules/sharp/',
  unpdf: '/node_modules/unpdf/',
  pdfjs: '/node_modules/pdfjs-dist/',
  mammoth: '/node_modules/mammoth/',
  jszip: '/node_modules/jszip/',
  commander: '/node_modules/commander/',
  yaml: '/node_modules/yaml/',
  'tree-sitter': '/node_modules/@vscode/tree-sitter-wasm/',
  'the klody-eval command': '/packages/memory/src/eval/cli.ts',
};

function loadedHeavy(urls: readonly string[]): string[] {
  return Object.entries(heavy)
    .filter(([, fragment]) => urls.some((url) => url.includes(fragment)))
    .map(([name]) => name);
}

describe('the root import in a fresh process', () => {
  let folder: string;
  let report: { atRootImport: string[]; afterUse: string[]; formats: string[]; dimensions: number | null };

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'klody-memory-root-import-'));
    const files = await writeDocumentFixtures(folder);
    const model = join(folder, 'embedder');
    await writeEmbeddingModel(model);
    // Sources with tsx and the source condition, as the repository's scripts and workers run them.
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@klody/source',
        child,
        JSON.stringify([files.pdf, files.docx, files.epub]),
        model,
      ],
      { cwd: packageRoot },
    );
    report = JSON.parse(stdout);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('loads none of transformers.js, ONNX Runtime, unpdf, pdf.js, mammoth, JSZip, commander, tree-sitter or the CLI', () => {
    // The package itself did load (the check would pass vacuously on an empty list).
    expect(report.atRootImport.some((url) => url.endsWith('/packages/memory/src/index.ts'))).toBe(true);
    expect(loadedHeavy(report.atRootImport)).toEqual([]);
  });

  it('still loads them when a PDF, DOCX or EPUB is read and a transformers.js model embeds', () => {
    expect(report.formats).toEqual(['pdf', 'docx', 'epub']);
    expect(report.dimensions).toBe(8);
    expect(loadedHeavy(report.afterUse)).toEqual(
      expect.arrayContaining(['transformers.js', 'onnxruntime', 'unpdf', 'mammoth', 'jszip']),
    );
    expect(loadedHeavy(report.afterUse)).not.toContain('commander');
  });
});
