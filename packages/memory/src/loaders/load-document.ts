import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { MemoryError } from '../errors/index.js';
import type { DocumentLoader, LoadedDocument } from './document-loader.js';
import { createDocxLoader } from './docx-loader.js';
import { createEpubLoader } from './epub-loader.js';
import { createHtmlLoader } from './html-loader.js';
import { createMarkdownLoader } from './markdown-loader.js';
import { createPdfLoader } from './pdf-loader.js';
import { createTextLoader } from './text-loader.js';

/** Every loader the package ships, one per format. */
export function createDefaultLoaders(): DocumentLoader[] {
  return [
    createTextLoader(),
    createMarkdownLoader(),
    createHtmlLoader(),
    createPdfLoader(),
    createDocxLoader(),
    createEpubLoader(),
  ];
}

/** The loader for a file name, by extension; null when no loader reads it. */
export function findLoader(loaders: readonly DocumentLoader[], name: string): DocumentLoader | null {
  const extension = extname(name).slice(1).toLowerCase();
  return loaders.find((loader) => loader.extensions.includes(extension)) ?? null;
}

/** Reads and loads one file; an unknown extension is an `unsupported_format` error. */
export async function loadDocumentFile(
  path: string,
  loaders: readonly DocumentLoader[] = createDefaultLoaders(),
): Promise<LoadedDocument> {
  const loader = findLoader(loaders, path);
  if (!loader) {
    throw new MemoryError(
      'unsupported_format',
      `no loader reads ${extname(path) || 'files without extension'}: ${path}`,
    );
  }
  const bytes = await readFile(path);
  return loader.load({ bytes, name: path });
}
