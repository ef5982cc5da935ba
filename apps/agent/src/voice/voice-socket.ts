// The `/voice` WebSocket on the agent's HTTP server. @hono/node-server serves the app through a plain
// node server, so the socket is a `ws` server in `noServer` mode fed by the node server's `upgrade`
// event: the upgrade is checked (handshake, Host/Origin, key) before `ws` takes it, each connection
// gets a voice session, and frames are turned into what `VoiceSessionHandler` takes.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type LoopbackPolicyOptions, mebibyte, type ServiceLogger } from '@klody/service';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { pcmFromFrame } from './pcm-frames.js';
import { readClientMessage } from './read-client-message.js';
import { rejectUpgrade } from './reject-upgrade.js';
import { selectProtocol } from './voice-key-protocol.js';
import type { OpenVoiceSession, VoiceConnection, VoiceSessionHandler } from './voice-protocol.js';
import { authorizeVoiceUpgrade } from './voice-upgrade-authorization.js';
import { handshakeProblem } from './websocket-handshake.js';
import { createWebSocketVoiceConnection } from './websocket-voice-connection.js';

/** Where the voice loop answers. */
export const voicePath = '/voice';

/** The largest frame taken (text or binary): 1 MiB is half a minute of 16 kHz audio. A bigger one closes the socket (1009). */
export const voiceFrameLimitBytes = mebibyte;

/** How often the server pings; a client that has not answered the previous ping by then is dropped. */
export const defaultKeepAliveMs = 30_000;

export interface VoiceSocketOptions {
  /** Starts the session of a new connection; absent: `/voice` answers 404 `voice_unavailable`. */
  openVoiceSession?: OpenVoiceSession;
  /** When set, an upgrade must carry it (bearer header or `klody-key.<key>` subprotocol). */
  apiKey?: string | null;
  /** Host names and origins beyond loopback, the same as the HTTP app's. */
  policy?: LoopbackPolicyOptions;
  /** Connections, refusals and session failures; none without it. */
  logger?: ServiceLogger;
  /** The ping interval; 30 s by default. */
  keepAliveMs?: number;
}

export interface VoiceSocket {
  /** Open voice connections. */
  readonly connections: number;
  /** Closes every connection (1001, then dropped after `graceMs`, 1 s) and stops taking upgrades. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Takes over the server's upgrades: `/voice` for the voice loop, 404 for any other path. */
export function attachVoiceSocket(server: Server, options: VoiceSocketOptions = {}): VoiceSocket {
  const { openVoiceSession, logger } = options;
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: voiceFrameLimitBytes,
    // Audio is noise to a compressor, and permessage-deflate costs memory per connection.
    perMessageDeflate: false,
    handleProtocols: (protocols) => selectProtocol(protocols),
  });
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  /** Why an upgrade is refused (status, code, message), or null when `ws` may take it. */
  function refusal(request: IncomingMessage): { status: number; code: string; message: string } | null {
    if (closing) return { status: 503, code: 'shutting_down', message: 'the server is stopping' };
    const problem = handshakeProblem(request);
    if (problem) return { status: 400, code: 'invalid_upgrade', message: problem };
    const verdict = authorizeVoiceUpgrade(request, {
      apiKey: options.apiKey ?? null,
      policy: options.policy ?? {},
    });
    if (!verdict.ok) return { status: verdict.status, code: verdict.code, message: verdict.message };
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== voicePath) return { status: 404, code: 'not_found', message: `no WebSocket at ${path}` };
    if (!openVoiceSession)
      return {
        status: 404,
        code: 'voice_unavailable',
        message: 'this server has no voice loop (no speech engines configured)',
      };
    return null;
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refused = refusal(request);
    if (refused) {
      logger?.warn({ ...refused, url: request.url }, `voice upgrade refused: ${refused.message}`);
      rejectUpgrade(socket, refused.status, refused.code, refused.message);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (websocket) =>
      sockets.emit('connection', websocket, request),
    );
  }

  sockets.on('connection', (websocket: WebSocket) => {
    alive.add(websocket);
    websocket.on('pong', () => alive.add(websocket));
    // ws emits 'error' for a protocol violation (a frame over maxPayload: 1009) and then closes; an
    // 'error' without a listener would crash the server.
    websocket.on('error', (error) => logger?.warn({ err: error }, 'voice connection failed'));
    const connection = createWebSocketVoiceConnection(websocket);
    const handler = openSession(connection, websocket);
    if (!handler) return;
    logger?.info({ connections: sockets.clients.size }, 'voice connection opened');
    let closed = false;
    websocket.on('close', (code) => {
      if (closed) return;
      closed = true;
      logger?.info({ code }, 'voice connection closed');
      guard(connection, () => handler.close(), 'closing');
    });
    websocket.on('message', (data, isBinary) => {
      if (isBinary) {
        const pcm = pcmFromFrame(bytesOf(data));
        if (pcm) guard(connection, () => handler.audio(pcm), 'audio');
        else
          connection.send({
            type: 'error',
            code: 'invalid_audio',
            message: 'a binary frame must be 16-bit PCM: an even number of bytes',
          });
        return;
      }
      const reading = readClientMessage(bytesOf(data).toString('utf8'));
      if (reading.ok) guard(connection, () => handler.message(reading.message), 'message');
      else connection.send({ type: 'error', code: 'invalid_message', message: reading.problem });
    });
  });

  function openSession(connection: VoiceConnection, websocket: WebSocket): VoiceSessionHandler | null {
    try {
      return (openVoiceSession as OpenVoiceSession)(connection);
    } catch (error) {
      logger?.error({ err: error }, 'the voice session did not start');
      connection.send({
        type: 'error',
        code: 'voice_unavailable',
        message: 'the voice session did not start',
      });
      websocket.close(1011, 'voice session failed');
      return null;
    }
  }

  /** A session that throws is a bug of the session, not of the client: logged, told, the socket kept. */
  function guard(connection: VoiceConnection, work: () => void, what: string): void {
    try {
      work();
    } catch (error) {
      logger?.error({ err: error }, `the voice session failed on ${what}`);
      connection.send({
        type: 'error',
        code: 'internal_error',
        message: `the voice session failed on ${what}`,
      });
    }
  }

  const keepAlive = setInterval(() => {
    for (const websocket of sockets.clients) {
      if (!alive.has(websocket)) {
        websocket.terminate();
        continue;
      }
      alive.delete(websocket);
      websocket.ping();
    }
  }, options.keepAliveMs ?? defaultKeepAliveMs);
  keepAlive.unref();

  server.on('upgrade', onUpgrade);

  return {
    get connections() {
      return sockets.clients.size;
    },
    async close({ graceMs = 1_000 } = {}) {
      if (closing) return;
      closing = true;
      clearInterval(keepAlive);
      const open = [...sockets.clients];
      const gone = open.map(
        (websocket) =>
          new Promise<void>((resolve) => {
            if (websocket.readyState === WebSocket.CLOSED) return resolve();
            websocket.once('close', () => resolve());
          }),
      );
      for (const websocket of open) websocket.close(1001, 'the server is stopping');
      const timer = setTimeout(() => {
        for (const websocket of open) websocket.terminate();
      }, graceMs);
      await Promise.all(gone);
      clearTimeout(timer);
      // The upgrade listener stays: with none, node would drop later upgrades without an answer.
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}

/** A message's bytes, whatever form ws hands them in (one Buffer with the default binaryType). */
function bytesOf(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
