// Books uploaded from the page: `POST /api/books/upload`, multipart/form-data with one or more
// `file` fields, at most the configured size (413 beyond it).
import { rm } from 'node:fs/promises';
import { createDefaultLoaders, findLoader } from '@klody/memory';
import { limitBody, type ServiceEnv } from '@klody/service';
import type { Hono } from 'hono';
import { storeUpload, uploadFileName } from '../library/book-upload.js';
import type { Library } from '../library/library.js';
import { apiError } from './api-error.js';

export interface UploadRoutesOptions {
  library: Library;
  /** Where uploaded books are kept (`config.uploadFolder`). */
  folder: string;
  /** The largest upload, in bytes (`config.uploadLimitBytes`). */
  maxBytes: number;
}

/** Room for the multipart boundaries and headers around the files. */
const multipartOverheadBytes = 64 * 1024;

export function registerUploadRoutes(
  app: Hono<ServiceEnv>,
  { library, folder, maxBytes }: UploadRoutesOptions,
) {
  const loaders = createDefaultLoaders();

  app.get('/api/books/upload', (context) =>
    context.json({
      maxBytes,
      extensions: [...new Set(loaders.flatMap((loader) => loader.extensions))].sort(),
    }),
  );

  app.post('/api/books/upload', limitBody(maxBytes + multipartOverheadBytes), async (context) => {
    const type = context.req.header('content-type') ?? '';
    if (!type.toLowerCase().startsWith('multipart/form-data'))
      throw apiError(
        'unsupported_media_type',
        `upload books as multipart/form-data with a "file" field, not ${type ? `"${type}"` : 'without a content type'}`,
      );
    let form: Record<string, unknown>;
    try {
      form = await context.req.parseBody({ all: true });
    } catch (error) {
      throw apiError('invalid_request', `the multipart body cannot be read: ${(error as Error).message}`);
    }
    const files = [form.file].flat().filter((value): value is File => value instanceof File);
    if (files.length === 0) throw apiError('invalid_request', 'no "file" field holds a file');
    // Everything is checked before anything is stored: a bad file in the batch stores none.
    for (const file of files) {
      const name = uploadFileName(file.name);
      if (!findLoader(loaders, name))
        throw apiError(
          'unsupported_format',
          `${JSON.stringify(file.name)} is not a book Library Brain reads (txt, md, html, pdf, docx, epub)`,
        );
      if (file.size === 0) throw apiError('invalid_request', `${JSON.stringify(file.name)} is empty`);
      if (file.size > maxBytes)
        throw apiError('body_too_large', `${JSON.stringify(file.name)} is larger than the upload limit`);
    }
    const paths: string[] = [];
    for (const file of files)
      paths.push(await storeUpload(folder, file.name, new Uint8Array(await file.arrayBuffer())));
    const summary = await library.ingest(paths);
    // A file that could not be read (not text, a broken PDF) is no book: its copy goes.
    for (const path of [...summary.failed, ...summary.skipped].map((entry) => entry.path))
      await rm(path, { force: true });
    return context.json({ stored: paths, ...summary });
  });
}
