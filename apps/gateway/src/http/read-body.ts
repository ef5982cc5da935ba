import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/index.js';

/**
 * Reads a request body up to `limitBytes`: a declared Content-Length over the limit is refused before
 * anything is read, and a chunked body is refused as soon as it passes the limit.
 */
export function readBody(incoming: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  const tooLarge = () =>
    new GatewayError(
      'body_too_large',
      `the request body exceeds ${Math.round((limitBytes / 1024 / 1024) * 100) / 100} MiB`,
    );
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        incoming.resume(); // drain the rest so the 413 can be read by the client
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new GatewayError('invalid_request', `could not read the request body: ${error.message}`));
    };
    // The client went away before sending the whole body: nothing to answer, but never wait forever.
    const onClose = () => {
      if (incoming.readableEnded) return;
      cleanup();
      reject(
        new GatewayError('invalid_request', 'the client closed the connection before sending the whole body'),
      );
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}
