// A request with the headers `fetch` will not let a test set (Host, a declared Content-Length that the
// body does not match, Transfer-Encoding), over a fresh connection each time: a refused body leaves its
// connection unusable, and a kept-alive one would carry that into the next test.
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The error code of our JSON error body, or null when the body is not one. */
  errorCode: string | null;
}

export function rawRequest(baseUrl: string, options: RawRequest): Promise<RawAnswer> {
  const target = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('error', reject);
        response.on('end', () => {
          let errorCode: string | null = null;
          try {
            errorCode = (JSON.parse(body) as { error?: { code?: string } }).error?.code ?? null;
          } catch {
            errorCode = null;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body, errorCode });
        });
      },
    );
    // The service may answer (413) and close while a large body is still being sent.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    if (options.body instanceof Readable) options.body.pipe(request);
    else request.end(options.body);
  });
}

/** `megabytes` MiB of spaces, streamed: no Content-Length announces it. */
export function endlessBody(megabytes: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= megabytes) this.push(null);
      else {
        sent++;
        this.push(chunk);
      }
    },
  });
}
