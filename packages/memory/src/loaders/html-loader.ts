import { basename, extname } from 'node:path';
import { findOne, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import { decodeText } from './decode-text.js';
import type { DocumentLoader } from './document-loader.js';
import { htmlToPlainText } from './html-to-plain-text.js';

export function htmlTitle(html: string): string | null {
  const document = parseDocument(html);
  const title = findOne((element) => element.name === 'title', document.children, true);
  const text = title ? textContent(title).trim() : '';
  return text.length > 0 ? text : null;
}

export function createHtmlLoader(): DocumentLoader {
  return {
    format: 'html',
    extensions: ['html', 'htm', 'xhtml'],
    async load({ bytes, name }) {
      const html = decodeText({ bytes, name });
      return {
        format: 'html',
        text: htmlToPlainText(html),
        title: htmlTitle(html) ?? basename(name, extname(name)),
        metadata: {},
      };
    },
  };
}
