// A fake voice session (an `OpenVoiceSession`) for the `/voice` tests: it records every connection's
// audio, messages and closes, answers `configure` with `ready` as the real session does, and lets a
// test speak for the server through `connection` (messages and audio).
import type {
  OpenVoiceSession,
  VoiceClientMessage,
  VoiceConnection,
  VoiceServerMessage,
} from '../src/voice/voice-protocol.js';

export interface FakeVoiceConnectionRecord {
  connection: VoiceConnection;
  audio: Int16Array[];
  messages: VoiceClientMessage[];
  /** How many times the socket told the session it closed (must end at 1). */
  closes: number;
}

export interface FakeVoiceSession {
  open: OpenVoiceSession;
  connections: FakeVoiceConnectionRecord[];
  /** Called after each recorded audio frame (a test's script: answer once enough was heard). */
  onAudio: ((record: FakeVoiceConnectionRecord) => void) | null;
}

export function createFakeVoiceSession(): FakeVoiceSession {
  const fake: FakeVoiceSession = {
    connections: [],
    onAudio: null,
    open(connection) {
      const record: FakeVoiceConnectionRecord = { connection, audio: [], messages: [], closes: 0 };
      fake.connections.push(record);
      return {
        audio(pcm) {
          record.audio.push(pcm);
          fake.onAudio?.(record);
        },
        message(message) {
          record.messages.push(message);
          if (message.type === 'configure')
            connection.send({
              type: 'ready',
              sessionId: message.sessionId ?? null,
              duplex: message.duplex ?? 'half',
              approvals: message.approvals ?? 'ask',
              sampleRate: 16_000,
            } satisfies VoiceServerMessage);
        },
        close() {
          record.closes++;
        },
      };
    },
  };
  return fake;
}

/** All samples a connection received, in order. */
export function samplesReceived(record: FakeVoiceConnectionRecord): Int16Array {
  const total = record.audio.reduce((sum, frame) => sum + frame.length, 0);
  const samples = new Int16Array(total);
  let offset = 0;
  for (const frame of record.audio) {
    samples.set(frame, offset);
    offset += frame.length;
  }
  return samples;
}
