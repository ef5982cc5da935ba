// Who may talk to the gateway: loopback Host names only (DNS rebinding), no foreign Origin (a web
// page the user visits must not drive a local service), and the bearer key when one is configured.
import { timingSafeEqual } from 'node:crypto';

const loopbackNames = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function hostName(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

export function isLoopbackName(name: string): boolean {
  return loopbackNames.has(name) || name.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function isLoopbackAddress(address: string): boolean {
  return (
    address === '::1' || address === 'localhost' || /^127\./.test(address) || address === '::ffff:127.0.0.1'
  );
}

export interface GuardOptions {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  apiKey: string | null;
}

export type GuardVerdict =
  | { ok: true }
  | { ok: false; code: 'forbidden_host' | 'forbidden_origin' | 'unauthorized'; message: string };

export function checkHost(host: string | undefined, options: GuardOptions): GuardVerdict {
  if (!host) return { ok: false, code: 'forbidden_host', message: 'a Host header is required' };
  const name = hostName(host);
  if (isLoopbackName(name) || options.allowedHosts.map((allowed) => allowed.toLowerCase()).includes(name))
    return { ok: true };
  return {
    ok: false,
    code: 'forbidden_host',
    message: `Host "${host}" is not a loopback name nor an allowed host`,
  };
}

export function checkOrigin(origin: string | undefined, options: GuardOptions): GuardVerdict {
  if (origin === undefined) return { ok: true };
  if (options.allowedOrigins.includes(origin)) return { ok: true };
  try {
    const url = new URL(origin);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackName(url.hostname.toLowerCase()))
      return { ok: true };
  } catch {
    // "null" and other opaque origins are foreign
  }
  return { ok: false, code: 'forbidden_origin', message: `Origin "${origin}" is not allowed` };
}

export function checkBearer(authorization: string | undefined, options: GuardOptions): GuardVerdict {
  if (options.apiKey === null) return { ok: true };
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
  const given = Buffer.from(match?.[1]?.trim() ?? '');
  const expected = Buffer.from(options.apiKey);
  if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  return {
    ok: false,
    code: 'unauthorized',
    message: 'a valid "Authorization: Bearer <key>" header is required',
  };
}
