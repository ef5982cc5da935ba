import { basename, extname } from 'node:path';
import { decodeText } from './decode-text.js';
import type { DocumentLoader } from './document-loader.js';

/** Markdown stays Markdown: the chunker reads its `#` headings; front matter is dropped. */
export function createMarkdownLoader(): DocumentLoader {
  return {
    format: 'md',
    extensions: ['md', 'markdown'],
    async load({ bytes, name }) {
      const text = decodeText({ bytes, name }).replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n/, '');
      const title = /^#\s+(.+)$/m.exec(text)?.[1]?.trim() ?? basename(name, extname(name));
      return { format: 'md', text, title, metadata: {} };
    },
  };
}
