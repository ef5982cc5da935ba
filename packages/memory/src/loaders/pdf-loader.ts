import { basename, extname } from 'node:path';
import { MemoryError } from '../errors/index.js';
import { loadUnpdf } from '../lazy/heavy-modules.js';
import type { DocumentLoader } from './document-loader.js';

/** Text of each page (unpdf, a serverless build of pdf.js), pages separated by a blank line. */
export function createPdfLoader(): DocumentLoader {
  return {
    format: 'pdf',
    extensions: ['pdf'],
    async load({ bytes, name }) {
      try {
        const { extractText, getDocumentProxy, getMeta } = await loadUnpdf();
        // pdf.js takes ownership of the buffer it is given: hand it a copy.
        const document = await getDocumentProxy(new Uint8Array(bytes));
        const { totalPages, text } = await extractText(document, { mergePages: false });
        const meta = await getMeta(document).catch(() => ({ info: {} as Record<string, unknown> }));
        const infoTitle = (meta.info as Record<string, unknown>).Title;
        return {
          format: 'pdf',
          text: text.map((page) => page.trim()).join('\n\n'),
          title:
            typeof infoTitle === 'string' && infoTitle.trim()
              ? infoTitle.trim()
              : basename(name, extname(name)),
          metadata: { pages: totalPages },
        };
      } catch (error) {
        throw new MemoryError('load_failed', `cannot read PDF ${name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
