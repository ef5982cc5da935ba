// How a browser proves the API key on `/voice`: a page cannot set headers on a WebSocket, but it can
// offer subprotocols, so the key travels as one (`klody-key.<key>`) beside the real one (`klody-voice`),
// which the server selects. Only keys made of HTTP token characters fit in a subprotocol.

/** The protocol name of `/voice`; the server selects it when offered. */
export const voiceProtocol = 'klody-voice';

/** The prefix of the subprotocol that carries the API key. */
export const keyProtocolPrefix = 'klody-key.';

/** The subprotocol that carries `key`. */
export function keyProtocol(key: string): string {
  return `${keyProtocolPrefix}${key}`;
}

/** The subprotocols offered in a `Sec-WebSocket-Protocol` header, in order. */
export function offeredProtocols(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** The keys offered as `klody-key.<key>` subprotocols. */
export function keysOffered(protocols: Iterable<string>): string[] {
  const keys: string[] = [];
  for (const protocol of protocols)
    if (protocol.startsWith(keyProtocolPrefix)) keys.push(protocol.slice(keyProtocolPrefix.length));
  return keys;
}

/**
 * The subprotocol the server answers with: `klody-voice` when offered; else, when the client offered
 * only its key, that key protocol (a browser that offered protocols fails a handshake that selects
 * none); none when nothing was offered.
 */
export function selectProtocol(protocols: ReadonlySet<string>): string | false {
  if (protocols.has(voiceProtocol)) return voiceProtocol;
  for (const protocol of protocols) if (protocol.startsWith(keyProtocolPrefix)) return protocol;
  return false;
}
