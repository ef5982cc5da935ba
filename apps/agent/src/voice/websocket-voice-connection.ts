import { WebSocket } from 'ws';
import { frameFromPcm } from './pcm-frames.js';
import type { VoiceConnection, VoiceServerMessage } from './voice-protocol.js';

/**
 * The voice session's view of one ws socket: messages as JSON text frames, speech as s16le binary
 * frames. Sending on a socket that is no longer open does nothing: a session that is still finishing
 * a sentence when the client leaves must not throw.
 */
export function createWebSocketVoiceConnection(socket: WebSocket): VoiceConnection {
  const open = () => socket.readyState === WebSocket.OPEN;
  return {
    send(message: VoiceServerMessage) {
      if (open()) socket.send(JSON.stringify(message));
    },
    sendAudio(pcm: Int16Array) {
      if (open() && pcm.length > 0) socket.send(frameFromPcm(pcm), { binary: true });
    },
    bufferedBytes() {
      return socket.bufferedAmount;
    },
    close(code?: number, reason?: string) {
      if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) return;
      socket.close(code ?? 1000, reason);
    },
  };
}
