import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * Where another service is reached (`KLODY_<APP>_URL`, CONTRACTS.md): the variable's URL without a
 * trailing slash, `fallback` when it is unset, null when it is `none` (the service is turned off).
 * Anything but an http(s) URL throws a ConfigurationError naming the variable.
 */
export function readServiceURL(
  variable: string,
  value: string | undefined,
  fallback: string | null,
): string | null {
  if (value?.toLowerCase() === 'none') return null;
  const raw = value ?? fallback;
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`${variable}: "${raw}" is not a URL (or "none")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`${variable}: "${raw}" must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

/** `KLODY_GATEWAY_URL`: the gateway's base URL, given without `/v1` (CONTRACTS.md) and accepted with it. */
export function readGatewayURL(value: string | undefined): string | null {
  return readServiceURL('KLODY_GATEWAY_URL', value, 'http://127.0.0.1:8090')?.replace(/\/v1$/, '') ?? null;
}
