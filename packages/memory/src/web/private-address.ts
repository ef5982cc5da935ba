import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { MemoryError } from '../errors/index.js';

/** Resolves a host name to its addresses (node:dns's `lookup` with `all: true`, injectable for tests). */
export type HostLookup = (hostname: string) => Promise<string[]>;

const defaultLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

function isPrivateIpv4(address: string): boolean {
  const [a = 0, b = 0] = ipv4Bytes(address);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

/**
 * Whether an IP address is not on the public internet: loopback, private, link-local, carrier NAT,
 * multicast, unspecified (IPv4, IPv6 and IPv4-mapped IPv6).
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const family = isIP(bare);
  if (family === 4) return isPrivateIpv4(bare);
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped?.[1]) return isPrivateIpv4(mapped[1]);
  return (
    bare === '::' ||
    bare === '::1' ||
    /^f[cd]/.test(bare) || // fc00::/7, unique local
    /^fe[89ab]/.test(bare) || // fe80::/10, link-local
    bare.startsWith('ff') // multicast
  );
}

/**
 * Refuses a URL whose host is, or resolves to, an address off the public internet. A page address
 * from a search result is written by strangers: without this, a result pointing at
 * `http://127.0.0.1:8090/admin/…` would have the agent call the user's own services. (A host that
 * resolves differently between this check and the request is not caught: this is a guard for
 * addresses in plain sight, not a network firewall.)
 */
export async function assertPublicHost(url: URL, lookup: HostLookup = defaultLookup): Promise<void> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const refuse = (why: string) =>
    new MemoryError('web_fetch_failed', `${url.href} is not fetched: ${why} is not on the public internet`);
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) throw refuse(hostname);
  if (isIP(hostname) !== 0) {
    if (isPrivateAddress(hostname)) throw refuse(hostname);
    return;
  }
  let addresses: string[];
  try {
    addresses = await lookup(hostname);
  } catch (error) {
    throw new MemoryError('web_fetch_failed', `${url.href} is not fetched: ${hostname} does not resolve`, {
      cause: error,
    });
  }
  const inside = addresses.find(isPrivateAddress);
  if (inside) throw refuse(`${hostname} (${inside})`);
}
