export type { DocumentFormat, DocumentLoader, LoadedDocument, LoaderInput } from './document-loader.js';
export { createDocxLoader } from './docx-loader.js';
export { createEpubLoader } from './epub-loader.js';
export { createHtmlLoader } from './html-loader.js';
export { createDefaultLoaders, findLoader, loadDocumentFile } from './load-document.js';
export { createMarkdownLoader } from './markdown-loader.js';
export {
  encodePageStarts,
  metadataForStoredText,
  pageAtOffset,
  pageStartsKey,
  readPageStarts,
  rebasePageStarts,
} from './page-starts.js';
export { createPdfLoader, joinPages } from './pdf-loader.js';
export { createTextLoader } from './text-loader.js';
