import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.js';

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostName(hostHeader: string): string {
  // "[::1]:8765" → "[::1]", "localhost:8765" → "localhost"
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

/**
 * Refuses requests whose Host is not a loopback name (DNS rebinding: a foreign site resolving its
 * name to 127.0.0.1) and requests whose Origin is another site (CSRF: a page the user visits must
 * not drive this service). Same-origin pages and non-browser clients (no Origin) pass.
 */
export function loopbackOnly(): MiddlewareHandler {
  return async (context, next) => {
    const host = context.req.header('host');
    if (!host || !loopbackNames.has(hostName(host).toLowerCase())) {
      throw new ApiError(
        'forbidden_host',
        `Host "${host ?? ''}" is not a loopback name: this service only answers local requests`,
      );
    }
    const origin = context.req.header('origin');
    if (origin && origin !== 'null') {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        // unparsable origins are foreign
      }
      if (originHost.toLowerCase() !== host.toLowerCase()) {
        throw new ApiError(
          'forbidden_origin',
          `Origin "${origin}" is not this service: cross-site requests are refused`,
        );
      }
    } else if (origin === 'null') {
      throw new ApiError('forbidden_origin', 'Origin "null" (a sandboxed or file page) is refused');
    }
    await next();
  };
}
