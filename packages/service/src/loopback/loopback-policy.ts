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

/**
 * Middleware: 403 `forbidden_host` / `forbidden_origin` (our error JSON) before any route runs. The
 * hosts and origins allowed are read once, here.
 */
export function loopbackPolicy(options: LoopbackPolicyOptions = {}): MiddlewareHandler {
  const policy: LoopbackPolicyOptions = {
    allowedHosts: [...(options.allowedHosts ?? [])],
    allowedOrigins: [...(options.allowedOrigins ?? [])],
  };
  // The last Host and Origin values that passed: a client sends the same ones request after request,
  // and checking them again (split, regular expressions, URL parsing: 1–2 µs each) cost more than the
  // rest of the policy. The checks are pure and the policy fixed, so a value equal to one that passed
  // passes; any other value is checked in full.
  let passedHost: string | undefined;
  let passedOrigin: string | undefined;
  return async (context, next) => {
    const host = context.req.header('host');
    if (host === undefined || host !== passedHost) {
      const verdict = checkHost(host, policy);
      if (!verdict.ok) throw new ServiceError(verdict.code, 403, verdict.message);
      passedHost = host;
    }
    const origin = context.req.header('origin');
    if (origin !== undefined && origin !== passedOrigin) {
      const verdict = checkOrigin(origin, policy);
      if (!verdict.ok) throw new ServiceError(verdict.code, 403, verdict.message);
      passedOrigin = origin;
    }
    await next();
  };
}
