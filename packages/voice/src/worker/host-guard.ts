import type { MiddlewareHandler } from 'hono';

const loopbackNames = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

function hostName(value: string): string {
  const trimmed = value.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d+$/, '');
}

/** Whether a Host header names this machine (DNS rebinding sends a foreign name to 127.0.0.1). */
export function isLoopbackHost(host: string, extra: readonly string[] = []): boolean {
  const name = hostName(host);
  return loopbackNames.has(name) || extra.map((entry) => entry.toLowerCase()).includes(name);
}

/** Whether an Origin header is a page served from this machine. */
export function isLoopbackOrigin(origin: string, extra: readonly string[] = []): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.host, extra);
  } catch {
    return false;
  }
}

/**
 * Refuses requests whose Host is not a loopback name or whose Origin is a foreign site, so a web
 * page the user visits cannot drive the worker (DNS rebinding, CSRF). `allowedHosts` widens both.
 */
export function hostGuard(allowedHosts: readonly string[] = []): MiddlewareHandler {
  return async (context, next) => {
    const host = context.req.header('host');
    if (!host || !isLoopbackHost(host, allowedHosts)) {
      return context.json(
        { error: { code: 'forbidden_host', message: `requests for host "${host ?? ''}" are refused` } },
        403,
      );
    }
    const origin = context.req.header('origin');
    if (origin && origin !== 'null' && !isLoopbackOrigin(origin, allowedHosts)) {
      return context.json(
        { error: { code: 'forbidden_origin', message: `requests from origin "${origin}" are refused` } },
        403,
      );
    }
    if (origin === 'null') {
      return context.json(
        { error: { code: 'forbidden_origin', message: 'requests from an opaque origin are refused' } },
        403,
      );
    }
    await next();
  };
}
