// What counts as this machine in a Host or Origin header. A foreign name that resolves to 127.0.0.1
// (DNS rebinding) must not pass, so names are checked, not addresses resolved.

/**
 * The host name of a Host header value (`name`, `name:port`, `[v6]`, `[v6]:port`), lower-cased, or
 * null when the value is not a valid host (an unbracketed IPv6 address, two ports, an empty name…).
 */
export function hostNameOf(hostHeader: string): string | null {
  const value = hostHeader.trim().toLowerCase();
  const bracketed = /^(\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return bracketed[1] as string;
  const named = /^([a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!named) return null;
  const name = named[1] as string;
  return name === '' || name.startsWith('.') || name.includes('..') ? null : name;
}

function isLoopbackIpv4(name: string): boolean {
  const parts = name.split('.');
  return (
    parts.length === 4 &&
    parts[0] === '127' &&
    parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)
  );
}

/** `localhost`, `*.localhost` (RFC 6761: always loopback), `127.0.0.0/8` and `[::1]`. */
export function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackIpv4(name) || name === '[::1]';
}

/** Whether a bind address keeps a service on this machine (the bind rule). */
export function isLoopbackAddress(address: string): boolean {
  const name = address.toLowerCase();
  return (
    name === 'localhost' ||
    isLoopbackIpv4(name) ||
    name === '::1' ||
    name === '[::1]' ||
    name === '::ffff:127.0.0.1'
  );
}
