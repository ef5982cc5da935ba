// Body limits per route, through Hono's own `bodyLimit`: a declared Content-Length over the limit is
// refused before anything is read, and a chunked body is counted while it streams in and cut at the
// limit (a worker once buffered a 1.2 GB chunked body whole and grew to 2.5 GB).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { errorBody } from '../errors/service-error.js';

export const mebibyte = 1024 * 1024;

/** The JSON routes' default limit (CONTRACTS.md); audio uploads may go up to 64 MiB. */
export const defaultJsonBodyLimitBytes = 8 * mebibyte;

function describe(bytes: number): string {
  return bytes >= mebibyte ? `${Math.round((bytes / mebibyte) * 100) / 100} MiB` : `${bytes} bytes`;
}

/** 413 `body_too_large`; the connection is closed, since the rest of the body is never read. */
export function limitBody(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (context) =>
      context.json(errorBody('body_too_large', `the request body exceeds ${describe(maxBytes)}`), 413, {
        connection: 'close',
      }),
  });
}
