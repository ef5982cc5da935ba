import { basename, extname } from 'node:path';
import { MemoryError } from '../errors/index.js';
import { loadMammoth } from '../lazy/heavy-modules.js';
import type { DocumentLoader } from './document-loader.js';
import { htmlToPlainText } from './html-to-plain-text.js';

/** Word documents through mammoth's HTML, so headings stay headings. */
export function createDocxLoader(): DocumentLoader {
  return {
    format: 'docx',
    extensions: ['docx'],
    async load({ bytes, name }) {
      try {
        const mammoth = await loadMammoth();
        const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes) });
        const text = htmlToPlainText(value);
        const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? basename(name, extname(name));
        return { format: 'docx', text, title, metadata: {} };
      } catch (error) {
        throw new MemoryError('load_failed', `cannot read DOCX ${name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
