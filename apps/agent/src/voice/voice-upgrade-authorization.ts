// Who may open `/voice`: the same rules as the HTTP app. Host and Origin go through @klody/service's
// loopback checks (a page the user visits must not open a socket to Klody's microphone loop), then the
// API key when one is configured, as a bearer header or, from a browser, as a `klody-key.<key>`
// subprotocol.
import type { IncomingMessage } from 'node:http';
import { checkHost, checkOrigin, type LoopbackPolicyOptions } from '@klody/service';
import { sameKey } from './same-key.js';
import { keysOffered, offeredProtocols } from './voice-key-protocol.js';

export interface VoiceUpgradeAuthorizationOptions {
  /** When set, the upgrade must carry it; null or absent: no key is asked. */
  apiKey?: string | null;
  /** Host names and origins beyond loopback, as the HTTP app takes them. */
  policy?: LoopbackPolicyOptions;
}

export type VoiceUpgradeVerdict =
  | { ok: true }
  | { ok: false; status: 401 | 403; code: string; message: string };

export function authorizeVoiceUpgrade(
  request: IncomingMessage,
  { apiKey = null, policy = {} }: VoiceUpgradeAuthorizationOptions,
): VoiceUpgradeVerdict {
  const host = checkHost(request.headers.host, policy);
  if (!host.ok) return { ok: false, status: 403, code: host.code, message: host.message };
  const origin = checkOrigin(request.headers.origin, policy);
  if (!origin.ok) return { ok: false, status: 403, code: origin.code, message: origin.message };
  if (!apiKey) return { ok: true };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  const offered = [
    ...(bearer === undefined ? [] : [bearer]),
    ...keysOffered(offeredProtocols(request.headers['sec-websocket-protocol'])),
  ];
  // Every offered key is compared, even after a match, so that the time taken says nothing.
  const matches = offered.map((key) => sameKey(key, apiKey));
  if (matches.includes(true)) return { ok: true };
  return {
    ok: false,
    status: 401,
    code: 'unauthorized',
    message:
      'a valid API key is required: an "Authorization: Bearer <key>" header or a "klody-key.<key>" WebSocket subprotocol',
  };
}
