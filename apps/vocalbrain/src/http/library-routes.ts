import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { limitBody, mebibyte, parseRequest, type ServiceEnv, ServiceError } from '@klody/service';
import { Hono } from 'hono';
import { z } from 'zod';
import { maxFindDescriptionLength, maxFindLimit, type TrackLibrary } from '../library/index.js';

/** Audio uploads may be large, up to CONTRACTS.md's ceiling for audio. */
export const trackUploadLimitBytes = 64 * mebibyte;

/** What the library's routes need of the app's services (V1's `services` object has more). */
export interface LibraryRouteServices {
  /** Null or absent: the routes answer 503 `library_unavailable`. */
  library?: TrackLibrary | null;
}

const findQuery = z.object({
  q: z.string().trim().min(1, 'q is empty: say what the track sounds like').max(maxFindDescriptionLength),
  k: z.coerce.number().int().min(1).max(maxFindLimit).default(5),
});
const trackId = z.coerce.number().int().min(1);

/** Tags as a comma-separated field, repeated `tags` fields, or a JSON list. */
function tagsOf(values: unknown[]): string[] {
  return values.flatMap((value) => {
    if (typeof value !== 'string') return [];
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        const parsed = JSON.parse(trimmed) as unknown;
        if (Array.isArray(parsed)) return parsed.filter((tag): tag is string => typeof tag === 'string');
      } catch {
        throw new ServiceError('invalid_request', 400, 'tags: not a JSON list of strings');
      }
    }
    return trimmed.split(',');
  });
}

// The page's files sit in the package's web/ folder: two levels above src/http/ on sources, one
// above dist/ when built.
const webFolder = [new URL('../../web/', import.meta.url), new URL('../web/', import.meta.url)].find(
  (folder) => existsSync(new URL('index.html', folder)),
);
const webTypes: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'style.css': 'text/css; charset=utf-8',
};

/**
 * The audio library's API (`/api/library/*`) and the web page that fronts VocalBrain (`/`,
 * `/app.js`, `/style.css`), for create-app to mount with `app.route('/', libraryRoutes(services))`.
 * Errors are thrown as ServiceError and answered by the app's one error handler.
 */
export function libraryRoutes(services: LibraryRouteServices): Hono<ServiceEnv> {
  const routes = new Hono<ServiceEnv>();
  const library = (): TrackLibrary => {
    if (!services.library)
      throw new ServiceError('library_unavailable', 503, 'the audio library is not available in this server');
    return services.library;
  };

  routes.post('/api/library/tracks', limitBody(trackUploadLimitBytes), async (context) => {
    const type = context.req.header('content-type') ?? '';
    if (!type.startsWith('multipart/form-data'))
      throw new ServiceError(
        'invalid_request',
        400,
        'send multipart/form-data with a file field, a description and optional tags',
      );
    const form = await context.req.parseBody({ all: true }).catch(() => {
      throw new ServiceError('invalid_request', 400, 'the multipart body cannot be read');
    });
    const file = Array.isArray(form.file) ? form.file[0] : form.file;
    if (!(file instanceof File))
      throw new ServiceError('invalid_request', 400, 'file: no audio file was sent');
    const description = Array.isArray(form.description) ? form.description[0] : form.description;
    if (typeof description !== 'string')
      throw new ServiceError('invalid_request', 400, 'description: say what the track sounds like');
    const title = typeof form.title === 'string' ? form.title : undefined;
    const tags = tagsOf(form.tags === undefined ? [] : Array.isArray(form.tags) ? form.tags : [form.tags]);
    const track = await library().add({
      bytes: new Uint8Array(await file.arrayBuffer()),
      fileName: file.name || 'upload.wav',
      description,
      tags,
      ...(title ? { title } : {}),
    });
    return context.json({ track }, 201);
  });

  routes.get('/api/library/tracks', (context) => context.json({ tracks: library().list() }));

  routes.get('/api/library/tracks/:id', (context) => {
    const id = parseRequest(trackId, context.req.param('id'), 'id');
    const track = library().get(id);
    if (!track) throw new ServiceError('not_found', 404, `no track with id ${id}`);
    return context.json({ track });
  });

  routes.get('/api/library/find', async (context) => {
    const { q, k } = parseRequest(findQuery, context.req.query(), 'q');
    const answer = await library().find(q, { limit: k, signal: context.req.raw.signal });
    return context.json({ query: q, ...answer });
  });

  routes.get('/api/library/tracks/:id/audio', (context) => {
    const id = parseRequest(trackId, context.req.param('id'), 'id');
    const file = library().audioFile(id);
    if (!file || !existsSync(file.path)) throw new ServiceError('not_found', 404, `no track with id ${id}`);
    const size = statSync(file.path).size;
    const headers = { 'content-type': file.contentType, 'accept-ranges': 'bytes' };
    // Browsers ask for ranges to seek and to read the duration; answer them, or <audio> may not seek.
    const range = /^bytes=(\d*)-(\d*)$/.exec(context.req.header('range') ?? '');
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start >= size || start > end) {
        return context.body(null, 416, { ...headers, 'content-range': `bytes */${size}` });
      }
      const stream = Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream;
      return context.body(stream, 206, {
        ...headers,
        'content-range': `bytes ${start}-${end}/${size}`,
        'content-length': String(end - start + 1),
      });
    }
    const stream = Readable.toWeb(createReadStream(file.path)) as ReadableStream;
    return context.body(stream, 200, { ...headers, 'content-length': String(size) });
  });

  routes.delete('/api/library/tracks/:id', async (context) => {
    const id = parseRequest(trackId, context.req.param('id'), 'id');
    if (!(await library().remove(id))) throw new ServiceError('not_found', 404, `no track with id ${id}`);
    return context.json({ removed: id });
  });

  for (const [name, type] of Object.entries(webTypes)) {
    routes.get(name === 'index.html' ? '/' : `/${name}`, (context) => {
      if (!webFolder) throw new ServiceError('page_missing', 500, 'the web page files (web/) are missing');
      return context.body(readFileSync(new URL(name, webFolder), 'utf8'), 200, { 'content-type': type });
    });
  }
  return routes;
}
