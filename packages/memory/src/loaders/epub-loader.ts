import { basename, extname, posix } from 'node:path';
import { findAll, findOne, getAttributeValue, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import type JSZip from 'jszip';
import { MemoryError } from '../errors/index.js';
import { loadJszip } from '../lazy/heavy-modules.js';
import type { DocumentLoader } from './document-loader.js';
import { htmlToPlainText } from './html-to-plain-text.js';

function parseXml(xml: string) {
  return parseDocument(xml, { xmlMode: true });
}

// Element names in OPF files may carry a namespace prefix (opf:item, dc:title).
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** EPUB: container.xml → the OPF package → its spine, read in order, each XHTML file to text. */
export function createEpubLoader(): DocumentLoader {
  return {
    format: 'epub',
    extensions: ['epub'],
    async load({ bytes, name }) {
      const Zip = await loadJszip();
      let zip: JSZip;
      try {
        zip = await Zip.loadAsync(bytes);
      } catch (error) {
        throw new MemoryError('load_failed', `cannot read EPUB ${name}: not a zip archive`, { cause: error });
      }
      const container = await zip.file('META-INF/container.xml')?.async('string');
      if (!container)
        throw new MemoryError('load_failed', `cannot read EPUB ${name}: no META-INF/container.xml`);
      const rootfile = findOne(
        (element) => localName(element.name) === 'rootfile',
        parseXml(container).children,
      );
      const packagePath = rootfile ? getAttributeValue(rootfile, 'full-path') : undefined;
      const packageXml = packagePath ? await zip.file(packagePath)?.async('string') : undefined;
      if (!packagePath || !packageXml) {
        throw new MemoryError('load_failed', `cannot read EPUB ${name}: no package document`);
      }
      const opf = parseXml(packageXml).children;
      const manifest = new Map<string, string>();
      for (const item of findAll((element) => localName(element.name) === 'item', opf)) {
        const id = getAttributeValue(item, 'id');
        const href = getAttributeValue(item, 'href');
        if (id && href) manifest.set(id, href);
      }
      const folder = posix.dirname(packagePath);
      const parts: string[] = [];
      for (const reference of findAll((element) => localName(element.name) === 'itemref', opf)) {
        const href = manifest.get(getAttributeValue(reference, 'idref') ?? '');
        if (!href) continue;
        const path = posix.normalize(posix.join(folder, decodeURIComponent(href)));
        const xhtml = await zip.file(path)?.async('string');
        if (xhtml) parts.push(htmlToPlainText(xhtml).trim());
      }
      const titleElement = findOne((element) => localName(element.name) === 'title', opf);
      const language = findOne((element) => localName(element.name) === 'language', opf);
      return {
        format: 'epub',
        text: parts.filter((part) => part.length > 0).join('\n\n'),
        title: titleElement ? textContent(titleElement).trim() : basename(name, extname(name)),
        metadata: { language: language ? textContent(language).trim() : null },
      };
    },
  };
}
