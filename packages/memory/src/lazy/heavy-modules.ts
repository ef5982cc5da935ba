import { lazyImport } from './lazy-import.js';

// Each of these weighs megabytes or starts native code when imported; none is imported by the
// package's root module (root-import.test.ts checks that in a fresh process).

/** transformers.js, with ONNX Runtime and sharp behind it: embedders and the cross-encoder. */
export const loadTransformers = lazyImport(() => import('@huggingface/transformers'));

/** unpdf, a serverless build of pdf.js: the PDF loader. */
export const loadUnpdf = lazyImport(() => import('unpdf'));

/** mammoth's API, named so that the declaration build can write this module's types. */
type MammothModule = typeof import('mammoth');

/** mammoth (CommonJS; its `default` is the API): the DOCX loader. */
export const loadMammoth: () => Promise<MammothModule> = lazyImport(
  async () => (await import('mammoth')).default,
);

/** JSZip (CommonJS; its `default` is the class): the EPUB loader. */
export const loadJszip = lazyImport(async () => (await import('jszip')).default);
