import type { IncomingMessage } from 'node:http';

/**
 * What is wrong with an upgrade request as a WebSocket handshake (RFC 6455 §4.2.1), or null. Checked
 * before `ws` sees it, because `ws` refuses a bad handshake with a plain-text body, not our JSON.
 */
export function handshakeProblem(request: IncomingMessage): string | null {
  if (request.method !== 'GET') return 'a WebSocket handshake must be a GET request';
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket')
    return 'the Upgrade header must be "websocket"';
  if (!/^[+/0-9A-Za-z]{22}==$/.test(request.headers['sec-websocket-key'] ?? ''))
    return 'the Sec-WebSocket-Key header is missing or invalid';
  if (request.headers['sec-websocket-version'] !== '13') return 'only WebSocket version 13 is spoken here';
  return null;
}
