import { basename, extname } from 'node:path';
import { decodeText } from './decode-text.js';
import type { DocumentLoader } from './document-loader.js';

export function createTextLoader(): DocumentLoader {
  return {
    format: 'txt',
    extensions: ['txt', 'text'],
    async load({ bytes, name }) {
      const text = decodeText({ bytes, name });
      const gutenbergTitle = /^Title:\s*(.+)$/m.exec(text.slice(0, 5_000))?.[1]?.trim();
      return { format: 'txt', text, title: gutenbergTitle ?? basename(name, extname(name)), metadata: {} };
    },
  };
}
