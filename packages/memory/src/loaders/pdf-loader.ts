import { basename, extname } from 'node:path';
import { MemoryError } from '../errors/index.js';
import { loadUnpdf } from '../lazy/heavy-modules.js';
import { normalizeText } from '../text/normalize.js';
import type { DocumentLoader } from './document-loader.js';
import { encodePageStarts, pageStartsKey } from './page-starts.js';

/**
 * Each page's text, pages separated by a blank line, with `pageStarts` in the metadata: the offset
 * where each page begins. Pages are normalized one by one (as the ingester normalizes a whole text),
 * so these offsets are the stored text's offsets and a passage's page follows from its start.
 */
export function joinPages(pages: readonly string[]): { text: string; pageStarts: number[] } {
  let text = '';
  const pageStarts: number[] = [];
  for (const page of pages) {
    const normalized = normalizeText(page, { stripGutenberg: false });
    // An empty page adds no separator: the text would otherwise start or end with blank lines,
    // which normalization trims, and every later offset would move.
    const separator = text.length > 0 && normalized.length > 0 ? '\n\n' : '';
    pageStarts.push(text.length + separator.length);
    text += separator + normalized;
  }
  return { text, pageStarts };
}

/** Text of each page (unpdf, a serverless build of pdf.js), with the offset where each page begins. */
export function createPdfLoader(): DocumentLoader {
  return {
    format: 'pdf',
    extensions: ['pdf'],
    async load({ bytes, name }) {
      try {
        const { extractText, getDocumentProxy, getMeta } = await loadUnpdf();
        // pdf.js takes ownership of the buffer it is given: hand it a copy.
        const document = await getDocumentProxy(new Uint8Array(bytes));
        const { totalPages, text: pages } = await extractText(document, { mergePages: false });
        const meta = await getMeta(document).catch(() => ({ info: {} as Record<string, unknown> }));
        const infoTitle = (meta.info as Record<string, unknown>).Title;
        const { text, pageStarts } = joinPages(pages);
        return {
          format: 'pdf',
          text,
          title:
            typeof infoTitle === 'string' && infoTitle.trim()
              ? infoTitle.trim()
              : basename(name, extname(name)),
          metadata: { pages: totalPages, [pageStartsKey]: encodePageStarts(pageStarts) },
        };
      } catch (error) {
        throw new MemoryError('load_failed', `cannot read PDF ${name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
