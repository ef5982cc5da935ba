// The one loopback policy of every Klody service: the Host header must name this machine (DNS
// rebinding), and an Origin, when present, must be a page served from this machine (CSRF: a page the
// user visits must not drive a local service). Hosts and origins beyond loopback are configured for a
// non-loopback bind, never guessed.
import type { MiddlewareHandler } from 'hono';
import { quoteForMessage } from '../errors/quote-for-message.js';
import { ServiceError } from '../errors/service-error.js';
import { hostNameOf, isLoopbackName } from './loopback-names.js';

export interface LoopbackPolicyOptions {
  /** Extra host names accepted in Host (a non-loopback bind's own names), e.g. `klody.lan`. */
  allowedHosts?: readonly string[];
  /** Extra origins accepted, exactly as browsers send them, e.g. `https://klody.lan`. */
  allowedOrigins?: readonly string[];
}

export type PolicyVerdict =
  | { ok: true }
  | { ok: false; code: 'forbidden_host' | 'forbidden_origin'; message: string };

export function checkHost(host: string | undefined, options: LoopbackPolicyOptions = {}): PolicyVerdict {
  if (host === undefined || host === '')
    return { ok: false, code: 'forbidden_host', message: 'a Host header is required' };
  const name = hostNameOf(host);
  const allowed = (options.allowedHosts ?? []).map((entry) => entry.toLowerCase());
  if (name !== null && (isLoopbackName(name) || allowed.includes(name))) return { ok: true };
  return {
    ok: false,
    code: 'forbidden_host',
    message: `Host ${quoteForMessage(host)} is not a loopback name: this service only answers requests for this machine`,
  };
}

export function checkOrigin(origin: string | undefined, options: LoopbackPolicyOptions = {}): PolicyVerdict {
  if (origin === undefined) return { ok: true };
  if ((options.allowedOrigins ?? []).includes(origin)) return { ok: true };
  try {
    const url = new URL(origin);
    const name = hostNameOf(url.host);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && name !== null && isLoopbackName(name))
      return { ok: true };
  } catch {
    // "null" (a sandboxed frame, a file page) and anything unparsable are foreign.
  }
  return {
    ok: false,
    code: 'forbidden_origin',
    message: `Origin ${quoteForMessage(origin)} is not a page of this machine: cross-site requests are refused`,
  };
}

/** Middleware: 403 `forbidden_host` / `forbidden_origin` (our error JSON) before any route runs. */
export function loopbackPolicy(options: LoopbackPolicyOptions = {}): MiddlewareHandler {
  return async (context, next) => {
    for (const verdict of [
      checkHost(context.req.header('host'), options),
      checkOrigin(context.req.header('origin'), options),
    ]) {
      if (!verdict.ok) throw new ServiceError(verdict.code, 403, verdict.message);
    }
    await next();
  };
}
